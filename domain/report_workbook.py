"""The report as an XLSX workbook, for the KAM's own reporting.

Built from a neutral description: sheets of typed columns with already-translated headers and
plain Python values, so this module knows nothing about Telegram or languages. Every column
has a type that Excel, LibreOffice and phone viewers understand: dates as dates, moments as
date-times (local, the manager's zone: spreadsheets have no zones), amounts as numbers with
a number format, probabilities as percentages. The header row is bold and frozen, with a
filter; widths fit the headers and the values (within limits).

Why the SpreadsheetML is written here and not with openpyxl's writer: openpyxl spends 45-60 µs
per cell (a Cell object, value binding, an lxml element), so a team's quarter (about 50,000
cells) took 3 s of the 2 s the whole report may take (docs/benchmarks.md). The format needed
is small: inline strings, numbers, one style per column type, a frozen pane, column widths,
an auto-filter; joined as text it costs a few µs per cell. The tests read every workbook back
with openpyxl (a dependency for that) and check the cells and their types.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO
from typing import Literal
from xml.sax.saxutils import escape, quoteattr
from zipfile import ZIP_DEFLATED, ZipFile

ColumnType = Literal["text", "date", "datetime", "int", "amount", "percent", "score"]
_STYLE: dict[ColumnType, int] = {
    # the index of the column type's cell format in _STYLES' cellXfs (1 is the bold header)
    "text": 0,
    "date": 2,
    "datetime": 3,
    "int": 4,
    "amount": 5,
    "percent": 6,
    "score": 7,
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


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_STYLES = (
    f'{_XML}<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/>'
    '<numFmt numFmtId="166" formatCode="0.0"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="8">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    + "".join(
        f'<xf numFmtId="{n}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        for n in (164, 165, 1, 4, 9, 166)  # date, date-time, 0, #,##0.00, 0%, 0.0
    )
    + '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    "</cellStyles></styleSheet>"
)
_EPOCH = datetime(1899, 12, 30)


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _number(value: Cell) -> str | None:
    """A cell's numeric text (dates as Excel serial days); None for text or nothing."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return None if not isinstance(value, bool) else str(int(value))
    if isinstance(value, datetime):
        delta = value.replace(tzinfo=None) - _EPOCH
        return repr(delta.days + delta.seconds / 86400 + delta.microseconds / 86400e6)
    if isinstance(value, date):
        return str((value - _EPOCH.date()).days)
    return repr(value)


def _cell(ref: str, value: Cell, style: int) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    number = _number(value)
    if number is not None:
        return f'<c r="{ref}" s="{style}"><v>{number}</v></c>'
    text = str(value)
    space = ' xml:space="preserve"' if text != text.strip() else ""
    styled = f' s="{style}"' if style else ""
    return f'<c r="{ref}" t="inlineStr"{styled}><is><t{space}>{escape(text)}</t></is></c>'


def _sheet_xml(sheet: Sheet) -> str:
    letters = [column_letter(i) for i in range(1, len(sheet.columns) + 1)]
    widths = "".join(
        f'<col min="{i}" max="{i}" width="{_width(c, [r[i - 1] for r in sheet.rows])}"'
        ' customWidth="1"/>'
        for i, c in enumerate(sheet.columns, start=1)
    )
    header = "".join(
        _cell(f"{letter}1", _clean(c.header), 1)
        for letter, c in zip(letters, sheet.columns, strict=True)
    )
    styles = [_STYLE[c.type] for c in sheet.columns]
    rows = [f'<row r="1">{header}</row>']
    for number, row in enumerate(sheet.rows, start=2):
        cells = "".join(
            _cell(f"{letter}{number}", _clean(value), style)
            for letter, value, style in zip(letters, row, styles, strict=True)
        )
        rows.append(f'<row r="{number}">{cells}</row>')
    last = f"{letters[-1]}{len(sheet.rows) + 1}" if letters else "A1"
    filtered = f'<autoFilter ref="A1:{last}"/>' if sheet.rows and letters else ""
    return (
        f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/>{"<cols>" + widths + "</cols>" if widths else ""}'
        f"<sheetData>{''.join(rows)}</sheetData>{filtered}</worksheet>"
    )


def _workbook_xml(titles: list[str], sheets: Sequence[Sheet]) -> str:
    entries = "".join(
        f'<sheet name={quoteattr(title)} sheetId="{n}" r:id="rId{n}"/>'
        for n, title in enumerate(titles, start=1)
    )
    names = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" hidden="1">'
        + escape("'" + title.replace("'", "''") + "'")
        + f"!$A$1:${column_letter(len(sheet.columns))}${len(sheet.rows) + 1}</definedName>"
        for n, (title, sheet) in enumerate(zip(titles, sheets, strict=True))
        if sheet.rows and sheet.columns
    )
    return (
        f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>{entries}</sheets>'
        f"{'<definedNames>' + names + '</definedNames>' if names else ''}</workbook>"
    )


def _package(titles: list[str]) -> dict[str, str]:
    count = len(titles)
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_CT}.worksheet+xml"/>'
        for n in range(1, count + 1)
    )
    links = "".join(
        f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, count + 1)
    )
    return {
        "[Content_Types].xml": (
            f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels"'
            ' ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>'
            f"{sheets}</Types>"
        ),
        "_rels/.rels": (
            f'{_XML}<Relationships xmlns="{_PKG}"><Relationship Id="rId1"'
            f' Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'{_XML}<Relationships xmlns="{_PKG}">{links}<Relationship Id="rId{count + 1}"'
            f' Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": _STYLES,
    }


def build_workbook(sheets: Sequence[Sheet]) -> bytes:
    """The workbook as XLSX bytes, one worksheet per sheet, in order."""
    used: set[str] = set()
    titles = [_sheet_title(sheet.title, used) for sheet in sheets]
    parts = _package(titles)
    parts["xl/workbook.xml"] = _workbook_xml(titles, sheets)
    for n, sheet in enumerate(sheets, start=1):
        parts[f"xl/worksheets/sheet{n}.xml"] = _sheet_xml(sheet)
    buffer = BytesIO()
    with ZipFile(buffer, "w", ZIP_DEFLATED, compresslevel=6) as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode("utf-8", "replace"))
    return buffer.getvalue()
