"""A flow, its running instance (`Run`), and the PTB handler that routes updates to it.

A running flow is a record in user data (so persistence keeps it across restarts):
``user_data["dialog"][flow.name] = {"id", "step", "chat", "at", "data", "back_to"}``.
`id` is a short instance id carried in every button of the flow (``"<code>.<id>:<action>"``),
so a press on a button of an earlier instance is refused; `at` is the time of the last input,
from which the layer's gate (an early handler group) ends idle flows.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import Application, ApplicationHandlerStop, BaseHandler, TypeHandler

from bot.context import KamContext
from domain.text_input import clean
from handlers.dialog.model import Address, Go, Input, Next, Screen, Step, elsewhere
from handlers.ui import (
    StaleButton,
    answer,
    button,
    close_screen,
    keyboard,
    parse_id,
    show_screen,
)

_LOG = logging.getLogger(__name__)
RUNS_KEY = "dialog"
COUNTER_KEY = "dialog#"
GATE_GROUP = -90
"""The idle gate: after the access gate (-100), before the prompts (-20...)."""
PROMPT_GROUP = -20
"""Prompts take groups -20, -19, ... each (so every prompt sees every update)."""
REGISTRY_KEY = "dialog.flows"
"""bot_data key of the application's flows by name (bot_data is not persisted)."""
_MAX_HOPS = 8


def _runs(user_data: dict[str, Any] | None) -> dict[str, Any]:
    if user_data is None:
        return {}
    runs = user_data.setdefault(RUNS_KEY, {})
    assert isinstance(runs, dict)
    return runs


def flows(application: Application[Any, Any, Any, Any, Any, Any]) -> dict[str, Flow]:
    """The flows registered on the application, by name."""
    registry = application.bot_data.setdefault(REGISTRY_KEY, {})
    assert isinstance(registry, dict)
    return registry


def _to_base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if number == 0:
            return text


@dataclass(frozen=True)
class Flow:
    """A flow declared as its steps.

    name      unique; also the key of its live message (unless `screen_key` is given)
    code      a short prefix of its buttons' callback data (letters, no "." or ":")
    steps     the states; the first is where `start` begins unless told otherwise
    entries   plain PTB handlers that open the flow; their callbacks call `flow.start`
    common    inputs every step takes (e.g. `/cancel`, a Cancel button)
    otherwise what any step does with an update it does not take (e.g. a hint)
    idle      an update after this much quiet ends the flow first (its drafts stay)
    prompt    a prompt: it runs in the prompt groups, what it takes goes no further, it
              closes quietly when the manager goes elsewhere (a command, a menu press, another
              feature's button), and opening it closes any other open prompt
    stops     what the flow takes goes to no later handler group (prompts always stop)
    screen_key the key of its live message in handlers.ui, when it shares one with others
    """

    name: str
    code: str
    steps: Sequence[Step]
    entries: Sequence[BaseHandler[Update, KamContext, Any]] = ()
    common: Sequence[Input] = ()
    otherwise: Sequence[Input] = ()
    idle: timedelta | None = None
    prompt: bool = False
    stops: bool = False
    screen_key: str | None = None
    _by_name: dict[str, Step] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.code.isalnum():
            raise ValueError(f"flow code must be letters or digits: {self.code!r}")
        self._by_name.update({step.name: step for step in self.steps})

    @property
    def key(self) -> str:
        return self.screen_key or self.name

    def step(self, name: str) -> Step:
        return self._by_name[name]

    def run(self, context: KamContext, update: Update | None = None) -> Run | None:
        """The live run of this flow for the user, if any."""
        record = _runs(context.user_data).get(self.name)
        if not isinstance(record, dict):
            return None
        return Run(self, record, update, context)

    async def start(
        self,
        update: Update,
        context: KamContext,
        step: str | None = None,
        *,
        data: dict[str, Any] | None = None,
        back_to: Address | None = None,
    ) -> Run:
        """A new run (a new instance id: older buttons go stale), entered at `step`."""
        if self.prompt:
            registry = flows(context.application)
            for other in list(_runs(context.user_data)):
                if other != self.name and other in registry and registry[other].prompt:
                    _runs(context.user_data).pop(other, None)
        assert context.user_data is not None
        number = int(context.user_data.get(COUNTER_KEY, 0)) + 1
        context.user_data[COUNTER_KEY] = number
        chat = update.effective_chat
        record = {
            "id": _to_base36(number),
            "step": step or self.steps[0].name,
            "chat": chat.id if chat else None,
            "data": dict(data or {}),
            "back_to": back_to.to_dict() if back_to else None,
        }
        _runs(context.user_data)[self.name] = record
        run = Run(self, record, update, context)
        run.touch()
        await enter(run, run.step)
        return run

    def end(self, context: KamContext) -> None:
        """Forgets the run (nothing is shown; the live message stays as it is)."""
        _runs(context.user_data).pop(self.name, None)


