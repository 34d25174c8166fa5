"""The photos of an acceptance record's PDF: decoded and scaled down (a phone's 4000-pixel photo
would make a file no chat takes), stored as JPEG, then laid out three to a row below the
signatures, going on to more pages when they do not fit. fpdf2 copies a JPEG's bytes into the
PDF as they are (DCTDecode), so each photo is encoded once, here, at the scaled size: 40-100 kB
a 640-pixel photo where a chat's file message here takes 512 kB for the whole file."""
from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from typing import Any, Sequence

log = logging.getLogger(__name__)
# (longest side in pixels, most photos drawn), tried in turn until the file is small enough:
# 640 px is about 250 dpi in a column a third of the page wide.
SIZES = ((640, 12), (420, 12), (280, 12), (160, 6))
COLUMNS, GAP = 3, 4.2           # mm between the cells
JPEG_QUALITY = 80


@dataclass(frozen=True)
class Photo:
    jpeg: bytes
    width: int       # pixels
    height: int


def decode(photos: Sequence[bytes], side: int) -> list[Any]:
    """Each photo decoded (turned upright by its EXIF orientation), RGB, at most `side` pixels
    on its longest side (PIL images). One that is no image is left out (the log says so)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    out = []
    for data in photos:
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.draft("RGB", (side, side))   # JPEG: decode at a fraction of the size
                upright = ImageOps.exif_transpose(image).convert("RGB")
                upright.thumbnail((side, side))
                out.append(upright)
        except (UnidentifiedImageError, OSError, ValueError) as error:
            log.warning("acceptance PDF: a photo left out (%s)", error)
    return out


def scale(decoded: Sequence[Any], side: int) -> list[Photo]:
    """The decoded photos at most `side` pixels on their longest side, as JPEG (a smaller size
    tried after a larger one is scaled from what was decoded, not decoded again)."""
    out = []
    for image in decoded:
        if max(image.size) > side:
            image = image.copy()
            image.thumbnail((side, side))
        jpeg = io.BytesIO()
        image.save(jpeg, "JPEG", quality=JPEG_QUALITY)
        out.append(Photo(jpeg.getvalue(), image.width, image.height))
    return out


def layout(top: float, photos: list[Photo], area: tuple[float, float, float, float]
           ) -> list[tuple[int, float, float, float, float]]:
    """Where each photo goes from `top` (mm) down, three to a row, each fitted into a 4:3 cell
    and centred in it: (further pages before it, x, y, width, height) in mm. `area` is (left,
    right, top of a further page, bottom) in mm; a row that does not fit starts a page."""
    left, right, page_top, bottom = area
    width = (right - left - GAP * (COLUMNS - 1)) / COLUMNS
    height = width * 0.75
    y, page, out = top, 0, []
    for index, photo in enumerate(photos):
        column = index % COLUMNS
        if column == 0 and index:
            y += height + GAP
        if y + height > bottom:
            page, y = page + 1, page_top
        ratio = min(width / photo.width, height / photo.height)
        w, h = photo.width * ratio, photo.height * ratio
        out.append((page, left + column * (width + GAP) + (width - w) / 2, y + (height - h) / 2, w, h))
    return out
