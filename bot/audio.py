"""A voice clip as a speech API takes it: raw PCM, 16 kHz, 16-bit little-endian, mono.

Feishu's audio messages are Ogg/Opus; PyAV (FFmpeg's libraries, shipped in its wheel) decodes
them, or any other container FFmpeg reads, and resamples. It is imported on first use only,
and the work runs off the event loop (`asyncio.to_thread` in the caller): a minute of audio
takes tens of milliseconds of CPU."""
from __future__ import annotations

import io

RATE = 16_000                  # samples a second
BYTES_PER_SECOND = RATE * 2    # 16-bit mono


class NotAudio(ValueError):
    """The bytes are no audio FFmpeg can decode."""


class TooLong(ValueError):
    """Longer than the speech API takes."""


def to_pcm16k(data: bytes, max_seconds: float) -> bytes:
    """The clip as 16 kHz 16-bit mono PCM; TooLong past `max_seconds` (decoding stops there)."""
    import av   # FFmpeg's libraries: loaded only when a voice message comes

    limit = int(max_seconds * BYTES_PER_SECOND)
    out = bytearray()
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            if not container.streams.audio:
                raise NotAudio("no audio stream")
            resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
            for frame in container.decode(container.streams.audio[0]):
                for chunk in resampler.resample(frame):
                    out += _samples(chunk)
                if len(out) > limit:
                    raise TooLong(f"over {max_seconds:g} s")
            for chunk in resampler.resample(None):   # what the resampler still holds
                out += _samples(chunk)
    except av.FFmpegError as error:
        raise NotAudio(str(error)) from None
    if len(out) > limit:
        raise TooLong(f"over {max_seconds:g} s")
    return bytes(out)


def _samples(frame: "object") -> bytes:
    # A plane's buffer may be padded past its samples (FFmpeg aligns it).
    return bytes(frame.planes[0])[: frame.samples * 2]   # type: ignore[attr-defined]
