"""Long text on phone-sized pages: split at paragraph, line, sentence or word boundaries.

Nothing is dropped or repeated: the pieces of a text join back to exactly that text (the
whitespace at a boundary stays at the end of the piece before it). Sizes are measured by a
caller-given function, e.g. the length of the HTML-escaped text, so that escaping a piece
never pushes it over a limit. Plain Python: handlers escape and mark the pieces up.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

# Best boundary first; each pattern's match end is where the next piece starts.
_BOUNDARIES = (
    re.compile(r"\n[ \t]*\n\s*"),  # a paragraph
    re.compile(r"\n\s*"),  # a line
    re.compile(r"[.!?…]+[\"»”')\]]*\s+|[。！？；]+[”」』）]*\s*"),  # a sentence
    re.compile(r"[,;:，、]\s*|\s+"),  # a clause or a word
)
MIN_FILL = 0.4  # a boundary is used only if the piece before it fills this much of a page


def _fits(text: str, size: int, measure: Callable[[str], int]) -> int:
    """The longest prefix length of `text` whose measure is at most `size` (at least 1)."""
    if measure is len:
        return max(1, min(len(text), size))
    low, high = 1, len(text)
    while low < high:  # measures only grow with the prefix
        middle = (low + high + 1) // 2
        if measure(text[:middle]) <= size:
            low = middle
        else:
            high = middle - 1
    return low


def _cut(window: str, floor: int) -> int | None:
    """Where to end a piece inside `window`: the end of its last best boundary."""
    for pattern in _BOUNDARIES:
        ends = [m.end() for m in pattern.finditer(window) if m.end() >= floor]
        if ends:
            return ends[-1]
    return None


def split_text(text: str, size: int, measure: Callable[[str], int] = len) -> list[str]:
    """`text` in pieces of at most `size` (by `measure`); `"".join(pieces) == text`."""
    if size < 1:
        raise ValueError("size must be positive")
    pieces: list[str] = []
    rest = text
    while rest and measure(rest) > size:
        end = _fits(rest, size, measure)
        cut = _cut(rest[:end], max(1, int(end * MIN_FILL))) or end
        pieces.append(rest[:cut])
        rest = rest[cut:]
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def paginate(blocks: Sequence[str], limit: int) -> list[str]:
    """Blocks (already at most `limit` each) grouped into pages, one newline between them."""
    pages: list[str] = []
    current = ""
    for block in blocks:
        if current and len(current) + len(block) + 1 > limit:
            pages.append(current)
            current = ""
        current = f"{current}\n{block}" if current else block
    pages.append(current)
    return [page.strip("\n") for page in pages]


def split_parts(text: str, size: int) -> list[str]:
    """Long text in parts of at most `size`, cut at a paragraph, line or word end where one is
    in the second half, the whitespace at the cuts dropped."""
    parts: list[str] = []
    rest = text
    while len(rest) > size:
        cut = max(rest.rfind("\n\n", 0, size), rest.rfind("\n", 0, size), rest.rfind(" ", 0, size))
        if cut < size // 2:
            cut = size
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not parts:
        parts.append(rest)
    return parts


def clip(text: str, limit: int) -> str:
    """One line of at most `limit` characters (whitespace runs become one space), "…" where
    it was cut: for a label or a one-line display, never for what is shown in full."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"
