"""Customers and their contacts as a flat table (one row per contact; a customer without
contacts has one row with the contact columns empty), read from and written to CSV or Excel.

Import is all-or-nothing: every row is checked first, and any wrong column or bad row is
reported (row number, what is wrong) with nothing written. Importing an export changes nothing:
customers are matched by name and contacts by (customer, name)."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from domain.customers.service import GRADES, NAME_MAX
from domain.enums import CustomerType
from domain.errors import DomainError
from domain.finance.money import parse_money
from domain.store.models import Contact, Customer
from domain.store.uow import Tx

# column -> header as written (zh-CN); English headers are accepted on import.
COLUMNS = {"name": "客户名称", "type": "类型", "grade": "等级", "tags": "标签",
           "budget_min": "预算下限", "budget_max": "预算上限", "notes": "备注",
           "contact": "联系人", "title": "职务", "phone": "电话", "email": "邮箱",
           "channel": "偏好渠道", "wants_email": "邮件接收"}
_ALIASES = {v: k for k, v in COLUMNS.items()} | {k: k for k in COLUMNS} | {
    "customer": "name", "customer name": "name", "budget min": "budget_min",
    "budget max": "budget_max", "preferred channel": "channel", "contact name": "contact",
    "wants email": "wants_email", "e-mail digests": "wants_email"}
# 邮件接收: the contact also gets the daily digest and payment reminders by e-mail (handlers/chat/email.py).
_YES = {"是", "要", "接收", "yes", "y", "true", "1", "√", "✓"}
_NO = {"否", "不", "不要", "no", "n", "false", "0", ""}
_YES_WORD = "是"
REQUIRED = ("name", "type")
TYPE_LABELS = {CustomerType.GOVERNMENT: "政府类", CustomerType.DEVELOPER: "开发商类",
               CustomerType.THIRD_PARTY: "第三方机构类"}
_TYPES = {label: t for t, label in TYPE_LABELS.items()} | {t.value: t for t in CustomerType} | {
    "政府": CustomerType.GOVERNMENT, "开发商": CustomerType.DEVELOPER, "第三方": CustomerType.THIRD_PARTY}
_CUSTOMER_FIELDS = ("type", "grade", "tags", "budget_min", "budget_max", "notes")
MAX_ROWS = 10_000


@dataclass(frozen=True)
class RowError:
    row: int                      # as the spreadsheet numbers it (header = 1); 0: the file
    key: str                      # wording key, customer.io.*
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class CustomerRecord:
    name: str
    values: dict[str, Any]
    first_row: int
    contacts: dict[str, dict[str, Any]] = field(default_factory=dict)


class ImportRefused(DomainError):
    key = "customer.io.refused"

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(count=len(errors))
        self.errors = errors


def read_table(path: Path) -> list[list[str]]:
    """Rows of cells as text; the first row is the header."""
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook
        book = load_workbook(path, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = [["" if c is None else _cell(c) for c in row] for row in sheet.iter_rows(values_only=True)]
        book.close()
        return rows
    text = path.read_bytes().decode("utf-8-sig")   # Excel writes a BOM in UTF-8 CSV
    return [row for row in csv.reader(io.StringIO(text))]


def _cell(value: Any) -> str:
    if isinstance(value, float):   # openpyxl gives numbers typed in a cell as float
        return format(Decimal(repr(value)), "f")
    return str(value)


def parse_table(rows: list[list[str]]) -> tuple[list[CustomerRecord], list[RowError]]:
    if not rows:
        return [], [RowError(0, "customer.io.empty")]
    header = [h.strip().lower() if h else "" for h in rows[0]]
    columns = [_ALIASES.get(h) for h in header]
    unknown = [rows[0][i] for i, c in enumerate(columns) if c is None and header[i]]
    missing = [COLUMNS[c] for c in REQUIRED if c not in columns]
    if unknown or missing:
        return [], [RowError(1, "customer.io.columns", {"unknown": "、".join(unknown) or "-",
                                                        "missing": "、".join(missing) or "-",
                                                        "expected": "、".join(COLUMNS.values())})]
    if len(rows) - 1 > MAX_ROWS:
        return [], [RowError(0, "customer.io.too_many", {"limit": MAX_ROWS})]
    records: dict[str, CustomerRecord] = {}
    errors: list[RowError] = []
    for number, raw in enumerate(rows[1:], start=2):
        cells = {c: (raw[i].strip() if i < len(raw) and raw[i] else "")
                 for i, c in enumerate(columns) if c}
        if not any(cells.values()):
            continue   # blank lines are not errors
        known = records.get(cells.get("name", ""))
        if known is not None and not cells.get("type"):
            # A further contact of a customer already given may leave the customer columns empty.
            cells["type"] = TYPE_LABELS[known.values["type"]]
        try:
            name, values, contact = _row(cells)
        except _Bad as bad:
            errors.append(RowError(number, bad.key, bad.params))
            continue
        record = records.setdefault(name, CustomerRecord(name, values, number))
        for key in _CUSTOMER_FIELDS:
            if cells.get(key) and values[key] != record.values[key]:
                errors.append(RowError(number, "customer.io.disagrees",
                                       {"name": name, "column": COLUMNS[key], "row": record.first_row}))
                break
        if contact is not None:
            if contact["name"] in record.contacts:
                errors.append(RowError(number, "customer.io.duplicate_contact",
                                       {"name": contact["name"]}))
            record.contacts[contact["name"]] = contact
    return list(records.values()), errors


class _Bad(Exception):
    def __init__(self, key: str, **params: Any) -> None:
        self.key, self.params = key, params


def _money(text: str, column: str) -> Decimal | None:
    if not text:
        return None
    try:
        return parse_money(text)
    except DomainError:
        raise _Bad("customer.io.bad_money", column=COLUMNS[column], value=text) from None


def _row(cells: dict[str, str]) -> tuple[str, dict[str, Any], dict[str, Any] | None]:
    name = cells.get("name", "")
    if not name or len(name) > NAME_MAX:
        raise _Bad("customer.io.no_name")
    kind = _TYPES.get(cells.get("type", ""))
    if kind is None:
        raise _Bad("customer.io.bad_type", value=cells.get("type", ""))
    grade = (cells.get("grade") or "B").upper()
    if grade not in GRADES:
        raise _Bad("customer.io.bad_grade", value=cells.get("grade"))
    low, high = _money(cells.get("budget_min", ""), "budget_min"), _money(cells.get("budget_max", ""), "budget_max")
    if low is not None and high is not None and low > high:
        raise _Bad("customer.io.bad_budget")
    tags = tuple(t.strip() for t in cells.get("tags", "").replace(",", "、").replace("，", "、").split("、")
                 if t.strip())
    values = {"type": kind, "grade": grade, "tags": tags, "budget_min": low, "budget_max": high,
              "notes": cells.get("notes") or None}
    contact_cells = {k: cells.get(k, "") for k in ("contact", "title", "phone", "email", "channel", "wants_email")}
    if not any(contact_cells.values()):
        return name, values, None
    wants_email = _yes_no(cells.get("wants_email"), contact_cells["email"])
    if not contact_cells["contact"] or len(contact_cells["contact"]) > 100:
        raise _Bad("customer.io.no_contact")
    contact = {"name": contact_cells["contact"], "title": contact_cells["title"] or None,
               "phone": contact_cells["phone"] or None, "email": contact_cells["email"] or None,
               "channel": contact_cells["channel"] or None, "wants_email": wants_email}
    return name, values, contact


def _yes_no(text: str | None, email: str) -> bool | None:
    """None when the file has no 邮件接收 column (an older file leaves the choice as it was)."""
    if text is None:
        return None
    answer = text.strip().lower()
    if answer not in _YES | _NO:
        raise _Bad("customer.io.bad_wants_email", value=text)
    if answer in _YES and "@" not in email:
        raise _Bad("customer.io.email_needed")
    return answer in _YES


async def import_records(tx: Tx, records: list[CustomerRecord], now: datetime) -> dict[str, int]:
    """Write checked records: new customers created, existing ones updated, contacts matched
    by name. Returns counts."""
    counts = {"created": 0, "updated": 0, "contacts": 0}
    for record in records:
        v = record.values
        customer = await tx.customers.by_name(record.name)
        if customer is None:
            customer = Customer(name=record.name, created_at=now)
            tx.add(customer)
            counts["created"] += 1
        else:
            counts["updated"] += 1
        customer.type, customer.grade, customer.tags = v["type"].value, v["grade"], list(v["tags"])
        customer.budget_min, customer.budget_max, customer.notes = v["budget_min"], v["budget_max"], v["notes"]
        await tx.flush()
        existing = {c.name: c for c in await tx.customers.contacts_of(customer.id)}
        for name, data in record.contacts.items():
            contact = existing.get(name)
            if contact is None:
                contact = Contact(customer_id=customer.id, name=name, wants_digest=False)
                tx.add(contact)
            contact.title, contact.phone, contact.email = data["title"], data["phone"], data["email"]
            contact.preferred_channel = data["channel"]
            if data["wants_email"] is not None:
                contact.wants_email = data["wants_email"]
            counts["contacts"] += 1
    tx.audit.append(at=now, actor_id=None, platform=None, action="customer.import",
                    subject_type="customer", subject_id="*", data=counts)
    return counts


async def import_file(tx: Tx, path: Path, now: datetime) -> dict[str, int]:
    """Check the whole file, then write it all; ImportRefused (nothing written) otherwise."""
    records, errors = parse_table(read_table(path))
    if errors:
        raise ImportRefused(errors)
    return await import_records(tx, records, now)


async def export_rows(tx: Tx) -> list[list[str]]:
    rows = [list(COLUMNS.values())]
    contacts: dict[int, list[Contact]] = {}
    for contact in await tx.customers.all_contacts():
        contacts.setdefault(contact.customer_id, []).append(contact)
    for customer in await tx.customers.all():
        base = [customer.name, TYPE_LABELS[CustomerType(customer.type)], customer.grade,
                "、".join(customer.tags or ()),
                "" if customer.budget_min is None else f"{customer.budget_min:.2f}",
                "" if customer.budget_max is None else f"{customer.budget_max:.2f}",
                customer.notes or ""]
        for contact in contacts.get(customer.id) or [None]:
            rows.append(base + (["", "", "", "", "", ""] if contact is None else [
                contact.name, contact.title or "", contact.phone or "", contact.email or "",
                contact.preferred_channel or "", _YES_WORD if contact.wants_email else ""]))
    return rows


def write_table(rows: list[list[str]], path: Path, fmt: str) -> None:
    if fmt == "xlsx":
        from openpyxl import Workbook
        book = Workbook()
        sheet = book.active
        sheet.title = "客户与联系人"
        for row in rows:
            sheet.append(row)   # all text: a phone or an amount is never turned into a float
        book.save(path)
        return
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
