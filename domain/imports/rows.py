"""A sheet's rows -> typed records, pure (no database): each row either reads or gets one
problem naming its row and what is wrong with which cell. Whether a person, customer,
milestone or project exists is for apply.py, which asks the database."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Callable, Collection

from domain.customers import io as customer_io
from domain.enums import PaymentKind, Role
from domain.imports import cells
from domain.imports.schema import CONTRACT, CUSTOMERS, KINDS, ORG_WIDE, PEOPLE, PLAN, Kind, header_map
from domain.imports.workbook import Problem, Sheet

RoleWord = Callable[[str], Role | None]
_PAYMENT_KINDS = (("预付", PaymentKind.ADVANCE), ("进度", PaymentKind.PROGRESS),
                  ("结算", PaymentKind.SETTLEMENT), ("质保", PaymentKind.RETENTION),
                  ("advance", PaymentKind.ADVANCE), ("settlement", PaymentKind.SETTLEMENT),
                  ("retention", PaymentKind.RETENTION))


@dataclass(frozen=True)
class PlanRow:
    row: int
    project: str | None
    name: str
    start: date | None
    end: date | None
    weight: int | None


@dataclass(frozen=True)
class PaymentRow:
    name: str
    kind: PaymentKind
    amount: Decimal | None
    percent: Decimal | None
    due: date | None
    trigger: str | None
    offset: int


@dataclass(frozen=True)
class ContractRow:
    row: int
    project: str | None
    number: str
    value: Decimal | None
    signed: date | None
    payment: PaymentRow | None


@dataclass(frozen=True)
class PersonRow:
    row: int
    name: str
    role: Role
    project: str | None       # None: the import's project; "*": org-wide
    account: str | None       # "platform:user_id", to add someone sitebot has not met yet


@dataclass
class Parsed:
    kind: Kind | None
    records: list[Any]
    problems: list[Problem]


def parse(kind_name: str, sheet: Sheet, role_word: RoleWord, *, platforms: Collection[str]) -> Parsed:
    """`platforms`: the names an account (`wecom:ZhangSan`) may start with, as the composition
    root knows them (bot/platforms.py), not a list of our own here."""
    kind = KINDS[kind_name]
    keys, problem = header_map(kind, sheet.rows[0])
    if problem is not None:
        return Parsed(kind, [], [problem])
    if kind is CUSTOMERS:
        return _customers(sheet, keys)
    records, problems = [], []
    for number, raw in enumerate(sheet.rows[1:], start=2):
        values = {k: raw[i] if i < len(raw) else None for i, k in enumerate(keys) if k}
        if all(cells.text(v) == "" for v in values.values()):
            continue   # a blank line is not a mistake
        try:
            records.append(_READERS[kind.name](number, values, role_word, platforms))
        except cells.BadCell as bad:
            problems.append(Problem(number, bad.key, bad.params))
    if not records and not problems:
        problems.append(Problem(0, "imports.file.no_rows"))
    return Parsed(kind, records, problems)


def _required(values: dict[str, Any], key: str, kind: Kind, limit: int = 100) -> str:
    value = cells.text(values.get(key))
    header = next(c.header for c in kind.columns if c.key == key)
    if not value:
        raise cells.BadCell("imports.cell.missing", column=header)
    if len(value) > limit:
        raise cells.BadCell("imports.cell.too_long", column=header, limit=limit)
    return value


def _project(values: dict[str, Any]) -> str | None:
    code = cells.text(values.get("project")).upper().replace(" ", "")
    if not code:
        return None
    digits = code[1:].lstrip("-")
    if not (code.startswith("P") and digits.isdigit()):
        raise cells.BadCell("imports.cell.bad_project", value=code[:20])
    return f"P-{int(digits):03d}"


def _plan(row: int, values: dict[str, Any], role_word: RoleWord, platforms: Collection[str]) -> PlanRow:
    name = _required(values, "name", PLAN)
    start, end = cells.day(values.get("start"), "计划开始"), cells.day(values.get("end"), "计划完成")
    if start and end and end < start:
        raise cells.BadCell("imports.cell.end_before_start", start=start.isoformat(), end=end.isoformat())
    return PlanRow(row, _project(values), name, start, end, cells.whole(values.get("weight"), "权重", 0, 100))


def _contract(row: int, values: dict[str, Any], role_word: RoleWord,
              platforms: Collection[str]) -> ContractRow:
    number = _required(values, "number", CONTRACT, 50)
    value = cells.money(values.get("value"), "合同金额")
    signed = cells.day(values.get("signed"), "签订日期")
    name = cells.text(values.get("payment"))
    payment = None
    rest = [cells.text(values.get(k)) for k in ("share", "due", "trigger", "offset")]
    if name or any(rest):
        if not name:
            raise cells.BadCell("imports.cell.missing", column="付款节点")
        amount, percent = cells.amount_or_share(values.get("share"), "金额或比例")
        if amount is None and percent is None:
            raise cells.BadCell("imports.cell.missing", column="金额或比例")
        due, trigger = cells.day(values.get("due"), "付款日期"), cells.text(values.get("trigger")) or None
        if (due is None) == (trigger is None):
            raise cells.BadCell("imports.cell.due_or_trigger")
        offset = cells.whole(values.get("offset"), "节点后天数", 0, 3650) or 0
        kind = next((k for word, k in _PAYMENT_KINDS if word in name.lower()), PaymentKind.PROGRESS)
        payment = PaymentRow(name[:100], kind, amount, percent, due, trigger, offset)
    return ContractRow(row, _project(values), number, value, signed, payment)


def _person(row: int, values: dict[str, Any], role_word: RoleWord, platforms: Collection[str]) -> PersonRow:
    name = _required(values, "name", PEOPLE)
    word = _required(values, "role", PEOPLE, 20)
    role = role_word(word)
    if role is None:
        raise cells.BadCell("imports.cell.bad_role", value=word)
    scope = cells.text(values.get("project"))
    project = "*" if scope.lower() in ORG_WIDE else _project(values)
    account = cells.text(values.get("account")) or None
    if account is not None:
        platform, _, user = account.partition(":")
        if platform not in platforms or not user or len(user) > 128:
            raise cells.BadCell("imports.cell.bad_account", value=account[:40])
    return PersonRow(row, name, role, project, account)


_READERS = {"plan": _plan, "contract": _contract, "people": _person}


def _customers(sheet: Sheet, keys: list[str | None]) -> Parsed:
    """The customer table's own reader (domain/customers/io.py), on the cells as text."""
    header = [customer_io.COLUMNS[k] if k else "" for k in keys]
    table = [header] + [[cells.text(v) for v in row] for row in sheet.rows[1:]]
    records, errors = customer_io.parse_table(table)
    problems = [Problem(e.row, e.key, e.params) for e in errors]
    if not records and not problems:
        problems.append(Problem(0, "imports.file.no_rows"))
    return Parsed(CUSTOMERS, records, problems)