class Run:
    """A running instance of a flow, as seen by one update's callbacks."""

    def __init__(
        self, flow: Flow, record: dict[str, Any], update: Update | None, context: KamContext
    ) -> None:
        self.flow, self.record, self.context = flow, record, context
        self._update = update
        self.note = ""
        self.args: list[str] = []

    @property
    def update(self) -> Update:
        assert self._update is not None
        return self._update

    @property
    def id(self) -> str:
        return str(self.record["id"])

    @property
    def step(self) -> str:
        return str(self.record["step"])

    @property
    def data(self) -> dict[str, Any]:
        """The flow's own state, kept as long as the run (JSON-serialisable values)."""
        data = self.record.setdefault("data", {})
        assert isinstance(data, dict)
        return data

    @property
    def back_to(self) -> Address | None:
        return Address.from_dict(self.record.get("back_to"))

    @back_to.setter
    def back_to(self, address: Address | None) -> None:
        self.record["back_to"] = address.to_dict() if address else None

    @property
    def text(self) -> str:
        """The typed text of this update ('' for a press or media)."""
        message = self._update.effective_message if self._update else None
        return clean(message.text or "") if message is not None else ""

    def button(self, label: str, action: str, *args: object) -> InlineKeyboardButton:
        """A button of this run; a press reaches the step input `on_button(action, ...)`."""
        data = ":".join([f"{self.flow.code}.{self.id}", action, *(str(a) for a in args)])
        return button(label, data)

    def arg(self, index: int = 0) -> str:
        """Field `index` after the action in the pressed button's data; else StaleButton."""
        if not 0 <= index < len(self.args):
            raise StaleButton(f"{self.flow.name}: no argument {index} in {self.args!r}")
        return self.args[index]

    def arg_id(self, index: int = 0) -> int:
        value = parse_id(self.arg(index))
        if value is None:
            raise StaleButton(f"{self.flow.name}: no id at {index} in {self.args!r}")
        return value

    def touch(self) -> None:
        self.record["at"] = self.context.services.clock.now().timestamp()

    async def close(self, text: str) -> None:
        """Turns the live message into a plain note without buttons."""
        await close_screen(self.update, self.context, self.flow.key, text)


async def enter(run: Run, step: str, hops: int = 0) -> None:
    """Makes `step` current: runs its `enter`, then shows its screen."""
    if hops > _MAX_HOPS:
        raise RuntimeError(f"{run.flow.name}: steps keep redirecting ({step})")
    run.record["step"] = step
    target = run.flow.step(step)
    if target.enter is not None:
        where = await target.enter(run.update, run.context, run)
        if where not in (None, Go.REDRAW):
            await apply(run, where, hops + 1)
            return
    await render(run)


async def render(run: Run) -> None:
    screen_fn = run.flow.step(run.step).screen
    if screen_fn is None:
        return
    screen = await screen_fn(run.update, run.context, run)
    run.note = ""
    if isinstance(screen, Screen):
        markup = keyboard(screen.rows) if screen.rows else None
        await show_screen(
            run.update,
            run.context,
            run.flow.key,
            screen.text,
            markup,
            new_message=screen.new_message,
        )


async def apply(run: Run, where: Next, hops: int = 0) -> None:
    """Carries out what an input callback returned."""
    if where is None or _runs(run.context.user_data).get(run.flow.name) is not run.record:
        return  # stay; or the callback ended or restarted the flow itself
    if where is Go.REDRAW:
        await render(run)
    elif where is Go.END:
        run.flow.end(run.context)
        if run.back_to is not None:
            await go(run.update, run.context, run.back_to)
    elif isinstance(where, Go):
        current = run.flow.step(run.step)
        target = current.next if where is Go.NEXT else current.back
        if target is None:
            raise ValueError(f"{run.flow.name}.{run.step} has no {where.value} step")
        await enter(run, target, hops)
    else:
        await enter(run, where, hops)


async def go(update: Update, context: KamContext, address: Address) -> None:
    """Enters the addressed flow at its step: its live run continues, else a new one starts;
    the address's params are put into the run's data."""
    flow = flows(context.application).get(address.flow)
    if flow is None:
        raise LookupError(f"no flow named {address.flow!r}")
    run = flow.run(context, update)
    if run is None:
        await flow.start(update, context, address.step, data=dict(address.params))
        return
    run.data.update(address.params)
    run.touch()
    await enter(run, address.step)


# --- routing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Match:
    kind: str  # "entry", "input", "stale", "leave"
    target: Any = None
    check: object = None
    args: tuple[str, ...] = ()


def _own_press(update: Update, code: str) -> tuple[str, str, list[str]] | None:
    """(instance id, action, args) of a press on one of this flow's buttons."""
    query = update.callback_query
    data = query.data if query is not None and isinstance(query.data, str) else ""
    head, _, rest = data.partition(":")
    flow_code, dot, run_id = head.partition(".")
    if flow_code != code or not dot:
        return None
    action, *args = rest.split(":")
    return run_id, action, args


