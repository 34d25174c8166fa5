"""Spreadsheets on the console: the page uploads a file first (kept like a platform's file
message, in the FileStore) and the message that carries it refers to the returned ref."""
from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from aiohttp import web

from bot import keys
from bot.files_store import FileStore, file_id
from domain.imports.workbook import MAX_FILE_BYTES
from handlers.chat.contract import Attachment

SHEET_TYPES = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "application/octet-stream", "application/zip", "")


def is_sheet(item: Any) -> bool:
    name = unquote(str(getattr(item, "filename", "") or "")).lower()
    kind = (getattr(item, "content_type", "") or "").split(";")[0].strip().lower()
    return name.endswith(".xlsx") and kind in SHEET_TYPES


def keep_upload(app: web.Application, item: Any) -> dict[str, str]:
    data = item.file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_FILE_BYTES, actual_size=len(data))
    ref = FileStore.under(app[keys.MEDIA].root).keep(data)
    # Browsers send the name as typed; some clients percent-encode it (RFC 5987).
    return {"ref": ref, "name": unquote(str(item.filename))[:200], "kind": "file"}


def file_attachment(item: dict[str, Any]) -> Attachment | None:
    """An uploaded spreadsheet the message refers to, or None when the item is not one."""
    ref, name = item.get("ref"), item.get("name")
    if item.get("kind") != "file" or not isinstance(ref, str) or file_id(ref) is None:
        return None
    return Attachment("file", ref=ref, name=name[:200] if isinstance(name, str) else None)
