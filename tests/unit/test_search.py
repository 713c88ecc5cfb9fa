from __future__ import annotations

import subprocess
import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.search import (
    Candidate,
    is_confident,
    normalize,
    rank,
    score_text,
    score_texts,
    transliterate,
)

PORTFOLIO = [
    Candidate(1, "VT-Metal", ("VT-Metal", "ВТ-Металл", "VT Metal")),
    Candidate(2, "华信物流", ("华信物流", "Huaxin Logistics")),
    Candidate(3, "Nordic Retail Group", ("Nordic Retail Group", "NRG")),
    Candidate(4, "Уралхимпласт", ("Уралхимпласт", "Uralkhimplast")),
    Candidate(5, "Metalloinvest", ("Metalloinvest",)),
]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("VT-Metal", "VT-Metal"),
        ("vt", "VT-Metal"),
        ("вт металл", "VT-Metal"),
        ("vt-metl", "VT-Metal"),
        ("华信", "华信物流"),
        ("物流", "华信物流"),
        ("huaxin", "华信物流"),
        ("nordic", "Nordic Retail Group"),
        ("урал", "Уралхимпласт"),
        ("uralkhim", "Уралхимпласт"),
        ("metallo", "Metalloinvest"),
    ],
)
def test_best_match_first(query: str, first: str) -> None:
    assert rank(query, PORTFOLIO)[0].label == first


def test_exact_beats_prefix_beats_fuzzy() -> None:
    candidates = [
        Candidate(1, "Metalurg", ("Metalurg",)),
        Candidate(2, "Metal", ("Metal",)),
        Candidate(3, "Metallica Group", ("Metallica Group",)),
    ]
    assert [m.label for m in rank("metal", candidates)] == ["Metal", "Metalurg", "Metallica Group"]
    assert is_confident(rank("metal", candidates))


@pytest.mark.parametrize("query", ["", "   ", "xyz", "!!!", "q"])
def test_nothing_matches_garbage(query: str) -> None:
    assert rank(query, PORTFOLIO) == []


def test_normalize_folds_case_punctuation_and_yo() -> None:
    assert normalize("  ВТ-Металл Ёлка ") == "вт металл елка"


def test_transliterate_spells_cyrillic_in_latin() -> None:
    assert transliterate("Иван Петров") == "ivan petrov"
    assert transliterate("Щукин, Юлия") == "shchukin yuliya"
    assert transliterate("王伟 VT") == "王伟 vt"


def test_a_name_that_is_only_a_prefix_of_the_query_ranks_below_a_close_spelling() -> None:
    candidates = [
        Candidate(1, "Sigma", ("Sigma",)),
        Candidate(2, "Sigmatek Group", ("Sigmatek Group",)),
        Candidate(3, "Sigma Trade", ("Sigma Trade",)),
    ]
    assert [m.label for m in rank("Sigmatec", candidates)][:1] == ["Sigmatek Group"]
    assert [m.label for m in rank("Sigmatek", candidates)][:1] == ["Sigmatek Group"]
    # The whole name among more words still finds it, below every fuzzy match.
    [match] = rank("VT-Metal Moscow", [Candidate(4, "VT-Metal", ("VT-Metal",))])
    assert match.label == "VT-Metal"


_WORDS = st.text(alphabet="abcdeмнопрсе华信 12", max_size=14).map(normalize)


@given(query=_WORDS, texts=st.lists(_WORDS, max_size=8))
def test_scoring_many_texts_at_once_scores_each_as_alone(query: str, texts: list[str]) -> None:
    """The batch (rapidfuzz in C) gives exactly score_text's score for every text."""
    texts += [query[:-1] + "z" + query[-1:], query + " x", "x " + query]
    assert score_texts(query, texts) == [score_text(query, text) for text in texts]


@given(st.text(max_size=30))
def test_normalize_keeps_letters_and_digits_and_one_space_between(text: str) -> None:
    folded = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    words = "".join(ch if ch.isalnum() else " " for ch in folded).split()
    assert normalize(text) == " ".join(words)


def test_rapidfuzz_is_imported_on_first_fuzzy_comparison() -> None:
    """Importing domain.search does not import rapidfuzz (about 60 ms of start-up)."""
    code = "import sys, domain.search; print('rapidfuzz' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
