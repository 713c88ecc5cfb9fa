"""The report as an XLSX workbook (openpyxl), for the KAM's own reporting.

Built from a neutral description: sheets of typed columns with already-translated headers and
plain Python values, so this module knows nothing about Telegram or languages. Every column
has a type that Excel, LibreOffice and phone viewers understand: dates as dates, moments as
date-times (local, the manager's zone: spreadsheets have no zones), amounts as numbers with
a number format, probabilities as percentages. The header row is bold and frozen; widths fit
the headers and the values (within limits).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO
from typing import Any, Literal

ColumnType = Literal["text", "date", "datetime", "int", "amount", "percent", "score"]
_FORMATS: dict[ColumnType, str] = {
    "text": "@",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
    "int": "0",
    "amount": "#,##0.00",
    "percent": "0%",
    "score": "0.0",
}
_WIDTH_OF: dict[ColumnType, int] = {"date": 12, "datetime": 17, "percent": 8, "score": 7}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")
MAX_WIDTH = 50
Cell = str | int | float | date | datetime | None


@dataclass(frozen=True)
class Column:
    header: str
    type: ColumnType = "text"


@dataclass
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: list[Sequence[Cell]] = field(default_factory=list)


def _clean(value: Cell) -> Cell:
    """XML refuses control characters; a cell holds at most 32,767 characters."""
    if isinstance(value, str):
        return _CONTROL.sub("", value)[:32000]
    return value


def _sheet_title(title: str, used: set[str]) -> str:
    base = _TITLE_BAD.sub(" ", title).strip()[:28] or "Sheet"
    name, number = base, 2
    while name.casefold() in used:
        name, number = f"{base} {number}", number + 1
    used.add(name.casefold())
    return name


def _width(column: Column, values: list[Cell]) -> int:
    longest = max((len(str(v)) for v in values[:500] if v is not None), default=0)
    fitted = max(len(column.header) * (2 if not column.header.isascii() else 1), longest)
    return min(MAX_WIDTH, max(_WIDTH_OF.get(column.type, 8), fitted + 2))


def _sheet(book: Any, sheet: Sheet, title: str) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = book.create_sheet(title)
    ws.freeze_panes = "A2"
    for index, column in enumerate(sheet.columns, start=1):
        values = [row[index - 1] for row in sheet.rows]
        ws.column_dimensions[get_column_letter(index)].width = _width(column, values)
    if sheet.rows:
        last = get_column_letter(len(sheet.columns))
        ws.auto_filter.ref = f"A1:{last}{len(sheet.rows) + 1}"
    bold = Font(bold=True)
    header = []
    for column in sheet.columns:
        cell = WriteOnlyCell(ws, value=_clean(column.header))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    formats = [None if c.type == "text" else _FORMATS[c.type] for c in sheet.columns]
    for row in sheet.rows:
        cells: list[Any] = []
        for value, number_format in zip(row, formats, strict=True):
            value = _clean(value)
            if isinstance(value, str) and value.startswith("="):
                cell = WriteOnlyCell(ws, value=value)
                cell.data_type = "s"  # typed text starting with "=" is not a formula
                cells.append(cell)
            elif number_format is None or value is None:
                cells.append(value)
            else:
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = number_format
                cells.append(cell)
        ws.append(cells)


def build_workbook(sheets: Sequence[Sheet]) -> bytes:
    """The workbook as XLSX bytes, one worksheet per sheet, in order (written in openpyxl's
    write-only mode: the cost grows with the cells, not with their square)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    used: set[str] = set()
    for sheet in sheets:
        _sheet(book, sheet, _sheet_title(sheet.title, used))
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
