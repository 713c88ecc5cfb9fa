"""Text typed at the menu: a client to look up, or a meeting to log?

"vt metal", "Иван Петров", "华信物流" → search; "Met Ivan Petrov at VT-Metal today, agreed Q3
prices, send offer by Friday", "今天拜访了华信物流的王伟，讨论了托盘需求，下周三前发送规格" →
a meeting note. Decided by what the text contains, not by counting spaces (Chinese has none):
a verb of meeting or of a follow-up and a date phrase (strong signs), a known client plus
more text, clause punctuation, and the length in words or, for Chinese, in characters (weak
signs). Two signs, one of them strong, make a meeting note; a single sign, or weak ones only,
leave it "unsure" and the manager chooses; no sign at all is a search.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from domain.date_phrases import find_date_phrase
from domain.search import Candidate, cjk, script_boundary, spaced

__all__ = ["Intent", "read_intent"]

Intent = Literal["search", "meeting", "unsure"]

SEARCH_MAX_WORDS = 3
SEARCH_MAX_CHARS = 60
SEARCH_MAX_CJK = 12  # "北京华信物流科技有限公司" is a name, not a sentence
_MIN_MORE_WORDS = 2  # "VT-Metal Petrov" is a search; "VT-Metal agreed prices" is not
_MIN_MORE_CJK = 4
_DATE_SEARCH_CHARS = 300  # a date further on changes nothing: such a text is long anyway

_MEETING_WORDS = re.compile(
    r"(?<![\w-])(?:met|meet|meeting|visited|visit|called|talked|spoke|discussed|agreed"
    r"|negotiated|presented|signed|lunch|dinner|coffee|call with|call to|conversation|saw"
    r"|встретил(?:ся|ась|ись)?|встреч[аеуи]|встречались|виделись|созвонил(?:ся|ась|ись)|созвон"
    r"|звонил[аи]?|позвонил[аи]?|обсудили|обсуждали|договорились|согласовали|был[аи]? у"
    r"|ездил[аи]?|посетил[аи]?|переговоры|презентовал[аи]?|подписали)(?![\w-])"
    r"|见了|见面|拜访|会见|开会|会议|讨论|商定|谈了|聊了|通话|打电话|打了电话|约了|沟通"
    r"|洽谈|签了|签署|同意了|参观|走访|面谈|见到",
    re.IGNORECASE,
)
_FOLLOW_UP_WORDS = re.compile(
    r"(?<![\w-])(?:send|prepare|email|follow up|remind|deliver|share|schedule"
    r"|отправить|выслать|прислать|подготовить|позвонить|написать|согласовать|подписать"
    r"|напомнить|договориться)(?![\w-])|发送|发给|发报价|准备|寄给|联系他|联系她|确认一下",
    re.IGNORECASE,
)
_CLAUSE_MARK = re.compile(r"\S[,;.!?]\s+\S|[，。；！？]")
_PHONE_OR_EMAIL = re.compile(r"^\+?[\d\s()-]{6,}$|^\S+@\S+$")


def _is_long(text: str) -> bool:
    chinese = len(cjk().findall(text))
    words = len(script_boundary().sub(" ", text).split()) - (1 if chinese else 0)
    if chinese:
        return chinese > SEARCH_MAX_CJK or words > SEARCH_MAX_WORDS or len(text) > SEARCH_MAX_CHARS
    return words > SEARCH_MAX_WORDS or len(text) > SEARCH_MAX_CHARS


def _names_known(text: str, accounts: Sequence[Candidate]) -> tuple[bool, bool]:
    """(the whole text is a client's name, a client is named with more text around it)."""
    folded = spaced(text)
    whole, more = False, False
    for candidate in accounts:
        for name in candidate.texts:
            wanted = spaced(name)
            if not wanted:
                continue
            if folded == wanted or folded.replace(" ", "") == wanted.replace(" ", ""):
                whole = True
            elif f" {wanted} " in f" {folded} " or (cjk().search(wanted) and wanted in folded):
                rest = f" {folded} ".replace(f" {wanted} ", " ").replace(wanted, " ")
                cjk_rest = len(cjk().findall(rest))
                more = (
                    more
                    or cjk_rest >= _MIN_MORE_CJK
                    or (len(rest.split()) - (1 if cjk_rest else 0) >= _MIN_MORE_WORDS)
                )
    return whole, more


def read_intent(
    text: str, *, now: datetime, tz: ZoneInfo, accounts: Sequence[Candidate] = ()
) -> Intent:
    """ "search", "meeting" or "unsure" for ``text`` typed at the main menu."""
    text = " ".join(text.split())
    whole_name, named_with_more = _names_known(text, accounts)
    if not text or whole_name or _PHONE_OR_EMAIL.match(text):
        return "search"
    words = (_MEETING_WORDS.search(text) is not None) + (_FOLLOW_UP_WORDS.search(text) is not None)
    weak = sum((named_with_more, _CLAUSE_MARK.search(text) is not None, _is_long(text)))
    if words and words + weak >= 2:
        return "meeting"
    dated = find_date_phrase(text[:_DATE_SEARCH_CHARS], now=now, tz=tz, prefer="past")
    strong = words + (dated is not None)
    if strong and strong + weak >= 2:
        return "meeting"
    if strong or weak:
        return "unsure"
    return "search"
