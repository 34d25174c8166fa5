"""Reading an HTTP body (a download's or a request's) up to a size limit.

aiohttp's `StreamReader.read(n)` returns what has arrived, up to n bytes — not n bytes — so a
single call cut any body longer than one network chunk short (a photo that would not decode,
a callback that was not JSON). This reads to the end, or to just past the limit so the caller
can tell an over-large body from one exactly at the limit and refuse it."""
from __future__ import annotations

from aiohttp import StreamReader


async def read_capped(content: StreamReader, limit: int) -> bytes:
    """The whole body when it is at most `limit` bytes; otherwise `limit` + 1 of them (the
    rest is not read)."""
    data = bytearray()
    while len(data) <= limit:
        chunk = await content.read(limit + 1 - len(data))
        if not chunk:
            break
        data += chunk
    return bytes(data)
