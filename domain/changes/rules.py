"""Approval-chain rules from configuration (`[changes]`), as plain values.

Every rule whose conditions fit a change adds its roles to the chain, in the order the rules
are written; a role already in the chain is not added again. When no rule fits, the
`fallback_roles` decide, so a change never goes through unapproved.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

from domain.enums import ChangeKind, Role


class ChangeConfigError(ValueError):
    """A `[changes]` value is wrong; the message names the key."""


@dataclass(frozen=True)
class ChainRule:
    name: str
    roles: tuple[Role, ...]
    kinds: frozenset[ChangeKind] = frozenset(ChangeKind)
    # Thresholds compare the size of the change (a cut of ¥80,000 weighs like an increase).
    cost_above: Decimal | None = None
    cost_up_to: Decimal | None = None
    days_above: int | None = None
    days_up_to: int | None = None

    def fits(self, kind: ChangeKind, cost: Decimal | None, days: int | None) -> bool:
        size, span = abs(cost or Decimal(0)), abs(days or 0)
        return (kind in self.kinds
                and (self.cost_above is None or size > self.cost_above)
                and (self.cost_up_to is None or size <= self.cost_up_to)
                and (self.days_above is None or span > self.days_above)
                and (self.days_up_to is None or span <= self.days_up_to))


@dataclass(frozen=True)
class ChangeRules:
    rules: tuple[ChainRule, ...] = ()
    fallback_roles: tuple[Role, ...] = (Role.DEPT_HEAD,)
    remind_after_minutes: int = 24 * 60
    escalate_after_minutes: int = 72 * 60

    def chain(self, kind: ChangeKind, cost: Decimal | None, days: int | None) -> list[Role]:
        roles: list[Role] = []
        for rule in self.rules:
            if rule.fits(kind, cost, days):
                roles += [r for r in rule.roles if r not in roles]
        return roles or list(self.fallback_roles)

    def named_roles(self) -> dict[Role, list[str]]:
        """Every role the rules name -> the rules naming it (for the start-up gap check)."""
        out: dict[Role, list[str]] = {}
        for rule in self.rules:
            for role in rule.roles:
                out.setdefault(role, []).append(rule.name)
        for role in self.fallback_roles:
            out.setdefault(role, []).append("fallback_roles")
        return out


def parse_change_rules(section: Mapping[str, Any]) -> ChangeRules:
    """`[changes]` -> ChangeRules; a wrong value raises ChangeConfigError naming its key."""
    rules = tuple(_rule(raw, f"changes.rules[{i}]")
                  for i, raw in enumerate(section.get("rules", ()), 1))
    fallback = _roles(section.get("fallback_roles", ["dept_head"]), "changes.fallback_roles")
    remind = _minutes(section, "remind_after_minutes", 24 * 60)
    escalate = _minutes(section, "escalate_after_minutes", 72 * 60)
    if escalate <= remind:
        raise ChangeConfigError("changes.escalate_after_minutes: must be longer than "
                                f"remind_after_minutes ({remind}), got {escalate}")
    return ChangeRules(rules=rules, fallback_roles=fallback, remind_after_minutes=remind,
                       escalate_after_minutes=escalate)


def _rule(raw: Any, where: str) -> ChainRule:
    if not isinstance(raw, Mapping):
        raise ChangeConfigError(f"{where}: expected a table with roles = [...]")
    known = {"name", "roles", "kinds", "cost_above", "cost_up_to", "days_above", "days_up_to"}
    extra = sorted(set(raw) - known)
    if extra:
        raise ChangeConfigError(f"{where}.{extra[0]}: unknown key (known: {', '.join(sorted(known))})")
    kinds = raw.get("kinds", [k.value for k in ChangeKind])
    if not isinstance(kinds, list) or not kinds or any(k not in ChangeKind.__members__.values()
                                                       for k in kinds):
        raise ChangeConfigError(f"{where}.kinds: expected some of design, schedule, budget, got {kinds!r}")
    return ChainRule(name=str(raw.get("name", where)), roles=_roles(raw.get("roles"), f"{where}.roles"),
                     kinds=frozenset(ChangeKind(k) for k in kinds),
                     cost_above=_money(raw, "cost_above", where), cost_up_to=_money(raw, "cost_up_to", where),
                     days_above=_days(raw, "days_above", where), days_up_to=_days(raw, "days_up_to", where))


def _roles(value: Any, where: str) -> tuple[Role, ...]:
    if not isinstance(value, list) or not value:
        raise ChangeConfigError(f"{where}: expected a non-empty list of roles, got {value!r}")
    for role in value:
        if role not in Role.__members__.values():
            raise ChangeConfigError(f"{where}: unknown role {role!r}")
    return tuple(Role(r) for r in value)


def _money(raw: Mapping[str, Any], key: str, where: str) -> Decimal | None:
    if key not in raw:
        return None
    value = raw[key]
    try:
        # str() first: a TOML float like 5e4 must not bring binary noise into money.
        amount = Decimal(str(value)) if not isinstance(value, bool) else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0:
        raise ChangeConfigError(f"{where}.{key}: expected an amount in yuan (>= 0), got {value!r}")
    return amount


def _days(raw: Mapping[str, Any], key: str, where: str) -> int | None:
    if key not in raw:
        return None
    value = raw[key]
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ChangeConfigError(f"{where}.{key}: expected a whole number of days (>= 0), got {value!r}")
    return value


def _minutes(section: Mapping[str, Any], key: str, default: int) -> int:
    value = section.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ChangeConfigError(f"changes.{key}: expected a positive whole number, got {value!r}")
    return value

