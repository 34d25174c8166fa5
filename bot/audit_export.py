"""`sitebot audit export`: the append-only audit log as CSV (UTF-8 with BOM, so Excel shows the
Chinese) or as an .xlsx workbook. Read page by page, so a long log is not held in memory twice."""
from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any, AsyncIterator
from zoneinfo import ZoneInfo

from domain.store.uow import Store

COLUMNS = ["id", "at", "actor", "actor_id", "platform", "action", "subject_type", "subject_id",
           "decision", "reason", "message_ref", "data"]


async def audit_rows(store: Store, tz: ZoneInfo) -> AsyncIterator[list[Any]]:
    after = 0
    while True:
        async with store.transaction() as tx:
            page = await tx.audit.page(after)
        if not page:
            return
        for entry, actor in page:
            data = entry.data or {}
            yield [entry.id, entry.at.astimezone(tz).isoformat(timespec="seconds"), actor or "",
                   entry.actor_id or "", entry.platform or "", entry.action, entry.subject_type,
                   entry.subject_id, data.get("decision") or "", data.get("reason") or "",
                   entry.message_ref or "", json.dumps(data, ensure_ascii=False, sort_keys=True)]
        after = page[-1][0].id


async def export_audit(store: Store, tz: ZoneInfo, fmt: str, out: Path | None) -> int:
    """Write the log; returns how many entries. CSV goes to stdout without --out."""
    if fmt == "xlsx":
        return await _xlsx(store, tz, out or Path("audit.xlsx"))
    count = 0
    handle = open(out, "w", encoding="utf-8-sig", newline="") if out else None
    stream = handle or io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="",
                                        write_through=True)
    try:
        writer = csv.writer(stream)
        writer.writerow(COLUMNS)
        async for row in audit_rows(store, tz):
            writer.writerow(row)
            count += 1
    finally:
        if handle:
            handle.close()
        else:
            stream.detach()
    return count


async def _xlsx(store: Store, tz: ZoneInfo, out: Path) -> int:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("audit")
    sheet.append(COLUMNS)
    count = 0
    async for row in audit_rows(store, tz):
        sheet.append(row)
        count += 1
    book.save(out)
    return count
