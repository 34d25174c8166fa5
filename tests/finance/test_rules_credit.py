"""Finance configuration, the ladder step reached, and the credit rating (pure rules)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.settings import ConfigError, load_settings
from domain.customers.credit import credit_of
from domain.enums import Role
from domain.finance.ledger import Receivable, ageing, bucket_of
from domain.store.models import Contract, PaymentMilestone, Project

TODAY = date(2026, 11, 23)


def test_default_ladder_and_steps():
    rules = load_settings(env={}).finance
    assert [(s.days, s.escalate) for s in rules.ladder] == [
        (0, Role.PROJECT_MANAGER), (3, Role.PROJECT_MANAGER), (10, Role.DEPT_HEAD),
        (30, Role.FINANCE_DIRECTOR)]
    assert rules.step_for(-1) is None and rules.step_for(0).days == 0
    assert rules.step_for(9).days == 3 and rules.step_for(400).days == 30
    assert rules.ladder[2].recipients() == (Role.PROJECT_MANAGER, Role.DEPT_HEAD)
    assert rules.payee.account


@pytest.mark.parametrize("finance, key", [
    ({"ladder": [{"days": 3}, {"days": 3}]}, "finance.ladder"),
    ({"ladder": [{"days": -1}]}, "finance.ladder[0].days"),
    ({"ladder": [{"days": 1, "escalate": "ceo"}]}, "finance.ladder[0].escalate"),
    ({"remind_days_before": "three"}, "finance.remind_days_before"),
    ({"send_from_hour": 25}, "finance.send_from_hour"),
])
def test_bad_finance_config_names_the_key(finance, key):
    with pytest.raises(ConfigError) as error:
        load_settings(env={}, overrides={"finance": finance})
    assert str(error.value).startswith(key) and "\n" not in str(error.value)


def row(amount: str, paid: str, due: date | None, settled_on: date | None = None) -> Receivable:
    milestone = PaymentMilestone(id=1, seq=1, name="x", kind="progress", amount=Decimal(amount),
                                 status="paid" if settled_on else "pending", settled_on=settled_on)
    return Receivable(milestone, Contract(number="HT"), Project(code="P-1"), Decimal(paid), due, due)


def test_ageing_buckets_edges():
    assert [bucket_of(d) for d in (-5, 0, 1, 30, 31, 90, 91)] == [
        "not_due", "not_due", "d1_30", "d1_30", "d31_90", "d31_90", "over_90"]
    report = ageing([row("100.00", "0.00", date(2026, 11, 22)), row("50.00", "20.00", None),
                     row("70.00", "70.00", date(2026, 1, 1), date(2026, 1, 1)),
                     row("10.00", "0.00", date(2026, 7, 1))], TODAY)
    assert report.totals == {"not_due": Decimal("30.00"), "d1_30": Decimal("100.00"),
                             "d31_90": Decimal("0.00"), "over_90": Decimal("10.00")}
    assert report.total == Decimal("140.00") and report.rows[0][1] == 145


def test_credit_rating():
    assert credit_of([row("1", "0", date(2026, 12, 1))], TODAY).rating == "-"
    on_time = [row("1", "1", date(2026, m, 1), date(2026, m, 1)) for m in range(1, 11)]
    assert credit_of(on_time, TODAY).rating == "A"
    one_late = on_time[:9] + [row("1", "1", date(2026, 10, 1), date(2026, 10, 20))]
    credit = credit_of(one_late, TODAY)
    assert (credit.rating, credit.worst_days, credit.overdue_now) == ("A", 19, 0)
    some_late = on_time[:6] + [row("1", "0", date(2026, 10, 1))] * 4
    assert credit_of(some_late, TODAY).rating == "B"
    very_late = on_time + [row("1", "0", date(2026, 6, 1))]
    assert credit_of(very_late, TODAY).rating == "C"   # one payment 175 days overdue
