"""The acceptance record's PDF carries the photos sent with it (issue 17: "the record renders as
a PDF (CJK font, photos, signatures as names and times)"): made through the console with two
phone-sized JPEG photos, decided by the owner's contact, the file sent into the group holds both
photos as scaled JPEG images and the record's Chinese text (read back with pypdf)."""
from __future__ import annotations

import base64
import io
import uuid

import numpy
from PIL import Image
from pypdf import PdfReader

from bot import keys
from handlers.site.jobs import send_pdfs
from handlers.site.pdf_photos import SIZES
from tests.progress.helpers import OWNER, SITE, upload
from tests.site.test_acceptance_feishu import cjk_font  # noqa: F401 - fixture used here

ASK = "验收 隐蔽工程 5层顶板钢筋 绑扎间距150，保护层25"


def photo(seed: int, size: tuple[int, int] = (1600, 1200)) -> bytes:
    """A JPEG as a phone sends it: large, with texture (so it does not compress to nothing)."""
    rng = numpy.random.default_rng(seed)
    rough = rng.integers(0, 255, (size[1] // 20, size[0] // 20, 3), dtype=numpy.uint8)
    image = Image.fromarray(rough).resize(size, Image.Resampling.BILINEAR)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


async def ask_with(console, photos: list[bytes], text: str = ASK) -> None:  # noqa: ANN001
    refs = [await upload(console, data) for data in photos]
    response = await console.client.post("/console/api/messages", json={
        "user": "u-li", "chat": SITE, "text": text, "event_id": uuid.uuid4().hex,
        "attachments": [{"kind": "image", "ref": ref} for ref in refs]})
    assert response.status == 200, await response.text()
    await console.deliver()


async def pdf_in_group(console) -> tuple[str, bytes]:  # noqa: ANN001
    assert await send_pdfs(console.app[keys.JOBS]) == 1
    await console.deliver()
    [(name, data)] = [(m["body"]["name"], base64.b64decode(m["body"]["data"]))
                      for m in await console.bot_messages(SITE, "u-li") if m["body"]["type"] == "file"]
    return name, data


def images_of(data: bytes) -> list[tuple[str, tuple[int, int]]]:
    """(filter, (width, height)) of each image object the PDF's pages use, once each."""
    seen: dict[int, tuple[str, tuple[int, int]]] = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for ref in page["/Resources"].get("/XObject", {}).values():
            found = ref.get_object()
            if found.get("/Subtype") == "/Image":
                seen[ref.idnum] = (str(found.get("/Filter")), (int(found["/Width"]), int(found["/Height"])))
    return [seen[number] for number in sorted(seen)]


async def test_the_pdf_holds_the_photos_scaled_and_the_chinese_text(console, clock, cjk_font):  # noqa: F811
    await ask_with(console, [photo(1), photo(2, (1200, 1600))])
    clock.advance(minutes=5)
    await console.say("u-liu", OWNER, "验收 通过 YS-1")
    name, data = await pdf_in_group(console)
    assert name == "验收单-YS-1-5层顶板钢筋.pdf" and data.startswith(b"%PDF")
    largest = SIZES[0][0]
    # Both photos, as JPEG, scaled to the largest side the file allows (the landscape one wide,
    # the portrait one tall: turned the way it was taken).
    [(kind1, (w1, h1)), (kind2, (w2, h2))] = images_of(data)
    assert kind1 == kind2 == "/DCTDecode"
    assert w1 > h1 and w2 < h2 and max(w1, h1) <= largest and max(w2, h2) <= largest
    assert max(w1, h1) >= 280                           # scaled, not thumbnails
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    for words in ("隐蔽工程验收记录", "YS-1", "5层顶板钢筋", "绑扎间距150，保护层25", "李工长", "刘总",
                  "通过", "现场照片（2 张）"):
        assert words in text, words
    assert len(data) <= 512 * 1024
    # The text is in the embedded TrueType subset (real text to search and copy), not glyphs
    # drawn as Type 3 procedures.
    assert fonts_of(data) and all(kind != "/Type3" for kind in fonts_of(data))


def fonts_of(data: bytes) -> list[str]:
    return [str(font.get_object()["/Subtype"]) for page in PdfReader(io.BytesIO(data)).pages
            for font in page["/Resources"].get("/Font", {}).values()]


async def test_many_large_photos_still_make_a_file_a_chat_takes(console, clock, cjk_font):  # noqa: F811
    await ask_with(console, [photo(seed) for seed in range(8)])
    clock.advance(minutes=5)
    await console.say("u-liu", OWNER, "验收 通过 YS-1")
    _, data = await pdf_in_group(console)
    assert len(data) <= 512 * 1024
    images = images_of(data)
    assert len(images) == 8 and all(kind == "/DCTDecode" for kind, _ in images)
    assert len(PdfReader(io.BytesIO(data)).pages) == 2   # eight photos go on to a second page


async def test_a_photo_that_is_no_image_is_left_out_and_the_pdf_still_goes(console, clock, cjk_font):  # noqa: F811
    await ask_with(console, [photo(3)])
    async with console.app[keys.STORE].transaction() as tx:
        record = await tx.site.acceptance(1)
    kept = console.app[keys.MEDIA].root / record.attachments[0]["ref"].rsplit("/", 1)[1]
    kept.write_bytes(b"\xff\xd8 not really a jpeg")
    clock.advance(minutes=5)
    await console.say("u-liu", OWNER, "验收 通过 YS-1")
    _, data = await pdf_in_group(console)
    assert images_of(data) == []
    assert "5层顶板钢筋" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


async def test_a_character_beyond_the_common_font_is_drawn_too(console, clock, cjk_font):  # noqa: F811
    # 砼 (concrete, as sites write it) is not among GB2312's everyday characters the PDF's main
    # font holds: it comes from a small second font, drawn in the same line.
    await ask_with(console, [], "验收 隐蔽工程 6层梁板 C30砼浇筑前钢筋复核")
    clock.advance(minutes=5)
    await console.say("u-liu", OWNER, "验收 通过 YS-1")
    _, data = await pdf_in_group(console)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "C30砼浇筑前钢筋复核" in text and "6层梁板" in text
    assert len(fonts_of(data)) == 2
