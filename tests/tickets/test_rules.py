"""Guessing category and severity, titles, SLA due times, assignment roles: pure rules."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.settings import load_settings
from domain.enums import Category, Role, Severity
from domain.tickets.rules import assignee_role, guess_category, guess_severity, sla_due
from domain.tickets.service import make_title

RULES = load_settings(env={}).tickets


@pytest.mark.parametrize("text, category", [
    ("5号楼3层卫生间渗水", Category.QUALITY),
    ("外墙开裂", Category.QUALITY),
    ("脚手架连墙件松动", Category.SAFETY),
    ("工人没戴安全帽", Category.SAFETY),
    ("因为下雨停工两天", Category.PROGRESS),
    ("图纸和现场对不上", Category.TECHNICAL),
    ("钢筋还没到货", Category.MATERIAL),
    ("附近居民投诉噪音", Category.COMPLAINT),
    ("楼道需要清理", Category.COORDINATION),
    ("water leak in the basement", Category.QUALITY),
])
def test_category_from_construction_vocabulary(text, category):
    assert guess_category(text, RULES) is category


@pytest.mark.parametrize("text, severity", [
    ("渗水，比较急", Severity.HIGH),
    ("非常严重，马上处理", Severity.HIGH),
    ("不急，有空看看", Severity.LOW),
    ("墙面有点脏", Severity.MEDIUM),
    ("crack, urgent", Severity.HIGH),
])
def test_severity_reads_not_urgent_before_urgent(text, severity):
    assert guess_severity(text, RULES) is severity


def test_sla_due_per_severity():
    start = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)
    accept, resolve = sla_due(Severity.HIGH, start, RULES)
    assert (accept - start).total_seconds() == 30 * 60 and (resolve - start).total_seconds() == 4 * 3600
    accept, resolve = sla_due(Severity.LOW, start, RULES)
    assert (accept - start).total_seconds() == 8 * 3600 and (resolve - start).days == 3


def test_assignment_prefers_project_rule_then_config_then_manager():
    assert assignee_role(Category.QUALITY, RULES) is Role.QUALITY_OFFICER
    assert assignee_role(Category.QUALITY, RULES, {"quality": "engineer"}) is Role.ENGINEER
    assert assignee_role(Category.COMPLAINT, RULES) is Role.PROJECT_MANAGER


@pytest.mark.parametrize("text, title", [
    ("5号楼3层卫生间渗水，比较急", "5号楼3层卫生间渗水"),
    ("急！地下室进水", "急！地下室进水"),
    ("x" * 100, "x" * 40),
])
def test_title_is_the_first_clause(text, title):
    assert make_title(text) == title
