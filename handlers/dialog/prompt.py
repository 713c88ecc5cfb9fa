"""One-question prompts: the search box, the satisfaction comment, a profile field's value."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, filters

from bot.context import KamContext
from handlers.dialog.flow import Flow
from handlers.dialog.model import (
    Input,
    InputCallback,
    Render,
    Step,
    on_command,
    on_message,
    on_text,
)

ASK = "ask"


def prompt(
    name: str,
    code: str,
    *,
    ask: Render,
    answer: InputCallback,
    entries: Sequence[BaseHandler[Update, KamContext, Any]] = (),
    cancel: InputCallback | None = None,
    other: InputCallback | None = None,
    other_filter: filters.BaseFilter = filters.ALL,
    takes: Sequence[Input] = (),
) -> Flow:
    """A flow of one step, "ask", that takes typed text (`answer`).

    `cancel` answers `/cancel` and the prompt's own "cancel" button (`run.button(label,
    "cancel")`); `other` answers anything else that is not a command, a menu press or
    another feature's button (a sticker where text is wanted; `other_filter` narrows it);
    `takes` adds inputs. Start it
    with `flow.start(update, context)` from an entry's callback; return `Go.END` to close it.
    """
    common = [on_command("cancel", cancel), Input(cancel, action="cancel")] if cancel else []
    otherwise = [on_message(other_filter, other)] if other else []
    return Flow(
        name,
        code,
        steps=[Step(ASK, ask, [on_text(answer), *takes])],
        entries=entries,
        common=common,
        otherwise=otherwise,
        prompt=True,
    )
