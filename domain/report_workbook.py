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
from typing import Literal

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


def build_workbook(sheets: Sequence[Sheet]) -> bytes:
    """The workbook as XLSX bytes, one worksheet per sheet, in order."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)  # a new workbook has one sheet; ours are added below
    used: set[str] = set()
    bold = Font(bold=True)
    for sheet in sheets:
        ws = book.create_sheet(_sheet_title(sheet.title, used))
        ws.append([column.header for column in sheet.columns])
        for cell in ws[1]:
            cell.font = bold
            cell.alignment = Alignment(vertical="top")
        for row in sheet.rows:
            ws.append([_clean(value) for value in row])
            for cell in ws[ws.max_row]:
                if cell.data_type == "f":  # typed text starting with "=" is not a formula
                    cell.data_type = "s"
        ws.freeze_panes = "A2"
        for index, column in enumerate(sheet.columns, start=1):
            letter = get_column_letter(index)
            values = [row[index - 1] for row in sheet.rows]
            ws.column_dimensions[letter].width = _width(column, values)
            if column.type == "text":
                continue
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = _FORMATS[column.type]
        if sheet.rows:
            ws.auto_filter.ref = ws.dimensions
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
