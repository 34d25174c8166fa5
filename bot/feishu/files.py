"""Files on Feishu: sending one (upload to im/v1/files, then a `file` message with its
file_key), fetching the file of a received `file` message (the message resource API,
type=file), and transcribing a received `audio` message: its Ogg/Opus clip fetched the same
way, decoded to 16 kHz 16-bit mono PCM (bot/audio.py) and sent to Feishu's speech-to-text API,
which takes clips of up to a minute."""
from __future__ import annotations

import asyncio
import hashlib
import json

from bot.audio import to_pcm16k
from bot.delivery.ports import PermanentError, Sent
from bot.feishu.api import FeishuApi
from bot.inbound_files import FileTooLarge
from domain.imports.workbook import MAX_FILE_BYTES
from handlers.chat.contract import Attachment, File

# Feishu's upload takes xls for spreadsheets (its list: opus, mp4, pdf, doc, xls, ppt, stream).
FILE_TYPES = {".xls": "xls", ".xlsx": "xls", ".pdf": "pdf", ".doc": "doc", ".docx": "doc"}
TOO_LARGE_CODES = {234037}   # "the file to download is over the size limit"


def file_content(file_key: str) -> str:
    return json.dumps({"file_key": file_key})


async def send_file(api: FeishuApi, id_type: str, receive_id: str, file: File, uuid: str,
                    reply_to: str | None) -> Sent:
    suffix = "." + file.name.rsplit(".", 1)[-1].lower() if "." in file.name else ""
    key = await api.upload_file(file.name, file.data, FILE_TYPES.get(suffix, "stream"))
    if reply_to:
        try:
            return Sent(await api.reply(reply_to, "file", file_content(key), uuid))
        except PermanentError:   # recalled or too old to quote: send it plainly
            pass
    return Sent(await api.send(id_type, receive_id, "file", file_content(key), uuid))


async def fetch_file(api: FeishuApi, attachment: Attachment) -> tuple[bytes, str | None]:
    """The file of a received message ("om_…/file_…"); the message names the file itself."""
    message_id, _, key = (attachment.ref or "").partition("/")
    if not message_id.startswith("om_") or not key:
        raise PermanentError(f"feishu: not a message resource: {attachment.ref!r}")
    try:
        data, _ = await api.download(message_id, key, "file")
    except PermanentError as error:
        if any(f"code {code}" in str(error) for code in TOO_LARGE_CODES):
            raise FileTooLarge(str(error)) from None
        raise
    if len(data) > MAX_FILE_BYTES:
        raise FileTooLarge(f"feishu: {len(data)} bytes")
    return data, None


SPEECH_SECONDS = 60.0   # what file_recognize takes


async def transcribe(api: FeishuApi, attachment: Attachment) -> str:
    """The words of an audio message ("om_…/file_…"); "" when Feishu heard none. Raises
    bot.audio.TooLong / NotAudio (ValueError) or the API's delivery errors."""
    message_id, _, key = (attachment.ref or "").partition("/")
    if not message_id.startswith("om_") or not key:
        raise PermanentError(f"feishu: not a message resource: {attachment.ref!r}")
    data, _ = await api.download(message_id, key, "file")
    pcm = await asyncio.to_thread(to_pcm16k, data, SPEECH_SECONDS)
    if not pcm:
        return ""
    # file_id: 16 of [A-Za-z0-9_], ours to choose; the same clip gets the same one.
    file_id = hashlib.sha256(attachment.ref.encode()).hexdigest()[:16]
    return await api.recognize(pcm, file_id)
