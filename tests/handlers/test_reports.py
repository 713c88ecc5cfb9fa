"""`/report`: period → scope → the report, its chart (a photo) and its spreadsheet (a document),
in English, Chinese and Russian; custom dates with bad input; what a KAM may not choose."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import load_workbook

from domain.clock import FakeClock
from storage import Storage
from tests.fake_telegram import FakeTelegram, TelegramUser
from tests.handlers.conftest import MakeUser
from tests.report_support import Team, seed_team

STICKER = {
    "sticker": {
        "file_id": "s1",
        "file_unique_id": "u1",
        "width": 1,
        "height": 1,
        "is_animated": False,
        "is_video": False,
        "type": "regular",
    }
}


async def _user(make_user: MakeUser, team: Team, who: str = "kam_a") -> TelegramUser:
    manager = getattr(team, who)
    return await make_user(manager.telegram_id, manager.full_name, manager.language)


def _text(user: TelegramUser) -> str:
    """The newest bot text with the narrow and no-break spaces Babel writes as plain ones."""
    return user.last_text.replace("\xa0", " ").replace("\u202f", " ")


def _files(fake: FakeTelegram, user: TelegramUser) -> tuple[bytes, bytes, str]:
    """The last photo and document the bot sent to the user, and the document's name."""
    messages = fake.messages(user.chat_id)
    photo = next(m for m in reversed(messages) if m.from_bot and m.photo)
    document = next(m for m in reversed(messages) if m.from_bot and m.document)
    photo_file = fake.file(photo.photo[-1]["file_id"])  # type: ignore[index]  # checked above
    assert document.document is not None and photo_file is not None
    doc_file = fake.file(document.document["file_id"])
    assert doc_file is not None
    return photo_file.data, doc_file.data, str(document.document["file_name"])


async def test_my_report_for_last_week_with_chart_and_spreadsheet(
    app: object, make_user: MakeUser, storage: Storage, clock: FakeClock, fake: FakeTelegram
) -> None:
    team = await seed_team(storage, clock.now())
    anton = await _user(make_user, team)
    await anton.send("/report")
    assert "Which period?" in anton.last_text
    assert anton.buttons[:6] == [
        "This week",
        "Last week",
        "This month",
        "Last month",
        "This quarter",
        "📅 Other dates…",
    ]
    assert "Cancel" in anton.buttons[-1]
    await anton.press("Last week")
    assert "16 Nov 2026 – 22 Nov 2026" in anton.last_text
    assert not any("team" in b for b in anton.buttons)  # a KAM has no team scope
    await anton.press("Me")
    report = anton.bot_texts()[-3].replace("\xa0", " ")
    for needle in (
        "Report: Anton",
        "Last week: 16 Nov 2026 – 22 Nov 2026",
        "Held: 3 — 1 × Visit, 2 × Call",
        "Planned: 1 · cancelled: 1",
        "Met: 2 of 3",
        "No meeting: Epsilon",
        "Done: 1 · open: 4 · overdue: 2",
        "Average 4.5 from 2 answers, ▲ up from 3.0",
        "Lead: 1 deal, 1M ₽",
        "Negotiation: 1 deal, $100K",
        "Weighted forecast: 100K ₽ + $100K",
        "Won: 1 deal, $30K",
        "Why: relationship 1",
        "Beams (Alpha <Steel>): competitor — SteelCo",
        "1 year: 1M ₽ + $200K",
        "Supply 2026 (Alpha <Steel>): breached, 1 obligation missed",
        "Service (Beta): at risk, 1 due within 7 days",
    ):
        assert needle in report, needle
    png, xlsx, name = _files(fake, anton)
    assert png.startswith(b"\x89PNG")
    assert name == "report_2026-11-16_2026-11-22.xlsx"
    book = load_workbook(io.BytesIO(xlsx))
    assert book.sheetnames == ["Meetings", "Tasks", "Deals", "Satisfaction", "Contracts"]
    meetings = book["Meetings"]
    assert [c.value for c in meetings[1]][:3] == ["Date and time", "Account", "Kind"]
    assert meetings.max_row == 1 + 5  # the five meetings of last week
    assert meetings["A2"].value == datetime(2026, 11, 17, 10, 0)  # Moscow wall time
    deals = book["Deals"]
    header = [c.value for c in deals[1]]
    bolts = next(row for row in deals.iter_rows(min_row=2) if row[0].value == "Bolts")
    assert bolts[header.index("Amount")].value == 30000
    assert bolts[header.index("Probability")].value == 1
    assert bolts[header.index("Probability")].number_format == "0%"
    assert bolts[header.index("Closed on")].is_date
    contracts = book["Contracts"]
    assert {row[6].value for row in contracts.iter_rows(min_row=2)} == {
        "breached",
        "at risk",
        "on track",
    }


