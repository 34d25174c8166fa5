"""Feishu's speech-to-text API (speech_to_text/v1/speech/file_recognize), as the fake open
platform answers it: the documented request (speech.speech: base64 PCM; config.file_id: 16 of
[A-Za-z0-9_]; format "pcm"; engine_type "16k_auto"), a clip of at most a minute, and
{"code": 0, "data": {"recognition_text": …}}.

A fake cannot hear, so a test says what a tone "says" (`hears(hz, text)`): the fake measures
the PCM's pitch by its zero crossings, which only comes out right for 16 kHz 16-bit mono PCM
— a clip sent at another rate, width or channel count is heard as nothing. Silence or an
unknown pitch is recognised as "" (Feishu answers an empty text for noise). Errors: a request
against the documented shape gets HTTP 400 with 99992402 (Feishu's "field validation failed");
the docs list no code of their own for a clip over a minute, so that gets the same; a test can
script any other answer (e.g. 99991672, the app lacks the speech_to_text:speech scope) with
`fail_next("speech", (status, code, msg))`."""
from __future__ import annotations

import base64
import binascii
import re
from array import array
from typing import Any

from aiohttp import web

from tests.platforms.fake_base import endpoint

FILE_ID = re.compile(r"^[A-Za-z0-9_]{16}$")
BYTES_PER_SECOND = 16_000 * 2


def pitch(pcm: bytes) -> float:
    """The tone's frequency if this is 16 kHz 16-bit mono PCM (0.0 for silence)."""
    samples = array("h", pcm[: len(pcm) // 2 * 2])
    if not samples or max(abs(s) for s in samples[::50]) < 500:
        return 0.0
    crossings = sum(1 for a, b in zip(samples, samples[1:]) if (a < 0) != (b < 0))
    return crossings / (len(samples) / 16_000) / 2


class SpeechToText:
    """Mixed into FakeFeishu. `speech_calls`: (file_id, seconds of PCM) of each request taken."""

    def hears(self, hz: float, text: str) -> None:
        self.__dict__.setdefault("tones", {})[hz] = text

    @endpoint("POST", "/open-apis/speech_to_text/v1/speech/file_recognize")
    async def file_recognize(self, request: web.Request) -> web.Response:
        scripted = self.scripted("speech")   # type: ignore[attr-defined]
        if scripted is not None:
            status, code, msg = scripted
            return web.json_response({"code": code, "msg": msg}, status=status)
        body = await request.json()
        speech, config = body.get("speech") or {}, body.get("config") or {}
        try:
            pcm = base64.b64decode(speech.get("speech") or "", validate=True)
        except (binascii.Error, ValueError):
            return _invalid("speech.speech")
        if not FILE_ID.match(str(config.get("file_id") or "")):
            return _invalid("config.file_id")
        if config.get("format") != "pcm" or config.get("engine_type") != "16k_auto":
            return _invalid("config.format / engine_type")
        if not pcm or len(pcm) % 2 or len(pcm) > 60 * BYTES_PER_SECOND:
            return _invalid("speech.speech")
        self.__dict__.setdefault("speech_calls", []).append((config["file_id"], len(pcm) / BYTES_PER_SECOND))
        heard = pitch(pcm)
        tones: dict[float, str] = self.__dict__.get("tones", {})
        text = next((t for hz, t in tones.items() if heard and abs(heard - hz) < hz * 0.03), "")
        return web.json_response({"code": 0, "msg": "success", "data": {"recognition_text": text}})


def _invalid(field: str) -> web.Response:
    body: dict[str, Any] = {"code": 99992402, "msg": "field validation failed",
                            "error": {"field_violations": [{"field": field}]}}
    return web.json_response(body, status=400)
