"""Search or meeting note: decided by what the text contains, in English, Russian and Chinese."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from domain.intent import Intent, read_intent
from domain.search import Candidate

NOW = datetime(2026, 11, 26, 7, 30, tzinfo=UTC)
TZ = ZoneInfo("Asia/Shanghai")
ACCOUNTS = [
    Candidate(1, "VT-Metal", ("VT-Metal", "ВТ-Металл", "VT Metal", "VT-金属")),
    Candidate(2, "华信物流", ("华信物流", "Huaxin Logistics")),
    Candidate(3, "Sigma Trade", ("Sigma Trade",)),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the two Chinese notes of the issue: no spaces, but a meeting
        ("今天在VT-Metal见了Ivan Petrov，商定了第三季度价格，周五前发报价", "meeting"),
        ("今天拜访了华信物流的王伟，讨论了托盘需求，下周三前发送规格", "meeting"),
        ("昨天见了王伟", "meeting"),
        ("Met Ivan Petrov at VT-Metal today, agreed Q3 prices, send offer by Friday", "meeting"),
        ("Called Smirnova of VT-Metal yesterday, discussed the discount", "meeting"),
        ("Had coffee with a stranger, nice chat", "meeting"),
        (
            "Встретился с Иваном Петровым в ВТ-Металл вчера, договорились о ценах,"
            " отправить КП до пятницы",
            "meeting",
        ),
        ("ВТ-Металл обсудили цены и объёмы", "meeting"),
        # searches: names, short words, phones, e-mails
        ("vt metal", "search"),
        ("VT-Metal", "search"),
        ("Иван Петров", "search"),
        ("华信物流", "search"),
        ("华信", "search"),
        ("王伟", "search"),
        ("华信物流王伟", "search"),
        ("VT-Metal Petrov", "search"),
        ("Sigmatec", "search"),
        ("Orlvo", "search"),
        ("+7 495 123-45-67", "search"),
        ("i.petrov@vt-metal.example", "search"),
        ("Huaxin Logistics", "search"),
        # one sign only: the manager chooses
        ("VT-Metal tomorrow", "unsure"),
        ("下周三", "unsure"),
        ("Sigma Trade, Moscow office", "unsure"),
        ("Северсталь Череповец металлургический комбинат", "unsure"),
        ("北京华信物流科技有限公司", "unsure"),
    ],
)
def test_read_intent(text: str, expected: Intent) -> None:
    assert read_intent(text, now=NOW, tz=TZ, accounts=ACCOUNTS) == expected


def test_a_long_chinese_name_alone_is_a_search() -> None:
    assert read_intent("北京华信物流科技有限公司", now=NOW, tz=TZ) == "search"