async def test_the_leads_team_report_in_chinese(
    app: object, make_user: MakeUser, storage: Storage, clock: FakeClock, fake: FakeTelegram
) -> None:
    team = await seed_team(storage, clock.now(), language="zh")
    lena = await _user(make_user, team, "lead")
    await lena.send("/report")
    assert "选择时间段" in lena.last_text
    await lena.press("上周")
    await lena.press("我的团队")
    report = lena.bot_texts()[-3]
    assert "报告：Lena Lead的团队" in report
    assert "已进行：4" in report and "有会面：3 / 4" in report
    assert "平均 3.7，共 3 个评分" in report
    png, xlsx, name = _files(fake, lena)
    assert png.startswith(b"\x89PNG") and name.endswith(".xlsx")
    assert load_workbook(io.BytesIO(xlsx)).sheetnames == ["会面", "任务", "交易", "满意度", "合同"]


async def test_custom_dates_in_russian_with_bad_input(
    app: object, make_user: MakeUser, storage: Storage, clock: FakeClock, fake: FakeTelegram
) -> None:
    team = await seed_team(storage, clock.now())
    await storage.managers.update(
        team.kam_a.id, actor_id=team.kam_a.id, now=clock.now(), language="ru"
    )
    anton = await make_user(team.kam_a.telegram_id, "Anton", "ru")
    await anton.send("/report")
    await anton.press("Другие даты")
    assert "первый день" in anton.last_text
    await anton.send_update(STICKER)
    assert "стикер или файл датой не являются" in anton.last_text
    assert "первый день" in anton.last_text  # asked again
    await anton.send("абракадабра")
    assert "Не получилось прочитать «абракадабра» как дату" in anton.last_text
    await anton.send("x" * 10_000)
    assert "Не получилось прочитать" in anton.last_text and len(anton.last_text) < 600
    await anton.send("16.11.2026")
    assert "Первый день: 16 нояб. 2026 г." in _text(anton)
    await anton.send("10.11.2026")
    assert "Последний день (10 нояб. 2026 г.) раньше первого (16 нояб. 2026 г.)" in _text(anton)
    await anton.press("Назад")
    assert "первый день" in anton.last_text
    await anton.send("16.11.2026")
    await anton.send("22.11.2026")
    assert "По кому?" in anton.last_text
    await anton.press("По одному клиенту")
    assert "Beta" in anton.buttons and "Delta" not in anton.buttons
    await anton.press("Beta")
    report = anton.bot_texts()[-3].replace("\xa0", " ").replace("\u202f", " ")
    assert "Отчёт: Beta" in report and "Период: 16 нояб. 2026 г. – 22 нояб. 2026 г." in report
    assert "Проведено: 1" in report and "Service (Beta): под угрозой" in report
    _, xlsx, _ = _files(fake, anton)
    assert load_workbook(io.BytesIO(xlsx))["Встречи"].max_row == 1 + 3


async def test_a_kam_cannot_pick_the_team_or_another_kams_account(
    app: object, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    team = await seed_team(storage, clock.now())
    anton = await _user(make_user, team)
    await anton.send("/report")
    await anton.press("This month")
    scope_data = [b["callback_data"] for b in anton.last_message.buttons]
    me = next(d for d in scope_data if d.endswith(":sc:me"))
    await anton.press_data(me.replace(":sc:me", ":sc:team"))
    assert anton.last_alert == "Only leads and admins see a team's report."
    await anton.press("One account")
    account_data = [b["callback_data"] for b in anton.last_message.buttons]
    beta = next(d for d in account_data if d.endswith(f":acc:{team.beta}"))
    before = len(anton.bot_texts())
    await anton.press_data(beta.replace(f":acc:{team.beta}", f":acc:{team.delta}"))
    assert len(anton.bot_texts()) == before  # no report about Clara's account
    assert anton.last_alert is not None and "Delta" not in (anton.last_alert or "")
    await anton.press_data(beta.replace(f":acc:{team.beta}", ":acc:abc"))
    await anton.press("Cancel")
    assert anton.last_text == "Report cancelled."


async def test_back_and_cancel_on_every_step(
    app: object, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    team = await seed_team(storage, clock.now())
    lena = await _user(make_user, team, "lead")
    await lena.send("/report")
    await lena.press("This quarter")
    assert "1 Oct 2026 – 31 Dec 2026" in lena.last_text
    await lena.press("One account")
    assert {"Alpha <Steel>", "Delta"} <= set(lena.buttons)  # a lead sees every account
    await lena.send("TA")
    assert [b for b in lena.buttons if "Back" not in b and "Cancel" not in b] == [
        "Beta",
        "Delta",
    ]
    assert "Showing 2 of 2" in lena.last_text
    await lena.send("<b>zzz</b>")
    assert "No account matches “<b>zzz</b>”" in lena.last_text  # shown, not interpreted
    await lena.press("Back")
    assert "About whom?" in lena.last_text
    await lena.press("Back")
    assert "Which period?" in lena.last_text
    await lena.send("hello")
    assert lena.last_text == "Choose with the buttons above, or /cancel."
    await lena.send("/cancel")
    assert lena.last_text == "Report cancelled."
