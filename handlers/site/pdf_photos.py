"""The photos of an acceptance record's PDF: decoded and scaled down (a phone's 4000-pixel photo
would make a file no chat takes), then laid out three to a row below the signatures, going on to
more pages when they do not fit. Each is one image in the PDF at the scaled size (interpolation
"none": not resampled to the figure's dpi), stored as JPEG (`document`): matplotlib alone
stores images losslessly, 0.9 MB a 640-pixel photo, so seven photos made a 5 MB file where a
chat's file message here takes 512 kB; as JPEG the same photos take 40-100 kB each."""
from __future__ import annotations

import io
import logging
from typing import Any, Callable, Sequence

log = logging.getLogger(__name__)
# (longest side in pixels, most photos drawn), tried in turn until the file is small enough:
# 640 px is about 250 dpi in a column a third of the page wide.
SIZES = ((640, 12), (420, 12), (280, 12), (160, 6))
COLUMNS, LEFT, WIDTH, GAP = 3, 0.08, 0.84, 0.02
PAGE_RATIO = 8.27 / 11.69   # A4's width over its height, to keep cells 4:3 on paper
BOTTOM, TOP = 0.07, 0.92    # above the footer; where a further page starts

JPEG_QUALITY = 80
Photo = Any   # a numpy array (height, width, 3) of uint8
_made: dict[str, type] = {}


def scale(photos: Sequence[bytes], side: int) -> list[Photo]:
    """Each photo decoded (turned upright by its EXIF orientation), RGB, at most `side` pixels
    on its longest side. One that is no image is left out (the log says so)."""
    import numpy
    from PIL import Image, ImageOps, UnidentifiedImageError

    out = []
    for data in photos:
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.draft("RGB", (side, side))   # JPEG: decode at a fraction of the size
                upright = ImageOps.exif_transpose(image).convert("RGB")
                upright.thumbnail((side, side))
                out.append(numpy.asarray(upright))
        except (UnidentifiedImageError, OSError, ValueError) as error:
            log.warning("acceptance PDF: a photo left out (%s)", error)
    return out


def place(page: Any, top: float, photos: list[Photo], new_page: Callable[[], Any]) -> list[Any]:
    """Draws the photos from `top` down on `page`, three to a row; returns the further pages
    it needed (none when they fit)."""
    width = (WIDTH - GAP * (COLUMNS - 1)) / COLUMNS
    height = width * PAGE_RATIO * 0.75
    extra: list[Any] = []
    y = top - height
    for index, photo in enumerate(photos):
        column = index % COLUMNS
        if column == 0 and index:
            y -= height + GAP
        if y < BOTTOM:
            page = new_page()
            extra.append(page)
            y = TOP - height
        axes = page.add_axes((LEFT + column * (width + GAP), y, width, height))
        axes.imshow(photo, interpolation="none")
        axes.set_axis_off()
    return extra


def document(buffer: io.BytesIO, metadata: dict[str, str]) -> Any:
    """A matplotlib PdfPages whose colour images are written as JPEG (DCTDecode).

    matplotlib has no option for it: this replaces the document's file (PdfPages._file, made
    on first use otherwise) with a PdfFile whose _writeImg — the one place images are written,
    called with the image's rows top first, as (height, width, 3) uint8 — encodes JPEG. Both
    are private (checked on matplotlib 3.8-3.11); tests/site/test_acceptance_pdf.py reads the
    images back as JPEG, so a change there shows."""
    from matplotlib.backends.backend_pdf import PdfPages
    pages = PdfPages(buffer, metadata=metadata)
    pages._file = _jpeg_file_class()(buffer, metadata=metadata)
    return pages


def _jpeg_file_class() -> type:
    if "file" not in _made:
        import matplotlib
        from matplotlib.backends.backend_pdf import Name, PdfFile
        from PIL import Image

        class JpegPdfFile(PdfFile):
            def _writeImg(self, data: Any, id: Any, smask: Any = None) -> None:  # noqa: A002, N802
                if smask is not None or data.ndim != 3 or data.shape[2] != 3:
                    super()._writeImg(data, id, smask)   # masks and grey: as matplotlib does
                    return
                height, width, _ = data.shape
                jpeg = io.BytesIO()
                Image.fromarray(data).save(jpeg, "JPEG", quality=JPEG_QUALITY)
                with matplotlib.rc_context({"pdf.compression": 0}):   # JPEG is compressed already
                    self.beginStream(id, self.reserveObject("length of image stream"),
                                     {"Type": Name("XObject"), "Subtype": Name("Image"), "Width": width,
                                      "Height": height, "ColorSpace": Name("DeviceRGB"),
                                      "BitsPerComponent": 8, "Filter": Name("DCTDecode")})
                self.currentstream.write(jpeg.getvalue())
                self.endStream()

        _made["file"] = JpegPdfFile
    return _made["file"]
