"""A date phrase inside free text: where it is, its prepositions included, and the text
without it.

"до пятницы отправить предложение" → the phrase "до пятницы" (Friday) and the rest
"отправить предложение"; "send the offer by Friday" → "by Friday" and "send the offer";
"周五前发报价" → "周五前" and "发报价". The words around a date that only say how it relates
(до, к, в, на, by, before, until, on, 前, 之前, 在 …) belong to the phrase, so removing it
never leaves a dangling "до" or "by". Chinese needs no spaces: every CJK character is a
token of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from domain.dates import ParsedWhen


__all__ = ["DatePhrase", "find_date_phrase", "is_ahead", "tokens"]

MAX_TOKENS = 12  # "2026年12月15日下午3点" is ten tokens, "next Tuesday at 10:30 am" five
_CJK_CHAR = r"\u3040-\u30ff\u3400-\u9fff"
_TOKEN = re.compile(rf"[{_CJK_CHAR}]|[^\s{_CJK_CHAR}，。；！？、：（）()\"«»“”]+")
_EDGE_PUNCTUATION = " \t\n,;:!?…，。；！？、：—–-"
_TRAILING = ".,;:!?…，。；！？、："
_CJK_PUNCTUATION = "，。；！？、："

# Before the date: a deadline ("by", "до", "不晚于") or only a position ("on", "в", "在").
_DEADLINE_BEFORE = (
    r"no later than|not later than|latest by|by|before|until|till|til|due"
    r"|не позднее|не позже|до|ко|к|перед"
)
_PLAIN_BEFORE = r"on|at|in|for|from|в|во|на|с|со|около"
_WORD_BEFORE = re.compile(
    rf"(?:^|(?<=[\s(]))(?P<word>{_DEADLINE_BEFORE}|{_PLAIN_BEFORE})\s*$", re.IGNORECASE
)
_DEADLINE_WORD = re.compile(_DEADLINE_BEFORE)
_PREPOSITION = re.compile(rf"{_DEADLINE_BEFORE}|{_PLAIN_BEFORE}|the|of", re.IGNORECASE)
# Chinese words before a date; single characters such as 到 or 于 are left alone, they end
# other words too (收到, 关于).
_ZH_DEADLINE_BEFORE = r"不晚于|不晚於|最晚|最迟|最遲|截至|截止到|截止"
_ZH_BEFORE = re.compile(rf"(?P<word>{_ZH_DEADLINE_BEFORE}|在)\s*$")
# After the date (Chinese): 前 / 之前 / 以前 "before", 为止 "until", 左右 "around".
_ZH_AFTER = re.compile(r"\s*(?P<word>之前|以前|前|为止|為止|左右)")
_ZH_DEADLINE_AFTER = frozenset({"之前", "以前", "前", "为止", "為止"})
# "в 2 раза", "by 5%": a number that counts something, not an hour.
_NOT_A_TIME_AFTER = re.compile(r"\s*(?:%|раза?\b|процент|percent|times\b|x\b|×)", re.IGNORECASE)
_FILLER_END = re.compile(r"(?:[在于於的左右@~—–-]|大约|大概)$")
_BARE_HOUR = re.compile(r"(?:at|by|в|во|к|ко|@)\s*\d{1,2}", re.IGNORECASE)


@dataclass(frozen=True)
class DatePhrase:
    """``text[start:end]`` is the phrase; ``rest`` is the text without it, tidied."""

    start: int
    end: int
    phrase: str
    rest: str
    when: ParsedWhen
    deadline: bool  # a word of a deadline came with it: by, до, к, 前, 之前 …


def tokens(text: str) -> list[tuple[int, int]]:
    """Character spans of the words (Latin, Cyrillic, digits) and single CJK characters."""
    return [(m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _content_length(window: str) -> int:
    """Characters that carry the date (prepositions and spaces do not count)."""
    return sum(len(word) for word in window.split() if not _PREPOSITION.fullmatch(word))


def _best_window(
    text: str, now: datetime, tz: ZoneInfo, prefer: Literal["past", "future"]
) -> tuple[int, int, ParsedWhen] | None:
    """The window of tokens whose date carries the most characters (earliest among equals)."""
    from domain.dates import CJK_DATE_CHARACTERS, may_start_a_date, parse_when

    spans = tokens(text)
    best: tuple[int, int, ParsedWhen] | None = None
    best_length = 0
    # a Chinese character no date contains ends every window before it
    stops = [_is_cjk(text[a]) and text[a] not in CJK_DATE_CHARACTERS for a, _ in spans]
    for i, (start, _) in enumerate(spans):
        if stops[i]:
            continue
        last = i
        while last + 1 < min(len(spans), i + MAX_TOKENS) and not stops[last + 1]:
            last += 1
        if not may_start_a_date(text[start : spans[last][1]]):
            continue
        for j in range(last, i - 1, -1):  # longest first
            end = spans[j][1]
            while end > start and text[end - 1] in _TRAILING:
                end -= 1
            window = text[start:end]
            length = _content_length(window)
            if length <= best_length:
                break  # shorter windows from here on
            if window.isdigit() or not _reads_as_a_date(text, window, end):
                continue
            parsed = parse_when(window, now=now, tz=tz, prefer=prefer)
            if parsed is not None:
                best, best_length = (start, end, parsed), length
                break
    return best


def _is_cjk(character: str) -> bool:
    return "\u3400" <= character <= "\u9fff"


def _reads_as_a_date(text: str, window: str, end: int) -> bool:
    if _FILLER_END.search(window) or _PREPOSITION.fullmatch(window.split()[-1]):
        return False  # "Friday at", "今天在": the filler belongs to what follows
    return not (_BARE_HOUR.fullmatch(window) and _NOT_A_TIME_AFTER.match(text, end))


def _extend(text: str, start: int, end: int) -> tuple[int, int, bool]:
    """Takes in the preposition before the phrase and the Chinese "前" after it."""
    deadline = False
    before = _WORD_BEFORE.search(text, 0, start) or _ZH_BEFORE.search(text, 0, start)
    if before is not None:
        word = before["word"].lower()
        deadline = bool(
            re.fullmatch(_DEADLINE_BEFORE, word) or re.fullmatch(_ZH_DEADLINE_BEFORE, word)
        )
        start = before.start("word")
    after = _ZH_AFTER.match(text, end)
    if after is not None and re.search(rf"[{_CJK_CHAR}0-9]$", text[:end]):
        deadline = deadline or after["word"] in _ZH_DEADLINE_AFTER
        end = after.end()
    return start, end, deadline


def _without(text: str, start: int, end: int) -> str:
    """``text`` without ``text[start:end]``, spaces and punctuation tidied (no space is put
    between Chinese characters)."""
    left, right = text[:start].rstrip(), text[end:].lstrip()
    close = (left and (_is_cjk(left[-1]) or left[-1] in _CJK_PUNCTUATION)) or (
        right and _is_cjk(right[0])
    )
    joined = left + ("" if close else " ") + right
    joined = re.sub(r"[ \t]+", " ", joined)
    joined = re.sub(r" (?=[,.;:!?，。；！？、])", "", joined)
    return joined.strip(_EDGE_PUNCTUATION)


def find_date_phrase(
    text: str, *, now: datetime, tz: ZoneInfo, prefer: Literal["past", "future"] = "future"
) -> DatePhrase | None:
    """The date phrase of ``text`` (the one naming the most, the first among equals)."""
    found = _best_window(text, now, tz, prefer)
    if found is None:
        return None
    start, end, when = found
    start, end, deadline = _extend(text, start, end)
    first = text[start:end].split(maxsplit=1)[0].lower()
    deadline = deadline or bool(_DEADLINE_WORD.fullmatch(first))  # "by" was read as filler
    rest = _without(text, start, end)
    return DatePhrase(start, end, text[start:end], rest, when, deadline)


def is_ahead(when: ParsedWhen, now: datetime, tz: ZoneInfo) -> bool:
    """Later than ``now``; a date without a time counts when it is today or later."""
    if when.has_time:
        return when.at > now
    return when.at.astimezone(tz).date() >= now.astimezone(tz).date()
