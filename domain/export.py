"""The profile as a Word document (DOCX).

Why DOCX and not PDF: a PDF needs a CJK font embedded to show Chinese names, and neither a
fresh server nor CI can be relied on to have one; Word, LibreOffice and phone viewers render
Chinese, Cyrillic and Latin in a DOCX with their own fonts. The document is built from a
neutral outline of already-translated text, so this module knows nothing about Telegram.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    """XML (and so DOCX) refuses control characters; users can still send them."""
    return _CONTROL.sub("", text)


@dataclass
class DocSection:
    title: str
    lines: list[tuple[str, str]] = field(default_factory=list)  # (label, value); label may be ""
    items: list[list[str]] = field(default_factory=list)  # one bullet block per list item
    subsections: list[DocSection] = field(default_factory=list)  # under a smaller heading


@dataclass
class DocOutline:
    title: str
    subtitle: str
    sections: Sequence[DocSection]


def _add_section(document: Any, section: DocSection, level: int) -> None:
    document.add_heading(_clean(section.title), level=level)
    for label, value in section.lines:
        paragraph = document.add_paragraph()
        if label:
            paragraph.add_run(_clean(f"{label}: ")).bold = True
        paragraph.add_run(_clean(value))
    for item in section.items:
        if not item:
            continue
        head = document.add_paragraph(style="List Bullet")
        head.add_run(_clean(item[0])).bold = True
        for detail in item[1:]:
            document.add_paragraph(_clean(detail), style="List Continue")
    for subsection in section.subsections:
        _add_section(document, subsection, min(level + 1, 9))


def build_docx(outline: DocOutline) -> bytes:
    """A printable DOCX: the title, then each section with its fields, items and
    subsections (a smaller heading each)."""
    from docx import Document  # imported when a file is asked for, not at start-up

    document = Document()
    document.core_properties.title = _clean(outline.title[:200])
    document.add_heading(_clean(outline.title), level=0)
    if outline.subtitle:
        document.add_paragraph(_clean(outline.subtitle))
    for section in outline.sections:
        _add_section(document, section, 1)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
