"""The dialog layer: every multi-step flow and one-question prompt is declared with it.

    async def ask_name(update, context, run):            # a screen: text and buttons
        return Screen(context.t("profile.new.ask_name"), [[run.button("✖", "cancel")]])
    async def got_name(update, context, run):            # an input: returns where to go
        run.data["name"] = run.text
        return Go.NEXT                                   # or a step's name, Go.BACK, Go.END, None
    async def start(update, context):                    # an entry: a plain PTB handler
        await DEMO.start(update, context, back_to=None)  # back_to: an Address to return to
    DEMO = Flow("demo", "dm", entries=[CommandHandler("demo", start)], idle=timedelta(minutes=30),
        steps=[Step("name", ask_name, [on_text(got_name)], next="color"),
               Step("color", ask_color, [on_button("pick", picked)], back="name")],
        common=[on_command("cancel", cancel), on_button("cancel", cancel)])
    dialog.register(application, DEMO)

What the layer does for every flow:
- State: a run per user and flow in user data (persisted): current step, the flow's `data`,
  a short instance id, the time of the last input, and a typed return address.
- Screens: entering a step shows its screen in the flow's one live message (edited when a
  button of it was pressed, else sent anew; the superseded message loses its buttons, see
  handlers.ui.show_screen). `run.note` is shown by screens that use it, then cleared.
- Buttons: `run.button(label, action, *args)` makes data `"<code>.<id>:<action>:<args>"`
  (checked against Telegram's 64 bytes); `on_button(action, cb)` takes it, `run.arg(i)` /
  `run.arg_id(i)` read the args (StaleButton when malformed). A press on a button of an earlier
  run, or one the current step does not take, is answered "this card is closed"; a press
  the callback did not answer is answered (empty) after its screen is shown.
- Idle: a flow with `idle` ends (its run is forgotten; drafts kept elsewhere stay) when an
  update comes after that much quiet, before any handler sees the update (the gate group).
- Prompts: `prompt(...)` (or `Flow(prompt=True)`) runs early, stops what it takes, closes
  when the manager goes elsewhere, and one open prompt closes the others.
- Hand-over: `flow.start(..., back_to=Address(flow, step, params))`; when the flow ends
  (`Go.END`) the layer enters the address (`go`). Addresses are data, not string codes.
Only PTB's public API is used: a BaseHandler per flow, handler groups, ApplicationHandlerStop.
"""

from handlers.dialog.flow import GATE_GROUP, PROMPT_GROUP, Flow, Run, go, register
from handlers.dialog.model import (
    Address,
    Go,
    Input,
    Next,
    Screen,
    Step,
    elsewhere,
    on_button,
    on_command,
    on_message,
    on_press,
    on_text,
    plain_text,
)
from handlers.dialog.prompt import prompt

__all__ = [
    "GATE_GROUP",
    "PROMPT_GROUP",
    "Address",
    "Flow",
    "Go",
    "Input",
    "Next",
    "Run",
    "Screen",
    "Step",
    "elsewhere",
    "go",
    "on_button",
    "on_command",
    "on_message",
    "on_press",
    "on_text",
    "plain_text",
    "prompt",
    "register",
]
