"""Ranking names against what a manager typed: exact, then prefix, then fuzzy.

Works for Latin, Cyrillic and Chinese names alike; short Chinese queries (2 characters) match
as substrings. Plain Python: storage supplies candidates, handlers render the result.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

# rapidfuzz (about 60 ms to import) is imported where a fuzzy comparison is first needed.

EXACT, PREFIX, SUBSTRING, FUZZY = 400, 300, 200, 100
MIN_FUZZY = 75.0
CONTAINED = FUZZY + 25.0  # below every fuzzy match (at least FUZZY + MIN_FUZZY / 2)
SURE_MATCH = PREFIX
"""A typed name this good (an exact or prefix match) is taken as the known person."""


@dataclass(frozen=True)
class Candidate:
    """Something findable: an id, the name to show, and every text it may be found by."""

    id: int
    label: str
    texts: tuple[str, ...]


@dataclass(frozen=True)
class Match:
    id: int
    label: str
    score: float  # higher is better; EXACT > PREFIX > SUBSTRING > FUZZY bands


_NOT_ALNUM = re.compile(r"[\W_]+")
"""A run of characters that are not letters or digits (`\\w` is `str.isalnum` or `_`)."""


@functools.lru_cache(maxsize=8192)
def normalize(text: str) -> str:
    """Case-, width- and punctuation-insensitive form: 'ВТ-Металл' → 'вт металл'.

    Remembered for the last 8,192 texts (a pure function: the names a KAM's typo pass ranks
    at every search are normalized once; 2 MB at most)."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    return _NOT_ALNUM.sub(" ", text).strip(" ")


@functools.cache
def cjk() -> re.Pattern[str]:
    """A Chinese character. (Both patterns are compiled on first use: their character ranges
    took about 10 ms at start-up.)"""
    return re.compile(r"[\u4e00-\u9fff]")


@functools.cache
def script_boundary() -> re.Pattern[str]:
    """Where Chinese meets Latin or Cyrillic (Chinese is written without spaces)."""
    return re.compile(
        r"(?<=[\u4e00-\u9fff])(?=[^\u4e00-\u9fff\s])|(?<=[^\u4e00-\u9fff\s])(?=[\u4e00-\u9fff])"
    )


def spaced(text: str) -> str:
    """Normalized, with a space where Chinese meets Latin or Cyrillic ("见了ivan petrov，" →
    "见了 ivan petrov"), so that names written inside Chinese text are words of their own."""
    return " ".join(script_boundary().sub(" ", normalize(text)).split())


_CYRILLIC_TO_LATIN = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
        "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
        "я": "ya",
    }
)  # fmt: skip


def transliterate(text: str) -> str:
    """Normalized text with Cyrillic spelled in Latin letters: 'Иван Петров' → 'ivan petrov'."""
    return normalize(text).translate(_CYRILLIC_TO_LATIN)


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _plain_score(query: str, text: str) -> float | None:
    """The exact, prefix and substring bands (0 for a query too short for more); None when
    only a fuzzy comparison can tell."""
    if query not in text:  # each band below holds the query
        return None if len(query) >= 3 else 0.0
    if text == query:
        return EXACT
    if text.startswith(query):
        return PREFIX + 100 * len(query) / len(text) * 0.5
    if any(word.startswith(query) for word in text.split()):
        return PREFIX - 10
    if len(query) >= 3 or _has_cjk(query):
        return SUBSTRING + 100 * len(query) / len(text) * 0.5
    return 0.0


def _fuzzy_score(query: str, text: str, best: float) -> float:
    """The score of a text whose best fuzzy similarity to the query is `best` (0-100)."""
    if best >= MIN_FUZZY:
        return FUZZY + best * 0.5
    if f" {text} " in f" {query} ":  # the whole name among more words: `vt metal moscow`
        return CONTAINED
    return 0.0


def score_text(query: str, text: str) -> float:
    """0 when the text does not match the (normalized) query at all."""
    if not query or not text:
        return 0.0
    plain = _plain_score(query, text)
    if plain is not None:
        return plain
    from rapidfuzz import fuzz

    # The whole name is compared: a name that is only a part of the query (`Sigma` for
    # `Sigmatec`) is not matched by partial_ratio, which would call it a perfect fit.
    words = text.split()
    best = max(
        fuzz.ratio(query, text),
        max((fuzz.ratio(query, word) for word in words), default=0.0),
        fuzz.partial_ratio(query, text) if 4 <= len(query) <= len(text) else 0.0,
    )
    return _fuzzy_score(query, text, best)


def score_texts(query: str, texts: Sequence[str]) -> list[float]:
    """`score_text` of each (normalized) text, the fuzzy comparisons made in C, in batches."""
    scores = [0.0] * len(texts)
    fuzzy: list[int] = []
    for number, text in enumerate(texts):
        plain = _plain_score(query, text) if query and text else 0.0
        if plain is None:
            fuzzy.append(number)
        else:
            scores[number] = plain
    if fuzzy:
        similar = _best_similarity(query, [texts[number] for number in fuzzy])
        for number, best in zip(fuzzy, similar, strict=True):
            scores[number] = _fuzzy_score(query, texts[number], best)
    return scores


def _best_similarity(query: str, texts: Sequence[str]) -> list[float]:
    """score_text's best fuzzy similarity per text, where it is at least MIN_FUZZY (else 0)."""
    from rapidfuzz import fuzz, process

    best = [0.0] * len(texts)

    def take(scorer: Callable[..., float], choices: Sequence[str], owners: Sequence[int]) -> None:
        for _, score, index in process.extract(
            query, choices, scorer=scorer, processor=None, limit=None, score_cutoff=MIN_FUZZY
        ):
            owner = owners[index]
            best[owner] = max(best[owner], score)

    take(fuzz.ratio, texts, range(len(texts)))
    words = [(word, owner) for owner, text in enumerate(texts) for word in text.split()]
    take(fuzz.ratio, [word for word, _ in words], [owner for _, owner in words])
    if len(query) >= 4:
        long = [owner for owner, text in enumerate(texts) if len(text) >= len(query)]
        take(fuzz.partial_ratio, [texts[owner] for owner in long], long)
    return best


def is_sure_match(match: Match) -> bool:
    """Whether a typed name surely means this candidate (no need to ask)."""
    return match.score >= SURE_MATCH


def rank(query: str, candidates: Iterable[Candidate], limit: int = 10) -> list[Match]:
    """Best matches first; ties keep the candidates' order (e.g. most recently touched)."""
    wanted = normalize(query)[:100]
    if not wanted:
        return []
    matches: list[tuple[float, int, Match]] = []
    for position, candidate in enumerate(candidates):
        best = max((score_text(wanted, normalize(text)) for text in candidate.texts), default=0.0)
        if best > 0:
            matches.append((-best, position, Match(candidate.id, candidate.label, best)))
    matches.sort(key=lambda item: (item[0], item[1]))
    return [match for _, _, match in matches[:limit]]


def is_confident(matches: Sequence[Match]) -> bool:
    """One clear winner: an exact hit, or a single match above fuzzy level."""
    if not matches:
        return False
    if matches[0].score >= EXACT:
        return len(matches) == 1 or matches[1].score < EXACT
    return len(matches) == 1 and matches[0].score >= PREFIX - 10
