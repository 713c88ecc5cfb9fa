"""Deal rules (stages, forecast, reasons, typed values, date presets) and the portfolio flags."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from domain.deals import (
    OPEN_STAGES,
    STAGES,
    Closing,
    check_close,
    check_deadline,
    check_probability,
    check_reason_text,
    check_title,
    close_preset,
    closing,
    deadline_preset,
    effective_stage,
    expected_probability,
    forecast,
    is_open,
    needs_reason,
    pipeline,
)
from domain.portfolio import HEAVY, TOO_MANY, Flag, Load, add_up, flags, team_medians
from domain.profile import Invalid

TODAY = date(2026, 11, 26)


@dataclass(frozen=True)
class D:
    stage: str = "lead"
    amount_minor: int | None = None
    currency: str | None = None
    probability: int | None = None
    kind: str = "deal"


def test_stages_in_order_open_and_closed() -> None:
    assert STAGES == ("lead", "qualified", "proposal", "negotiation", "won", "lost")
    assert STAGES[:4] == OPEN_STAGES
    assert [needs_reason(s) for s in STAGES] == [False] * 4 + [True, True]
    assert is_open("tender", "proposal") and not is_open("deal", "lost")


def test_an_agreement_of_the_former_history_reads_as_won_unless_lost() -> None:
    assert effective_stage("agreement", "lead") == "won"  # the table's default stage
    assert effective_stage("agreement", "lost") == "lost"
    assert not is_open("agreement", "negotiation")
    assert effective_stage("deal", "bogus") == "lead"


def test_forecast_is_amount_times_probability_per_currency_of_open_deals() -> None:
    deals = [
        D("proposal", 100_000_00, "RUB", 50),
        D("negotiation", 200_000_00, "RUB"),  # no probability: the stage's 75%
        D("lead", 1_000_00, "USD", 33),
        D("won", 999_00, "RUB", 100),  # closed: not a forecast any more
        D("lost", 999_00, "RUB", 10),
        D("proposal", None, None, 90),  # no amount
        D("lead", 500_00, "EUR", 0, kind="agreement"),  # signed: won
    ]
    assert forecast(deals) == {"RUB": 50_000_00 + 150_000_00, "USD": 330_00}
    assert (
        expected_probability(D("won")) == 100
        and expected_probability(D("lost", probability=80)) == 0
    )
    assert forecast([D("lead", 1, "RUB", 50)]) == {"RUB": 1}  # half a kopeck rounds up
    assert pipeline(deals)["won"] == 2 and pipeline(deals)["proposal"] == 2


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("60", 60), ("60%", 60), (" 0 ", 0), ("100 ％", 100), ("75 процентов", 75)],
)
def test_probability_typed(typed: str, expected: int) -> None:
    assert check_probability(typed) == expected


@pytest.mark.parametrize("typed", ["150", "-5", "half", "", "50.5", "1000"])
def test_probability_refused(typed: str) -> None:
    assert check_probability(typed) == Invalid(
        "deal.invalid.probability", {"minimum": 0, "maximum": 100}
    )


def test_title_and_reason_text() -> None:
    assert check_title("  Pipes\n 2027  ") == "Pipes 2027"
    assert check_title(" \n ") == Invalid("deal.invalid.empty", {})
    assert check_title("x" * 10_000) == Invalid(
        "deal.invalid.too_long", {"limit": 200, "length": 10_000}
    )
    assert check_reason_text(" Severstal ") == "Severstal"
    assert isinstance(check_reason_text("y" * 1001), Invalid)


def test_expected_close_not_absurd() -> None:
    assert check_close(date(2026, 11, 1), TODAY, open_deal=True) is None  # 25 days ago: late
    assert check_close(date(2026, 10, 1), TODAY, open_deal=True) == Invalid(
        "deal.invalid.close_past", {"days": 30}
    )
    assert check_close(date(2020, 1, 1), TODAY, open_deal=False) is None  # a closed deal
    assert check_close(date(2040, 1, 1), TODAY, open_deal=True) == Invalid(
        "deal.invalid.far", {"years": 10}
    )
    assert check_deadline(date(2026, 11, 25), TODAY) == Invalid("deal.invalid.deadline_past", {})
    assert check_deadline(TODAY, TODAY) is None


def test_date_presets() -> None:
    assert close_preset("month", TODAY) == date(2026, 11, 30)
    assert close_preset("next_month", TODAY) == date(2026, 12, 31)
    assert close_preset("next_month", date(2026, 12, 5)) == date(2027, 1, 31)
    assert close_preset("quarter", TODAY) == date(2026, 12, 31)
    assert close_preset("quarter", date(2027, 2, 1)) == date(2027, 3, 31)
    assert close_preset("half", TODAY) == date(2027, 5, 27)
    assert close_preset("bogus", TODAY) is None
    assert deadline_preset("2weeks", TODAY) == date(2026, 12, 10)
    assert deadline_preset("30days", TODAY) == date(2026, 12, 26)


def test_closing_needs_a_reason_and_the_competitors_name() -> None:
    assert closing("lost", "competitor", " Severstal ", TODAY) == Closing(
        "lost", "competitor", "Severstal", TODAY
    )
    assert closing("won", "price", None, TODAY) == Closing("won", "price", None, TODAY)
    assert closing("lost", "competitor", "  ", TODAY) == Invalid("deal.invalid.empty", {})
    assert closing("lost", "other", None, TODAY) == Invalid("deal.invalid.empty", {})
    assert closing("proposal", "price", None, TODAY) == Invalid("deal.invalid.reason", {})
    assert closing("won", "luck", None, TODAY) == Invalid("deal.invalid.reason", {})


# --- the portfolio ------------------------------------------------------------------------


def test_more_than_three_key_accounts_is_flagged() -> None:
    loads = [Load(1, 4, {}), Load(2, 3, {})]
    assert flags(loads) == {1: [Flag(TOO_MANY)], 2: []}


def test_revenue_far_above_the_median_is_flagged_per_currency() -> None:
    loads = [
        Load(1, 2, {"RUB": 1000_00, "USD": 10}),
        Load(2, 1, {"RUB": 200_00}),
        Load(3, 1, {"RUB": 300_00}),
        Load(4, 0, {"RUB": 9_999_00}),  # no key accounts: not in the median
    ]
    assert team_medians(loads) == {"RUB": 300_00, "USD": 0}
    found = flags(loads)
    assert found[1] == [Flag(HEAVY, "RUB", 300_00)]  # USD's median is 0: flags nobody
    assert found[2] == [] and found[3] == []
    assert found[4] == [Flag(HEAVY, "RUB", 300_00)]


def test_exactly_twice_the_median_is_not_flagged_and_an_empty_team_is_fine() -> None:
    loads = [Load(1, 1, {"RUB": 200}), Load(2, 1, {"RUB": 100}), Load(3, 1, {"RUB": 100})]
    assert all(not f for f in flags(loads).values())
    assert flags([]) == {}
    assert add_up([{"USD": 1, "RUB": 2}, {"RUB": 3}]) == {"RUB": 5, "USD": 1}