def read(data: bytes, role_word: RoleWord, kind_name: str | None = None, *,
         platforms: Collection[str]) -> Parsed:
    """The file's records and problems. `kind_name` None: told by the data sheet's title or,
    failing that, by which sheet's header it has (`kind` stays None when neither tells; the
    problem then says so). A file that cannot be read at all gives only the problems that
    say why."""
    from domain.imports.workbook import Unreadable, read_first_sheet
    def limit(title: str) -> int:
        named = KINDS.get(kind_name or "") or next((k for k in KINDS.values() if k.sheet == title), None)
        return named.max_rows if named else max(k.max_rows for k in KINDS.values())
    try:
        sheet = read_first_sheet(data, limit)
    except Unreadable as unreadable:
        return Parsed(KINDS.get(kind_name or ""), [], unreadable.problems)
    kind_name = kind_name or detect(sheet)
    if kind_name is None:
        return Parsed(None, [], [Problem(0, "imports.file.unknown_kind")])
    if len(sheet.rows) - 1 > KINDS[kind_name].max_rows:
        return Parsed(KINDS[kind_name], [], [Problem(0, "imports.file.too_many_rows",
                                                     {"limit": KINDS[kind_name].max_rows})])
    return parse(kind_name, sheet, role_word, platforms=platforms)


def detect(sheet: Sheet) -> str | None:
    titled = [k.name for k in KINDS.values() if k.sheet == sheet.title.strip()]
    if titled:
        return titled[0]
    fitting = [k.name for k in KINDS.values() if header_map(k, sheet.rows[0])[1] is None]
    return fitting[0] if len(fitting) == 1 else None
