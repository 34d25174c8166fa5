"""Spreadsheets sent as file messages, fetched before the handler runs (like photos: the
platform's key expires, and no handler waits on the network inside its transaction).

Only what may be an import is fetched: a file named .xlsx, or one whose name the platform does
not give (WeCom). Each is kept in the FileStore and its attachment's ref becomes our
`/media/files/…` ref; when it cannot be had, the ref says why — `error:too_large` or
`error:unavailable` (expired, refused, timed out) — so the chat can tell the sender."""
from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import Awaitable, Callable

from bot.delivery.ports import DeliveryError, PermanentError
from bot.files_store import PREFIX, FileStore
from domain.imports.workbook import MAX_FILE_BYTES
from handlers.chat.contract import Attachment, Message

log = logging.getLogger(__name__)

# attachment -> (bytes, the file's name when the platform tells it only with the download)
FileFetcher = Callable[[Attachment], Awaitable[tuple[bytes, str | None]]]
FILE_SECONDS = 15.0
TOO_LARGE, UNAVAILABLE = "error:too_large", "error:unavailable"


class FileTooLarge(PermanentError):
    """The platform (or the size it announced) says the file is over what we take."""


def may_be_sheet(attachment: Attachment) -> bool:
    name = (attachment.name or "").lower()
    return (attachment.kind == "file" and bool(attachment.ref) and not attachment.ref.startswith((PREFIX, "error:"))
            and (not name or name.endswith(".xlsx")))


async def keep_files(message: Message, fetch: FileFetcher, store: FileStore,
                     seen: Callable[[str, str], Awaitable[bool]]) -> Message:
    wanted = [a for a in message.attachments if may_be_sheet(a)]
    if not wanted or await seen(message.platform, message.event_id):
        return message
    kept = []
    for attachment in message.attachments:
        if attachment in wanted:
            attachment = await _keep(message, attachment, fetch, store)
        kept.append(attachment)
    return dataclasses.replace(message, attachments=tuple(kept))


async def _keep(message: Message, attachment: Attachment, fetch: FileFetcher, store: FileStore) -> Attachment:
    try:
        data, name = await asyncio.wait_for(fetch(attachment), FILE_SECONDS)
    except FileTooLarge as error:
        log.info("%s file %s refused: %s", message.platform, attachment.ref, error)
        return dataclasses.replace(attachment, ref=TOO_LARGE)
    except (DeliveryError, asyncio.TimeoutError) as error:
        log.warning("%s file %s not fetched: %s", message.platform, attachment.ref, error)
        return dataclasses.replace(attachment, ref=UNAVAILABLE)
    if len(data) > MAX_FILE_BYTES:
        return dataclasses.replace(attachment, ref=TOO_LARGE)
    return dataclasses.replace(attachment, ref=store.keep(data), name=attachment.name or name or "file.xlsx")
