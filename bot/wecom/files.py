"""Files on WeCom: sending one (media/upload?type=file, then a `file` message: message/send to
a member, appchat/send to a project group) and fetching the file of a received `file`
message (its MediaId, through media/get; WeCom names the file in the download's
Content-Disposition, the message does not always). A MediaId lives three days: after that
media/get answers 40007 and the sender is asked to send the file again."""
from __future__ import annotations

import re
from urllib.parse import unquote

import aiohttp

from bot.delivery.ports import PermanentError, Sent, TransientError
from bot.http_body import read_capped
from bot.inbound_files import FileTooLarge
from bot.wecom.api import TIMEOUT, WeComApi, WeComApiError, raise_for
from domain.imports.workbook import MAX_FILE_BYTES
from handlers.chat.contract import Attachment, File

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FILENAME = re.compile(r"""filename\*?=(?:UTF-8'')?"?([^";]+)"?""", re.IGNORECASE)


def file_message(media_id: str) -> dict:
    return {"msgtype": "file", "file": {"media_id": media_id}}


async def upload(api: WeComApi, file: File) -> str:
    """media/upload?type=file; its media_id (valid 3 days). The name goes as UTF-8 in the
    part's filename, as WeCom's own samples send it (not percent-encoded: WeCom would show
    the %XX as the name)."""
    def form() -> aiohttp.FormData:
        fields = aiohttp.FormData(quote_fields=False)
        fields.add_field("media", file.data, filename=file.name, content_type=XLSX)
        return fields
    body = await api.call("POST", "media/upload", params={"type": "file"}, form=form)
    return str(body["media_id"])


async def send_file(api: WeComApi, user: str | None, chat: str, file: File) -> Sent:
    """To `user` (one member) or, when None, to the appchat group `chat`."""
    media_id = await upload(api, file)
    if user is not None:
        answer = await api.send_message({"touser": user, **file_message(media_id)})
        return Sent(str(answer.get("msgid") or media_id))
    try:
        answer = await api.appchat_send(chat, file_message(media_id))
    except WeComApiError as error:
        raise PermanentError(f"appchat {chat}: {error}") from None
    return Sent(str(answer.get("msgid") or media_id))


async def fetch_file(api: WeComApi, attachment: Attachment) -> tuple[bytes, str | None]:
    """media/get for the message's MediaId: (bytes, the name WeCom gives the file)."""
    for attempt in (1, 2):
        token = await api.token()
        try:
            async with api.session.get(api.url("media/get"), timeout=TIMEOUT, params={
                    "media_id": attachment.ref or "", "access_token": token}) as response:
                if response.status >= 500:
                    raise TransientError(f"wecom media/get HTTP {response.status}")
                if (response.content_length or 0) > MAX_FILE_BYTES:
                    raise FileTooLarge(f"wecom media/get: {response.content_length} bytes")
                data = await read_capped(response.content, MAX_FILE_BYTES)
                kind, disposition = response.content_type, response.headers.get("Content-Disposition", "")
        except aiohttp.ClientError as error:
            raise TransientError(f"wecom media/get: {type(error).__name__}: {error}") from None
        if kind in ("application/json", "text/plain"):   # an error answer, not the file
            body = await _json(data)
            if int(body.get("errcode", 0)) in (40014, 42001) and attempt == 1:
                api._forget(token)
                continue
            raise_for(int(body.get("errcode", 0)), str(body.get("errmsg", "")))
            raise PermanentError("wecom media/get returned JSON without an error")
        if len(data) > MAX_FILE_BYTES:
            raise FileTooLarge(f"wecom media/get: over {MAX_FILE_BYTES} bytes")
        found = _FILENAME.search(disposition)
        return data, unquote(found.group(1)) if found else None
    raise AssertionError("unreachable")


async def _json(data: bytes) -> dict:
    import json
    try:
        body = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise TransientError("wecom media/get: answer is not JSON") from None
    return body if isinstance(body, dict) else {}
