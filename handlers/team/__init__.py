"""/team (leads and admins): the managers of the viewer's team (an admin's: everyone) with
their role, accounts, open and overdue tasks and last activity; one manager's screen changes
their role and lead (admins), switches their access off or on (admins; a lead for their team),
and gives their accounts to another manager; an account's screen gives it away and manages
who is on its team and who is its executive sponsor.

Every press reloads what it names and asks domain.policy again: the data carries no right.

team:page:<n>                    the team, page n
team:open:<id>:<n>               a manager (n: the list page to go back to)
team:role:<id>:<role>            change the role (admins, never their own)
team:lead:<id> / team:setlead:<id>:<lead or 0>     a KAM's or BD's lead (admins)
team:active:<id>:<0|1>           access off (their reminders stop; whom to give their accounts) / on
team:accs:<id>:<n>               the accounts the manager owns, page n
team:give:<id> / team:giveto:<id>:<to>             all of the manager's accounts to another
team:acc:<account>               an account: owner, team, sponsor (also from the card)
team:give1:<account> / team:give1to:<account>:<to> the account to another manager
team:seatadd:<account> / team:seatset:<account>:<manager> / team:seatrm:<account>:<manager>
team:sponsor:<account>:<manager or 0>              the account's executive sponsor
team:close                       close the screen
"""

from __future__ import annotations

from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler

from bot.context import KamApp
from handlers.menu import menu_button
from handlers.team import members, moves, seats

_PRESSES = {
    "page": members.on_page,
    "open": members.on_open,
    "role": members.on_role,
    "lead": members.on_choose_lead,
    "setlead": members.on_set_lead,
    "active": moves.on_switch,
    "accs": moves.on_accounts,
    "give": moves.on_give_all,
    "giveto": moves.on_give_all_to,
    "give1": moves.on_give_one,
    "give1to": moves.on_give_one_to,
    "acc": seats.on_account,
    "seatadd": seats.on_seat_add,
    "seatset": seats.on_seat_set,
    "seatrm": seats.on_seat_remove,
    "sponsor": seats.on_sponsor,
}


def register(application: KamApp) -> None:
    application.add_handler(CommandHandler("team", members.show_team))
    application.add_handler(MessageHandler(menu_button("menu.team"), members.show_team))
    for action, callback in _PRESSES.items():
        application.add_handler(CallbackQueryHandler(callback, pattern=rf"^team:{action}:"))
    application.add_handler(CallbackQueryHandler(members.close, pattern=r"^team:close$"))
