"""The four sheets sitebot reads and writes (计划, 合同, 人员, 客户): their columns, headers as
written (zh-CN; English headers are accepted too), an example row for the template, and the row
limit. A header row that lacks a required column or has one we do not know is refused whole,
with the columns expected."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.customers import io as customer_io
from domain.imports.workbook import Problem


@dataclass(frozen=True)
class Column:
    key: str
    header: str                 # as the template writes it
    aliases: tuple[str, ...] = ()
    required: bool = False
    width: int = 14


@dataclass(frozen=True)
class Kind:
    name: str                   # plan | contract | people | customers
    sheet: str                  # the data sheet's title in the template
    columns: tuple[Column, ...]
    example: tuple[tuple[Any, ...], ...]
    max_rows: int

    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


PROJECT = Column("project", "项目编号", ("项目", "project", "project code"), width=10)

PLAN = Kind("plan", "计划", (
    PROJECT,
    Column("name", "节点名称", ("节点", "milestone", "name"), required=True, width=20),
    Column("start", "计划开始", ("开始", "开始日期", "start", "planned start")),
    Column("end", "计划完成", ("完成", "计划完成日期", "计划", "end", "planned end", "due")),
    Column("weight", "权重", ("weight",), width=8),
), (("P-001", "基础施工", "2026-12-01", "2027-01-20", 20),
    ("P-001", "主体结构封顶", "2027-01-21", "2027-03-25", 30)), 300)

CONTRACT = Kind("contract", "合同", (
    PROJECT,
    Column("number", "合同编号", ("合同号", "contract", "contract number", "number"), required=True),
    Column("value", "合同金额", ("金额", "value", "contract value"), width=14),
    Column("signed", "签订日期", ("签订", "signed", "signed on")),
    Column("payment", "付款节点", ("付款", "payment", "payment milestone"), width=14),
    Column("share", "金额或比例", ("付款金额", "比例", "amount", "share", "amount or share"), width=12),
    Column("due", "付款日期", ("到期日", "due", "due date")),
    Column("trigger", "触发节点", ("于节点", "trigger", "after milestone"), width=16),
    Column("offset", "节点后天数", ("天数", "days", "days after"), width=10),
), (("P-001", "HT-2026-001", "1280万", "2026-11-20", "预付款", "10%", "2026-12-10", "", ""),
    ("P-001", "HT-2026-001", "", "", "进度款", "30%", "", "主体结构封顶", 30)), 200)

PEOPLE = Kind("people", "人员", (
    Column("name", "姓名", ("name", "person"), required=True, width=12),
    Column("role", "角色", ("role",), required=True, width=12),
    Column("project", "项目编号", ("项目", "project", "project code", "范围"), width=12),
    Column("account", "平台账号", ("账号", "account", "identity"), width=22),
), (("陈经理", "项目经理", "P-001", ""), ("钱会计", "财务", "全公司", "")), 2000)

CUSTOMERS = Kind("customers", "客户与联系人", tuple(
    Column(key, header, required=key in customer_io.REQUIRED)
    for key, header in customer_io.COLUMNS.items()),
    (("星河置业有限公司", "开发商类", "A", "住宅、商业", "1000万", "5000万", "", "刘总", "总经理",
      "13800000000", "", "feishu"),), 5000)

KINDS = {kind.name: kind for kind in (PLAN, CONTRACT, PEOPLE, CUSTOMERS)}
ORG_WIDE = ("全公司", "公司", "org", "company", "*")


def header_map(kind: Kind, header: list[Any]) -> tuple[list[str | None], Problem | None]:
    """Each header cell's column key (None for a blank one), or the problem with the header."""
    if kind is CUSTOMERS:
        known = {k.lower(): v for k, v in customer_io._ALIASES.items()}
    else:
        known = {}
        for column in kind.columns:
            for word in (column.header, column.key, *column.aliases):
                known[word.lower()] = column.key
    keys: list[str | None] = []
    unknown: list[str] = []
    for cell in header:
        word = "" if cell is None else str(cell).strip()
        key = known.get(word.lower()) if word else None
        if word and key is None:
            unknown.append(word)
        keys.append(key)
    missing = [c.header for c in kind.columns if c.required and c.key not in keys]
    twice = sorted({k for k in keys if k and keys.count(k) > 1})
    if unknown or missing or twice:
        return keys, Problem(1, "imports.file.columns", {
            "unknown": "、".join(unknown) or "-", "missing": "、".join(missing) or "-",
            "twice": "、".join(next(c.header for c in kind.columns if c.key == k) for k in twice) or "-",
            "expected": "、".join(kind.headers())})
    return keys, None
