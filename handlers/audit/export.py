"""`/audit` (admins): the audit log as a CSV document for a period chosen by buttons.

The file is UTF-8 with a byte order mark (Excel shows Chinese and Cyrillic), one row per
entry (domain.audit_csv); the log is read page by page and written into a temporary file
that spills to disk when large (the upload itself is read whole by PTB, as every upload).
Anyone but an admin is refused (and audited).
"""

from __future__ import annotations

import tempfile

from telegram import InputFile, Update
from telegram.ext import CommandHandler

from bot.context import KamApp, KamContext
from bot.i18n import N_
from domain.audit_csv import PERIODS, since_days, write_csv
from domain.policy import Action, Kind, Target
from handlers import authz, dialog
from handlers.dialog import Flow, Go, Next, Run, Screen, Step, on_button, on_command
from handlers.ui import answer

PERIOD = "period"
SPOOL_BYTES = 4 * 1024 * 1024  # a larger file goes to disk while it is written
PERIOD_LABELS = {
    "7": N_("audit.period.week"),
    "30": N_("audit.period.month"),
    "90": N_("audit.period.quarter"),
    "365": N_("audit.period.year"),
    "all": N_("audit.period.all"),
}
_AUDIT = Target(Kind.AUDIT)


async def start(update: Update, context: KamContext) -> None:
    if not await authz.require(update, context, Action.LIST, _AUDIT, "audit.not_allowed"):
        return
    await AUDIT_EXPORT.start(update, context)


async def ask_period(update: Update, context: KamContext, run: Run) -> Screen:
    t = context.t
    rows = [[run.button(t(PERIOD_LABELS[key]), "p", key)] for key in PERIODS]
    rows.append([run.button(t("button.cancel"), "cancel")])
    return Screen(t("audit.export.ask"), rows)


async def chose(update: Update, context: KamContext, run: Run) -> Next:
    key = run.arg(0)
    if key not in PERIODS or not await authz.require(
        update, context, Action.LIST, _AUDIT, "audit.not_allowed"
    ):
        return Go.END if key in PERIODS else None
    await answer(update, context.t("audit.export.working"))
    now = context.services.clock.now()
    rows = context.services.storage.audit.export_rows(since=since_days(now, PERIODS[key]))
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as out:
        count = await write_csv(out, rows)
        out.seek(0)
        name = f"audit-{context.fmt.local(now):%Y%m%d-%H%M}.csv"
        await run.close(context.t("audit.export.done", period=context.t(PERIOD_LABELS[key])))
        assert update.effective_chat is not None
        await context.bot.send_document(
            update.effective_chat.id,
            InputFile(out.read(), filename=name),  # PTB reads an upload whole anyway
            caption=context.t.plural("audit.export.caption", count),
        )
    return Go.END


async def cancel(update: Update, context: KamContext, run: Run) -> Next:
    await answer(update)
    await run.close(context.t("audit.export.cancelled"))
    return Go.END


AUDIT_EXPORT = Flow(
    "audit_export",
    "aud",
    entries=[CommandHandler("audit", start)],
    steps=[Step(PERIOD, ask_period, [on_button("p", chose)])],
    common=[on_command("cancel", cancel), on_button("cancel", cancel)],
)


def register(application: KamApp) -> None:
    dialog.register(application, AUDIT_EXPORT)
