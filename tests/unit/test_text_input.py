"""Typed text is kept as typed, minus what only hides or spoofs it."""

from __future__ import annotations

import pytest

from domain.text_input import clean


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("VT\u200b-Metal", "VT-Metal"),  # zero-width space
        ("\ufeffИван", "Иван"),  # byte order mark
        ("evil\u202eexe.txt", "evilexe.txt"),  # right-to-left override
        ("\u2066Sigma\u2069", "Sigma"),  # isolates
        ("a\x00b\x07c\x1bd", "abcd"),  # control characters
        ("line one\r\nline two\rthree", "line one\nline two\nthree"),
        ("tab\tkept", "tab\tkept"),
        ("co\u00adoperate", "cooperate"),  # soft hyphen
        ("Ivan\u200dPetrov", "IvanPetrov"),  # a joiner between letters joins nothing
        ("Cafe\u0301", "Café"),  # NFC
    ],
)
def test_hidden_characters_go(typed: str, kept: str) -> None:
    assert clean(typed) == kept


@pytest.mark.parametrize(
    "text",
    [
        "👨\u200d👩\u200d👧 family",  # emoji joined into one
        "👍🏽 ok ❤️",
        "שלום עולם",  # Hebrew, right to left
        "مرحبا بالعالم",  # Arabic
        "王伟 <b>&amp;</b> </code>",  # HTML stays text; escaping happens when shown
        "Иван Петров",
    ],
)
def test_scripts_emoji_and_markup_are_kept(text: str) -> None:
    assert clean(text) == text
