"""Long text on pages: boundaries, nothing lost or repeated, escaped sizes, whole blocks."""

from __future__ import annotations

import html
import random

import pytest

from domain.paging import paginate, split_parts, split_text


def _escaped(text: str) -> int:
    return len(html.escape(text, quote=False))


DESCRIPTION = "\n\n".join(
    " ".join(f"Sentence {p}.{s} about <steel> & pipes, with words." for s in range(9))
    for p in range(6)
)


def test_pieces_join_back_to_the_text_and_fit() -> None:
    for size in (40, 200, 700, 1200):
        pieces = split_text(DESCRIPTION, size, _escaped)
        assert "".join(pieces) == DESCRIPTION
        assert all(0 < _escaped(piece) <= size for piece in pieces)


def test_paragraphs_then_sentences_then_words() -> None:
    pieces = split_text(DESCRIPTION, 700)
    assert all(piece.endswith("\n\n") for piece in pieces[:-1])  # whole paragraphs
    pieces = split_text(DESCRIPTION, 200)
    assert all(piece.rstrip().endswith((".", "words.")) for piece in pieces[:-1])
    words = "word " * 100
    assert all(p.endswith(" ") for p in split_text(words, 33)[:-1])


@pytest.mark.parametrize(
    "text",
    [
        "我们讨论了托盘需求。下周三前发送规格！客户很满意。" * 40,
        "Слово " * 500,
        "x" * 5000,
        "a&b<c>" * 700,
        "",
    ],
)
def test_any_text_survives(text: str) -> None:
    pieces = split_text(text, 300, _escaped)
    assert "".join(pieces) == text
    assert all(_escaped(piece) <= 300 for piece in pieces)
    if "。" in text:
        assert all(piece.endswith(("。", "！")) for piece in pieces[:-1])


def test_random_texts_are_never_cut_wrong() -> None:
    rng = random.Random(8)
    alphabet = "ab c.\n&<>я中。"
    for _ in range(200):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 900)))
        size = rng.randrange(5, 400)
        pieces = split_text(text, size, _escaped)
        assert "".join(pieces) == text
        assert all(_escaped(piece) <= size for piece in pieces)


def test_pages_keep_blocks_whole_and_within_the_limit() -> None:
    blocks = [f"<b>Block {n}</b> " + "y" * (n * 37 % 300) for n in range(40)]
    pages = paginate(blocks, 800)
    assert all(len(page) <= 800 for page in pages)
    assert "\n".join(pages).split("\n") == blocks


def test_split_parts_cuts_at_line_or_word_ends_and_drops_the_whitespace() -> None:
    text = "first paragraph here\n\nsecond one is longer than that"
    assert split_parts(text, 30) == ["first paragraph here\n\nsecond", "one is longer than that"]
    assert split_parts("a line of text\n\nthe nexts", 16) == ["a line of text", "the nexts"]
    assert split_parts("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]
    assert split_parts("", 10) == [""]
