"""Spreadsheets people sent us, kept until they are imported or dropped: under the media
directory's `files/`, named at random (a name is as private as the chat that got it). Unlike
photos they are never served over HTTP; the import handler reads them (handlers.chat.ports
.FileReader). Every process of one installation shares the media directory, as for photos."""
from __future__ import annotations

import re
import uuid
from pathlib import Path

PREFIX = "/media/files/"
_REF = re.compile(r"^/media/files/([0-9a-f]{32}\.xlsx)$")


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def under(cls, media_root: Path) -> "FileStore":
        return cls(media_root / "files")

    def keep(self, data: bytes) -> str:
        """Store the bytes; returns their ref (/media/files/<name>.xlsx)."""
        self.root.mkdir(parents=True, exist_ok=True)
        name = f"{uuid.uuid4().hex}.xlsx"
        (self.root / name).write_bytes(data)
        return PREFIX + name

    def read(self, ref: str) -> bytes | None:
        found = _REF.match(ref or "")
        if found is None:
            return None
        path = self.root / found.group(1)
        return path.read_bytes() if path.is_file() else None


def file_id(ref: str) -> str | None:
    """The 32 hex digits naming a kept file, or None for anything else."""
    found = _REF.match(ref or "")
    return found.group(1)[:32] if found else None
