"""Voice messages transcribed before the handler runs (like photos and files: the platform's
key expires, and no handler waits on the network inside its transaction).

An edge whose platform can transcribe gives a `Transcriber`; each voice attachment it has not
settled yet (its ref still the platform's key) is turned into text here. The message's text
becomes the transcript and the attachment's ref says how it went (handlers/capture/voice.py:
HEARD, or UNHEARD when the clip could not be transcribed — too long, silence, an API error, no
answer in time)."""
from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import Awaitable, Callable

from bot.delivery.ports import DeliveryError
from handlers.capture.voice import HEARD, NO_RECOGNITION, UNHEARD, VOICE
from handlers.chat.contract import Attachment, Message

log = logging.getLogger(__name__)

# attachment -> the transcript ("" when nothing was heard); raises DeliveryError when the
# platform refused or failed, ValueError when the clip is no usable audio.
Transcriber = Callable[[Attachment], Awaitable[str]]
VOICE_SECONDS = 20.0   # download + convert + recognise one clip of up to a minute


def pending(attachment: Attachment) -> bool:
    return attachment.kind == VOICE and attachment.ref not in (None, HEARD, UNHEARD, NO_RECOGNITION)


async def transcribe_voice(message: Message, transcribe: Transcriber,
                           seen: Callable[[str, str], Awaitable[bool]]) -> Message:
    voice = next((a for a in message.attachments if pending(a)), None)
    if voice is None or await seen(message.platform, message.event_id):
        return message
    text = ""
    try:
        text = (await asyncio.wait_for(transcribe(voice), VOICE_SECONDS)).strip()
    except (DeliveryError, ValueError, asyncio.TimeoutError) as error:
        log.warning("%s voice %s not transcribed: %s: %s", message.platform, voice.ref,
                    type(error).__name__, error)
    settled = dataclasses.replace(voice, ref=HEARD if text else UNHEARD)
    attachments = tuple(settled if a is voice else a for a in message.attachments)
    log.info("%s voice message %s: %s", message.platform, message.event_id,
             f"{len(text)} characters heard" if text else "nothing heard")
    return dataclasses.replace(message, text=text or message.text, attachments=attachments)
