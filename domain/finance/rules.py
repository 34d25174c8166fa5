"""Finance configuration ([finance] in config/default.toml) as plain typed values: when to
remind, the dunning ladder, who is told at each step, and the payee shown to customers."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from domain.enums import Role

# Who hears about an overdue payment, lowest first. A ladder step names the highest level it
# reaches; everyone below is told too.
ESCALATION_CHAIN = (Role.PROJECT_MANAGER, Role.DEPT_HEAD, Role.FINANCE_DIRECTOR)


@dataclass(frozen=True)
class DunningStep:
    days: int          # days after the due date (0 = the due day)
    escalate: Role     # highest level of ESCALATION_CHAIN told internally

    @property
    def label(self) -> str:
        return f"+{self.days}"

    def recipients(self) -> tuple[Role, ...]:
        return ESCALATION_CHAIN[:ESCALATION_CHAIN.index(self.escalate) + 1]


def _default_ladder() -> tuple[DunningStep, ...]:
    return (DunningStep(0, Role.PROJECT_MANAGER), DunningStep(3, Role.PROJECT_MANAGER),
            DunningStep(10, Role.DEPT_HEAD), DunningStep(30, Role.FINANCE_DIRECTOR))


@dataclass(frozen=True)
class Payee:
    name: str = ""
    bank: str = ""
    account: str = ""


@dataclass(frozen=True)
class FinanceRules:
    remind_days_before: int = 3
    ladder: tuple[DunningStep, ...] = field(default_factory=_default_ladder)
    payee: Payee = field(default_factory=Payee)
    # Local hour from which the day's reminders go out (nobody gets dunned at 00:05).
    send_from_hour: int = 9

    def step_for(self, days_overdue: int) -> DunningStep | None:
        """The highest ladder step reached after `days_overdue` days; None before the due day."""
        reached = [s for s in self.ladder if s.days <= days_overdue]
        return reached[-1] if reached else None


def parse_finance(raw: dict[str, Any]) -> FinanceRules:
    """Build the rules from the TOML table; ValueError names the bad key in one line."""
    def whole(key: str, default: int, low: int, high: int) -> int:
        value = raw.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ValueError(f"finance.{key}: expected a whole number {low}-{high}, got {value!r}")
        return value

    steps = []
    for index, item in enumerate(raw.get("ladder", [])):
        where = f"finance.ladder[{index}]"
        days = item.get("days") if isinstance(item, dict) else None
        if not isinstance(days, int) or isinstance(days, bool) or days < 0:
            raise ValueError(f"{where}.days: expected a whole number of days >= 0, got {days!r}")
        role = item.get("escalate", Role.PROJECT_MANAGER.value)
        if role not in {r.value for r in ESCALATION_CHAIN}:
            chain = ", ".join(r.value for r in ESCALATION_CHAIN)
            raise ValueError(f"{where}.escalate: expected one of {chain}, got {role!r}")
        steps.append(DunningStep(days, Role(role)))
    if [s.days for s in steps] != sorted({s.days for s in steps}):
        raise ValueError("finance.ladder: days must be strictly increasing")
    payee = raw.get("payee", {})
    return FinanceRules(
        remind_days_before=whole("remind_days_before", 3, 0, 60),
        ladder=tuple(steps) if "ladder" in raw else _default_ladder(),
        payee=Payee(str(payee.get("name", "")), str(payee.get("bank", "")),
                    str(payee.get("account", ""))),
        send_from_hour=whole("send_from_hour", 9, 0, 23),
    )
