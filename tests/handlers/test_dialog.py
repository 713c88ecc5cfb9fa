"""The dialog layer (handlers.dialog) with a tiny demo flow and two demo prompts, run in the
real Application: steps, back/next, one live keyboard, stale runs, idle ending, prompts
closing when the manager goes elsewhere, and a hand-over with a typed return address."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.context import KamContext
from domain.clock import FakeClock
from handlers import dialog
from handlers.dialog import (
    Address,
    Flow,
    Go,
    Next,
    Run,
    Screen,
    Step,
    on_button,
    on_command,
    on_text,
)
from handlers.ui import StaleButton
from tests.fake_telegram import FakeTelegram, TelegramUser
from tests.handlers.conftest import ADMIN_ID, MakeUser, onboard

# --- the demo flow: name, then colour (with a detour through "extra" and back) -----------


async def ask_name(update: Update, context: KamContext, run: Run) -> Screen:
    return Screen(run.note + "Your name?", [[run.button("Cancel", "cancel")]])


async def got_name(update: Update, context: KamContext, run: Run) -> Next:
    run.data["name"] = run.text
    return Go.NEXT


async def ask_color(update: Update, context: KamContext, run: Run) -> Screen:
    rows = [
        [run.button("Red", "pick", "red"), run.button("Blue", "pick", "blue")],
        [run.button("More", "more"), run.button("Back", "back")],
    ]
    return Screen(f"{run.note}Colour for {run.data['name']}?", rows)


async def picked(update: Update, context: KamContext, run: Run) -> Next:
    color = run.arg(0)
    if color not in ("red", "blue"):
        raise StaleButton("bad colour")
    await run.close(f"Saved {run.data['name']} {color}")
    return Go.END


async def back(update: Update, context: KamContext, run: Run) -> Next:
    return Go.BACK


async def more(update: Update, context: KamContext, run: Run) -> Next:
    await EXTRA.start(update, context, back_to=Address("demo", "color", {"extra": "yes"}))
    return None


async def cancel(update: Update, context: KamContext, run: Run) -> Next:
    await run.close("Cancelled")
    return Go.END


async def start_demo(update: Update, context: KamContext) -> None:
    await DEMO.start(update, context)


DEMO = Flow(
    "demo",
    "dm",
    entries=[CommandHandler("demo", start_demo)],
    steps=[
        Step("name", ask_name, [on_text(got_name)], next="color"),
        Step("color", ask_color, [on_button("pick", picked), on_button("more", more)], back="name"),
    ],
    common=[on_command("cancel", cancel), on_button("cancel", cancel), on_button("back", back)],
    idle=timedelta(minutes=30),
    stops=True,
)


async def ask_extra(update: Update, context: KamContext, run: Run) -> Screen:
    return Screen("Anything extra?")


async def got_extra(update: Update, context: KamContext, run: Run) -> Next:
    return Go.END


EXTRA = Flow("demo_extra", "dx", steps=[Step("ask", ask_extra, [on_text(got_extra)])], stops=True)


# --- two demo prompts ----------------------------------------------------------------------


def demo_prompt(name: str, command: str) -> Flow:
    async def ask(update: Update, context: KamContext, run: Run) -> Screen:
        return Screen(f"{run.note}Question {command}?", [[run.button("Cancel", "cancel")]])

    async def answer(update: Update, context: KamContext, run: Run) -> Next:
        await run.close(f"{command} got {run.text}")
        return Go.END

    async def other(update: Update, context: KamContext, run: Run) -> Next:
        run.note = "Text, please. "
        return Go.REDRAW

    async def start(update: Update, context: KamContext) -> None:
        await flow.start(update, context)

    flow = dialog.prompt(
        name,
        name.replace("_", ""),
        ask=ask,
        answer=answer,
        entries=[CommandHandler(command, start)],
        cancel=cancel,
        other=other,
    )
    return flow


ASK1 = demo_prompt("demo_q1", "askone")
ASK2 = demo_prompt("demo_q2", "asktwo")


@pytest.fixture
async def anna(app: Application, make_user: MakeUser) -> TelegramUser:  # type: ignore[type-arg]
    for flow in (DEMO, EXTRA, ASK1, ASK2):
        dialog.register(app, flow, group=-5)
    user = await make_user(ADMIN_ID, "Anna")
    await onboard(user)
    return user


def live_keyboards(fake: FakeTelegram, chat_id: int) -> list[int]:
    return [m.message_id for m in fake.bot_messages(chat_id) if m.inline_keyboard]


def runs(app: Application) -> dict[str, Any]:  # type: ignore[type-arg]
    data = app.user_data[ADMIN_ID].get("dialog", {})
    assert isinstance(data, dict)
    return data


async def test_steps_next_back_and_end(anna: TelegramUser, fake: FakeTelegram) -> None:
    await anna.send("/demo")
    assert anna.last_text == "Your name?"
    await anna.send("Ann")
    assert anna.last_text == "Colour for Ann?"
    assert live_keyboards(fake, anna.chat_id) == [anna.last_message.message_id]
    colour = anna.last_message.message_id
    await anna.press("Back")
    assert anna.last_text == "Your name?"
    assert anna.last_message.message_id == colour  # the same message, edited
    await anna.send("Bo")
    await anna.press("Blue")
    assert anna.last_text == "Saved Bo blue"
    assert live_keyboards(fake, anna.chat_id) == []


async def test_buttons_carry_a_short_run_id(anna: TelegramUser) -> None:
    await anna.send("/demo")
    await anna.send("Ann")
    data = [b["callback_data"] for b in anna.last_message.buttons]
    assert all(d.startswith("dm.") and len(d.encode()) <= 64 for d in data)
    assert data[0].split(":")[1:] == ["pick", "red"]


async def test_a_button_of_an_earlier_run_is_stale(
    anna: TelegramUser,
    app: Application,  # type: ignore[type-arg]
) -> None:
    await anna.send("/demo")
    await anna.send("Ann")
    old = anna.last_message
    red = next(b["callback_data"] for b in old.buttons if b["text"] == "Red")
    await anna.send("/demo")  # a new run of the same flow
    await anna.press_data(red, old.message_id)
    assert anna.last_alert == "This card is closed. Open it again from the menu."
    assert runs(app)["demo"]["step"] == "name"
    await anna.press_data(red.replace(":red", ":green"))  # forged argument, live run
    await anna.send("Ann")
    await anna.press_data(red.split(".")[0] + "." + runs(app)["demo"]["id"] + ":pick:green")
    assert anna.last_alert == "This button is no longer valid. Open the screen again from the menu."


async def test_an_idle_flow_ends_and_the_update_goes_elsewhere(
    anna: TelegramUser,
    app: Application,  # type: ignore[type-arg]
    clock: FakeClock,
) -> None:
    await anna.send("/demo")
    await anna.send("Ann")
    clock.advance(timedelta(minutes=29))
    await anna.press("Back")
    assert anna.last_text == "Your name?"
    clock.advance(timedelta(minutes=31))
    await anna.send("Bob")
    assert "Colour for Bob?" not in anna.bot_texts()
    assert "demo" not in runs(app)


async def test_a_flow_hands_over_and_is_called_back(anna: TelegramUser) -> None:
    await anna.send("/demo")
    await anna.send("Ann")
    await anna.press("More")
    assert anna.last_text == "Anything extra?"
    await anna.send("nothing")
    assert anna.last_text == "Colour for Ann?"
    await anna.press("Red")
    assert anna.last_text == "Saved Ann red"


async def test_a_prompt_takes_its_answer_and_stops_there(
    anna: TelegramUser, fake: FakeTelegram
) -> None:
    await anna.send("/askone")
    assert anna.last_text == "Question askone?"
    mark = anna.mark()
    await anna.send("hello")
    assert anna.last_text == "askone got hello"
    assert anna.sent_count_since(mark) == 1  # no other feature answered the text


async def test_a_prompt_closes_when_the_manager_goes_elsewhere(
    anna: TelegramUser,
    app: Application,  # type: ignore[type-arg]
) -> None:
    await anna.send("/askone")
    await anna.send("⚙️ Settings")
    assert "demo_q1" not in runs(app)
    await anna.send("/askone")
    await anna.send("/help")
    assert "demo_q1" not in runs(app)


async def test_opening_a_prompt_closes_the_other(
    anna: TelegramUser,
    app: Application,  # type: ignore[type-arg]
) -> None:
    await anna.send("/askone")
    await anna.send("/asktwo")
    assert "demo_q1" not in runs(app)
    await anna.send("hi")
    assert anna.last_text == "asktwo got hi"
    assert "askone got hi" not in anna.bot_texts()


async def test_a_prompt_hints_and_cancels(anna: TelegramUser) -> None:
    await anna.send("/askone")
    await anna.send_update(
        {
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
    )
    assert anna.last_text == "Text, please. Question askone?"
    await anna.press("Cancel")
    assert anna.last_text == "Cancelled"


def test_an_address_is_plain_data() -> None:
    address = Address("meeting", "review", {"meeting": 12})
    assert Address.from_dict(address.to_dict()) == address
    assert Address.from_dict({"flow": 1}) is None
    assert Address.from_dict("h12") is None


def test_a_flow_code_is_short_and_plain() -> None:
    with pytest.raises(ValueError, match="flow code"):
        Flow("bad", "a:b", steps=[Step("x")])


def test_the_dialog_layer_and_its_flows_use_public_ptb_api_only() -> None:
    private = re.compile(r"\._(get_key|update_state|conversations)|telegram\.ext\._|telegram\._")
    root = Path(__file__).parents[2] / "handlers"
    files = [
        *sorted((root / "dialog").glob("*.py")),
        *(root / name for name in ("profiles/edit.py", "preferences.py", "reminders/settings.py")),
        *(root / name for name in ("profiles/find.py", "profiles/new_client.py")),
        root / "reminders/satisfaction.py",
        *sorted((root / "meetings").glob("*.py")),
    ]
    found = [
        f"{path}:{line}"
        for path in files
        for line in path.read_text().splitlines()
        if private.search(line)
    ]
    assert not found
