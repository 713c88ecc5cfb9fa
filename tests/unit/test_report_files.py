"""The report's chart (a PNG that draws Chinese as glyphs) and its workbook (typed cells)."""

from __future__ import annotations

import io
import logging
import warnings
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from PIL import Image

from domain import report_chart
from domain.report_chart import ChartInput, build_chart
from domain.report_workbook import Column, Sheet, build_workbook


def _chinese() -> ChartInput:
    return ChartInput(
        title="报告：安东，11月16日 – 11月22日",
        pipeline_title="各阶段进行中的交易",
        stage_labels=["线索", "已确认", "报价", "谈判"],
        stage_counts=[3, 0, 2, 1],
        count_label="交易数",
        satisfaction_title="每周满意度",
        week_labels=[f"11月{day}日" for day in range(1, 13)],
        week_scores=[4.0, None, 3.5, 4.2, 5.0, None, 3.0, 3.0, 4.0, 4.0, 4.5, 2.0],
        score_label="平均评分（1–5）",
        empty_label="暂无数据",
    )


def _draw(chart: ChartInput, caplog: pytest.LogCaptureFixture) -> tuple[bytes, list[str]]:
    """The PNG and every warning matplotlib gave while drawing it (warnings and log)."""
    caplog.clear()
    with caplog.at_level(logging.WARNING), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = build_chart(chart)
    said = [str(w.message) for w in caught]
    said += [r.getMessage() for r in caplog.records if r.name.startswith("matplotlib")]
    return png, said


def test_a_chinese_chart_is_a_png_with_every_glyph(caplog: pytest.LogCaptureFixture) -> None:
    png, said = _draw(_chinese(), caplog)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    image.verify()
    assert image.format == "PNG" and image.size[0] >= 800
    assert [s for s in said if "Glyph" in s or "missing" in s or "findfont" in s] == []


def test_the_check_would_see_boxes_without_a_cjk_font(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The glyph check above is not blind: with only a Latin font it reports the boxes."""
    monkeypatch.setattr(report_chart, "_FAMILIES", ["DejaVu Sans"])
    _, said = _draw(_chinese(), caplog)
    assert any("Glyph" in s and "missing" in s for s in said)


def test_an_empty_chart_still_draws(caplog: pytest.LogCaptureFixture) -> None:
    empty = ChartInput("R", "P", ["a", "b", "c", "d"], [0, 0, 0, 0], "n", "S", [], [], "s", "-")
    png, said = _draw(empty, caplog)
    assert png.startswith(b"\x89PNG") and said == []


def test_the_workbook_has_typed_columns_a_frozen_header_and_widths() -> None:
    columns = [
        Column("日期时间", "datetime"),
        Column("Account"),
        Column("Amount", "amount"),
        Column("Probability", "percent"),
        Column("Closed on", "date"),
        Column("Score", "int"),
    ]
    rows: list[list[object]] = [
        [datetime(2026, 11, 17, 10, 0), "Alpha <Steel>", 50000.5, 0.4, date(2026, 11, 18), 4],
        [None, '=HYPERLINK("http://x")', None, None, None, None],
        [datetime(2026, 11, 18, 9, 30), "bad\x07char", 1.0, 1.0, date(2026, 11, 20), 5],
    ]
    data = build_workbook(
        [Sheet("Meetings", columns, rows), Sheet("Meetings", [Column("Empty")])]  # type: ignore[arg-type]  # cells of any type, as users send
    )
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Meetings", "Meetings 2"]
    ws = book["Meetings"]
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == [c.header for c in columns]
    assert all(c.font.bold for c in ws[1])
    assert ws["A2"].value == datetime(2026, 11, 17, 10, 0) and ws["A2"].is_date
    assert ws["A2"].number_format == "yyyy-mm-dd hh:mm"
    assert ws["C2"].value == 50000.5 and ws["C2"].number_format == "#,##0.00"
    assert ws["D2"].value == 0.4 and ws["D2"].number_format == "0%"
    assert ws["E2"].is_date and ws["E2"].value.date() == date(2026, 11, 18)
    assert ws["F2"].value == 4 and ws["F2"].data_type == "n"
    assert ws["B3"].value == '=HYPERLINK("http://x")' and ws["B3"].data_type == "s"
    assert ws["B4"].value == "badchar"
    assert ws.column_dimensions["A"].width >= 17
    assert 10 <= ws.column_dimensions["B"].width <= 50
    assert book["Meetings 2"].max_row == 1


def test_every_part_of_the_workbook_is_well_formed_xml() -> None:
    import zipfile
    from xml.etree import ElementTree

    sheet = Sheet(
        "It's: [odd] / name",
        [Column("A & B <c>"), Column("Amount", "amount")],
        [[" padded & <tagged> ", float("nan")], ["\u4e2d\u6587 text", 3]],
    )
    data = build_workbook([sheet, Sheet("Empty", [])])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            ElementTree.fromstring(archive.read(name))  # raises on malformed XML
    book = load_workbook(io.BytesIO(data))
    ws = book.worksheets[0]
    assert ws.title == "It's   odd    name"
    assert ws["A2"].value == " padded & <tagged> " and ws["B2"].value is None
    assert ws["B3"].value == 3 and ws["B3"].number_format == "#,##0.00"
    assert ws.auto_filter.ref == "A1:B3"


def test_starting_the_bot_does_not_import_matplotlib() -> None:
    import subprocess
    import sys

    code = (
        "import sys, bot.application, handlers, handlers.reminders.kinds;"
        "sys.exit('matplotlib' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
