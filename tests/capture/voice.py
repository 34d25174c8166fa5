"""Voice clips as the platforms carry them, made here: a tone of `hz` for `seconds`, encoded as
Ogg/Opus at 48 kHz (what Feishu's audio messages are) with PyAV. The fake speech API is told
what each tone "says" (tests/platforms/feishu/fake_speech.py)."""
from __future__ import annotations

import io
import math
import uuid
from array import array

from tests.platforms.feishu.driver import message_event

RATE = 48_000
FRAME = 960   # 20 ms at 48 kHz, an Opus frame


def opus_clip(hz: float, seconds: float, *, volume: float = 0.5) -> bytes:
    import av

    buffer = io.BytesIO()
    with av.open(buffer, "w", format="ogg") as out:
        stream = out.add_stream("libopus", rate=RATE, layout="mono")
        total = int(seconds * RATE)
        for start in range(0, total, FRAME):
            count = min(FRAME, total - start)
            samples = array("h", (int(volume * 32767 * math.sin(2 * math.pi * hz * (start + i) / RATE))
                                  for i in range(count)))
            frame = av.AudioFrame(format="s16", layout="mono", samples=count)
            frame.planes[0].update(samples.tobytes() + b"\0" * (frame.planes[0].buffer_size - count * 2))
            frame.sample_rate, frame.pts = RATE, start
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buffer.getvalue()


async def send_voice(feishu, sender: str, chat: str, clip: bytes, *, chat_type: str = "group",  # noqa: ANN001
                     seconds: float = 3.0) -> str:
    """An audio message as Feishu pushes it; its file is on the fake open platform."""
    message_id = f"om_voice_{uuid.uuid4().hex[:8]}"
    file_key = f"file_v3_voice_{uuid.uuid4().hex[:8]}"
    event = message_event(sender, chat, {"file_key": file_key, "duration": int(seconds * 1000)},
                          message_type="audio", message_id=message_id, chat_type=chat_type)
    feishu.fake.receive(message_id, chat, sender)
    feishu.fake.resources[(message_id, file_key)] = (clip, "application/octet-stream")
    assert (await feishu.post(event)).status == 200
    await feishu.deliver()
    return message_id
