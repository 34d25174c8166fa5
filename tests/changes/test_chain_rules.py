"""The approval chain from configured rules, `[changes]` validation, and reading changes
typed in chat. Pure functions: no database."""
from __future__ import annotations

from decimal import Decimal

import pytest

from bot.settings import ConfigError, load_settings
from domain.changes.rules import parse_change_rules
from domain.enums import ChangeKind, Role
from domain.errors import InvalidInput
from handlers.changes.parse import parse_change

DEPT, HQ = Role.DEPT_HEAD, Role.HQ_ENGINEERING_DIRECTOR


@pytest.fixture(scope="module")
def rules():
    return load_settings(env={}).changes   # the shipped defaults in config/default.toml


@pytest.mark.parametrize("kind, cost, days, chain", [
    (ChangeKind.BUDGET, "50000", None, [DEPT]),             # up to ¥50,000 -> dept head
    (ChangeKind.BUDGET, "49999.99", None, [DEPT]),
    (ChangeKind.BUDGET, "50000.01", None, [DEPT, HQ]),      # above -> dept head, then HQ
    (ChangeKind.BUDGET, "120000", None, [DEPT, HQ]),
    (ChangeKind.BUDGET, "-80000", None, [DEPT, HQ]),        # a big cut weighs like an increase
    (ChangeKind.DESIGN, None, None, [DEPT]),                 # no cost: 0 is "up to 50,000"
    (ChangeKind.SCHEDULE, None, 15, [DEPT]),
    (ChangeKind.SCHEDULE, None, 30, [DEPT]),                 # 30 is not "over 30"
    (ChangeKind.SCHEDULE, None, 31, [DEPT, HQ]),             # any schedule change over 30 days -> HQ
    (ChangeKind.SCHEDULE, None, -45, [DEPT, HQ]),
    (ChangeKind.SCHEDULE, "200000", 40, [DEPT, HQ]),         # HQ named twice, asked once
    (ChangeKind.DESIGN, "10000", 45, [DEPT, HQ]),
])
def test_default_chain_rules(rules, kind, cost, days, chain):
    assert rules.chain(kind, Decimal(cost) if cost else None, days) == chain


def test_rules_in_order_and_fallback():
    rules = parse_change_rules({
        "fallback_roles": ["project_manager"],
        "rules": [{"name": "big", "kinds": ["budget"], "cost_above": "1000000",
                   "roles": ["hq_engineering_director"]},
                  {"name": "long", "kinds": ["schedule"], "days_above": 10, "days_up_to": 20,
                   "roles": ["dept_head", "hq_engineering_director"]}]})
    assert rules.chain(ChangeKind.BUDGET, Decimal("1000000.01"), None) == [HQ]
    assert rules.chain(ChangeKind.BUDGET, Decimal("5"), None) == [Role.PROJECT_MANAGER]
    assert rules.chain(ChangeKind.SCHEDULE, None, 15) == [DEPT, HQ]
    assert rules.chain(ChangeKind.SCHEDULE, None, 21) == [Role.PROJECT_MANAGER]
    assert rules.named_roles() == {HQ: ["big", "long"], DEPT: ["long"],
                                   Role.PROJECT_MANAGER: ["fallback_roles"]}


@pytest.mark.parametrize("changes, key", [
    ({"rules": [{"roles": ["wizard"]}]}, "changes.rules[1].roles"),
    ({"rules": [{"roles": []}]}, "changes.rules[1].roles"),
    ({"rules": [{"roles": ["dept_head"], "kinds": ["holiday"]}]}, "changes.rules[1].kinds"),
    ({"rules": [{"roles": ["dept_head"], "cost_above": "lots"}]}, "changes.rules[1].cost_above"),
    ({"rules": [{"roles": ["dept_head"], "days_above": 2.5}]}, "changes.rules[1].days_above"),
    ({"rules": [{"roles": ["dept_head"], "max_cost": 5}]}, "changes.rules[1].max_cost"),
    ({"fallback_roles": []}, "changes.fallback_roles"),
    ({"remind_after_minutes": 0}, "changes.remind_after_minutes"),
    ({"remind_after_minutes": 600, "escalate_after_minutes": 60}, "changes.escalate_after_minutes"),
])
def test_bad_rules_stop_start_up_naming_the_key(changes, key):
    with pytest.raises(ConfigError) as error:
        load_settings(env={}, overrides={"changes": changes})
    assert key in str(error.value) and "\n" not in str(error.value)


@pytest.mark.parametrize("text, kind, cost, days, reason", [
    ("工期调整 +15天 原因：甲方要求增加地下室防水", ChangeKind.SCHEDULE, None, 15, "甲方要求增加地下室防水"),
    ("工期调整 -5天 提前插入装修", ChangeKind.SCHEDULE, None, -5, "提前插入装修"),
    ("预算增补 +120000 地下室防水加做一道卷材", ChangeKind.BUDGET, "120000", None, "地下室防水加做一道卷材"),
    ("预算增补 ¥120,000.50元 原因:卷材", ChangeKind.BUDGET, "120000.50", None, "卷材"),
    ("预算增补 +12.5万 原因：卷材", ChangeKind.BUDGET, "125000", None, "卷材"),
    ("设计变更 +3万 +5天 卫生间改为干湿分离", ChangeKind.DESIGN, "30000", 5, "卫生间改为干湿分离"),
    ("设计变更 3 处节点做法调整", ChangeKind.DESIGN, None, None, "3 处节点做法调整"),
    ("设计变更 5号楼卫生间改为干湿分离", ChangeKind.DESIGN, None, None, "5号楼卫生间改为干湿分离"),
    ("预算增补 原因：卷材", ChangeKind.BUDGET, None, None, "卷材"),           # missing amount: service asks
    ("schedule +15d reason: owner asked", ChangeKind.SCHEDULE, None, 15, "owner asked"),
    ("budget 120,000 extras", ChangeKind.BUDGET, "120000", None, "extras"),
])
def test_parse_change(text, kind, cost, days, reason):
    parsed = parse_change(text)
    assert (parsed.kind, parsed.cost, parsed.days, parsed.reason) == (
        kind, Decimal(cost) if cost else None, days, reason)


@pytest.mark.parametrize("text, key", [
    ("预算增补 一百万 原因：卷材", "change.error.cost_not_number"),
    ("预算增补 +12abc 原因：卷材", "change.error.cost_not_number"),
    ("工期调整 +十五天 原因：下雨", "change.error.days_not_number"),
    ("工期调整 半个月 原因：下雨", None),                                      # no number at all: asked later
])
def test_words_where_numbers_belong_are_refused(text, key):
    if key is None:
        assert parse_change(text).days is None
        return
    with pytest.raises(InvalidInput) as error:
        parse_change(text)
    assert error.value.key == key


def test_no_kind_is_not_a_change():
    assert parse_change("随便说点什么") is None
