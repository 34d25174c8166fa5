"""Photos kept by sitebot (console uploads, images downloaded from platforms), served under
/media/. Names are random, so a link is as private as the card or page that shows it."""
from __future__ import annotations

import re
import uuid
from pathlib import Path

from aiohttp import web

MAX_BYTES = 10 * 1024 * 1024
TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif"}
_REF = re.compile(r"^/media/([0-9a-f]{32}\.(?:jpg|png|webp|gif))$")


class MediaError(ValueError):
    """Not an image we keep (type or size); the message says which."""


class MediaStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def save(self, data: bytes, content_type: str) -> str:
        """Store the bytes; returns the URL path to show them (/media/<name>)."""
        ext = TYPES.get(content_type.split(";")[0].strip().lower())
        if ext is None:
            raise MediaError(f"not an accepted image type: {content_type}")
        if len(data) > MAX_BYTES:
            raise MediaError(f"image larger than {MAX_BYTES // (1024 * 1024)} MB")
        self.root.mkdir(parents=True, exist_ok=True)
        name = f"{uuid.uuid4().hex}.{ext}"
        (self.root / name).write_bytes(data)
        return f"/media/{name}"

    def read(self, ref: str) -> bytes | None:
        """A kept photo's bytes by its ref (/media/<name>); None for any other ref (a link, a
        platform's own key) or a file gone. Handlers reach it as handlers.chat.ports.PhotoReader."""
        found = _REF.match(ref or "")
        path = self.root / found.group(1) if found else None
        return path.read_bytes() if path is not None and path.is_file() else None

    def install(self, app: web.Application) -> None:
        app.router.add_get("/media/{name:[0-9a-f]{32}\\.(?:jpg|png|webp|gif)}", self._serve)

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        path = self.root / request.match_info["name"]
        if not path.is_file():
            raise web.HTTPNotFound()
        return web.FileResponse(path, headers={"Cache-Control": "private, max-age=86400"})
