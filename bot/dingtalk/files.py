"""Files on DingTalk: sending one (upload it with the server API's media/upload?type=file, then
a robot message of msgKey `sampleFile` with its mediaId, to the group or to people) and
fetching the file of a received robot `file` message (its downloadCode, through
robot/messageFiles/download). A sessionWebhook cannot carry a file, so files always go
through the OpenAPI."""
from __future__ import annotations

import json

import aiohttp

from bot.delivery.ports import Sent, TransientError
from bot.dingtalk.api import TIMEOUT, DingTalkApi, DingTalkApiError
from bot.dingtalk.config import DingTalkConfig
from bot.inbound_files import FileTooLarge
from domain.imports.workbook import MAX_FILE_BYTES
from handlers.chat.contract import Attachment, File

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def upload(api: DingTalkApi, config: DingTalkConfig, file: File) -> str:
    """media/upload?type=file: the file's media_id ("@lA…")."""
    form = aiohttp.FormData(quote_fields=False)
    form.add_field("media", file.data, filename=file.name, content_type=XLSX)
    token = await api.token()
    try:
        async with api.session.post(f"{config.oapi_url}/media/upload", timeout=TIMEOUT, data=form,
                                    params={"access_token": token, "type": "file"}) as response:
            status, raw = response.status, await response.read()
    except aiohttp.ClientError as error:
        raise TransientError(f"dingtalk media/upload: {type(error).__name__}: {error}") from None
    try:
        body = json.loads(raw)
    except ValueError:
        raise TransientError(f"dingtalk media/upload: HTTP {status}, answer is not JSON") from None
    code = int(body.get("errcode", 0) or 0)
    if status >= 500 or code == -1:
        raise TransientError(f"dingtalk media/upload: HTTP {status} errcode {code}")
    if code != 0 or not body.get("media_id"):
        raise DingTalkApiError(str(code), f"media/upload: {body.get('errmsg', '')}")
    return str(body["media_id"])


async def send_file(api: DingTalkApi, config: DingTalkConfig, user: str | None, chat: str,
                    file: File) -> Sent:
    """To `user` (a one-to-one chat with the robot) or, when None, to the group `chat`."""
    media_id = await upload(api, config, file)
    suffix = file.name.rsplit(".", 1)[-1].lower() if "." in file.name else "xlsx"
    param = json.dumps({"mediaId": media_id, "fileName": file.name, "fileType": suffix}, ensure_ascii=False)
    if user is None:
        key = await api.send_group(chat, "sampleFile", param)
    else:
        key = await api.send_users([user], "sampleFile", param)
    return Sent(key or "file:" + media_id)


async def fetch_file(api: DingTalkApi, attachment: Attachment) -> tuple[bytes, str | None]:
    """The file of a received message (its downloadCode); the message names the file."""
    data, _ = await api.download(attachment.ref or "")
    if len(data) > MAX_FILE_BYTES:
        raise FileTooLarge(f"dingtalk: over {MAX_FILE_BYTES} bytes")
    return data, None