class FlowHandler(BaseHandler[Update, KamContext, None]):
    """The one PTB handler of a flow: its entries, then the current step's input."""

    def __init__(self, flow: Flow, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        super().__init__(self._unused, block=True)
        self.flow = flow
        self._application = application

    @staticmethod
    async def _unused(update: Update, context: KamContext) -> None:
        """BaseHandler wants a callback; `handle_update` does the work."""

    def check_update(self, update: object) -> _Match | None:
        if not isinstance(update, Update) or update.effective_user is None:
            return None
        for entry in self.flow.entries:
            check = entry.check_update(update)
            if check is not None and check is not False:
                return _Match("entry", entry, check)
        user_data = self._application.user_data.get(update.effective_user.id)
        record = _runs(user_data).get(self.flow.name) if user_data is not None else None
        press = _own_press(update, self.flow.code)
        if not isinstance(record, dict):
            return _Match("stale") if press else None
        if update.effective_chat is None or record.get("chat") != update.effective_chat.id:
            return None
        if press is not None and press[0] != record.get("id"):
            return _Match("stale")
        return self._match_input(update, record, press)

    def _match_input(
        self, update: Update, record: dict[str, Any], press: tuple[str, str, list[str]] | None
    ) -> _Match | None:
        action, args = (press[1], tuple(press[2])) if press else (None, ())
        step = self.flow._by_name.get(str(record.get("step")))
        for item in [*(step.takes if step else ()), *self.flow.common]:
            if item.matches(update, action):
                return _Match("input", item, args=args)
        if press is not None:
            return _Match("stale")
        if self.flow.prompt and _goes_elsewhere(update):
            return _Match("leave")
        for item in self.flow.otherwise:
            if item.matches(update, action):
                return _Match("input", item)
        return None

    async def handle_update(
        self,
        update: Update,
        application: Application[Any, KamContext, Any, Any, Any, Any],
        check_result: object,
        context: KamContext,
    ) -> None:
        assert isinstance(check_result, _Match)
        if check_result.kind == "leave":
            self.flow.end(context)
            return  # the update goes on to the feature it belongs to
        if check_result.kind == "stale":
            await answer(update, context.t("error.stale_button"))
        elif check_result.kind == "entry":
            await check_result.target.handle_update(
                update, application, check_result.check, context
            )
        else:
            await self._take(update, context, check_result)
        if self.flow.prompt or self.flow.stops:
            raise ApplicationHandlerStop

    async def _take(self, update: Update, context: KamContext, match: _Match) -> None:
        run = self.flow.run(context, update)
        assert run is not None and isinstance(match.target, Input)
        run.args = list(match.args)
        run.touch()
        where = await match.target.callback(update, context, run)
        await apply(run, where)
        await answer(update)  # a press the callback did not answer (no-op if it did)


def _goes_elsewhere(update: Update) -> bool:
    if update.callback_query is not None:
        return True
    message = update.effective_message
    return message is not None and bool(elsewhere().check_update(update))


# --- idle gate and registration ---------------------------------------------------------


async def end_idle_flows(update: Update, context: KamContext) -> None:
    """Before anything else sees the update: runs quiet for longer than their flow's `idle`
    end (their drafts stay), so the update goes where it would go outside them."""
    runs = _runs(context.user_data) if context.user_data else {}
    if not runs:
        return
    now = context.services.clock.now().timestamp()
    registry = flows(context.application)
    for name, record in list(runs.items()):
        flow = registry.get(name)
        at = record.get("at") if isinstance(record, dict) else None
        if flow is None or flow.idle is None or not isinstance(at, int | float):
            continue
        if now - at > flow.idle.total_seconds():
            _LOG.info("flow %s ended after %s idle", name, flow.idle)
            runs.pop(name)


def register(
    application: Application[Any, Any, Any, Any, Any, Any], flow: Flow, group: int = 0
) -> None:
    """Adds the flow's handler: prompts in their own early group each, others in `group`.
    The first flow registered also installs the idle gate."""
    registry = flows(application)
    if registry.get(flow.name, flow) is not flow:
        raise ValueError(f"two flows named {flow.name!r}")
    if any(other.code == flow.code and other is not flow for other in registry.values()):
        raise ValueError(f"two flows with the code {flow.code!r}")
    registry[flow.name] = flow
    handlers = [h for hs in application.handlers.values() for h in hs]
    if not any(isinstance(h, TypeHandler) and h.callback is end_idle_flows for h in handlers):
        application.add_handler(TypeHandler(Update, end_idle_flows), group=GATE_GROUP)
    if flow.prompt:
        group = PROMPT_GROUP + sum(isinstance(h, FlowHandler) and h.flow.prompt for h in handlers)
    application.add_handler(FlowHandler(flow, application), group=group)
