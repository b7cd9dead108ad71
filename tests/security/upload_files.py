"""Hostile and real-world upload files, made on the fly (small: a few KB each), and a checker of
stored bytes that reads the container structure itself rather than trusting Pillow's summary."""

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass, field

from PIL import ExifTags, Image, ImageCms
from PIL.PngImagePlugin import PngInfo

BLUE = (10, 120, 200)
RED = (220, 30, 30)
ACCEPTED = "accepted"


@dataclass
class Case:
    """An upload as sent (content, name, content type) and what must come of it: ACCEPTED, or a
    phrase of the message the editor reads. ``check`` looks at the stored picture."""

    name: str
    data: bytes
    outcome: str
    filename: str = "upload.jpg"
    content_type: str = "image/jpeg"
    check: object = field(default=None, repr=False)


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def plain(size=(40, 30), colour=BLUE, mode="RGB") -> Image.Image:
    return Image.new(mode, size, colour)


def noisy_jpeg() -> bytes:
    return encoded(Image.effect_noise((200, 150), 80).convert("RGB"), "JPEG")


# --- JPEG --------------------------------------------------------------------------------------


def segment(marker: int, payload: bytes) -> bytes:
    return b"\xff" + bytes([marker]) + struct.pack(">H", len(payload) + 2) + payload


def with_segments(jpeg: bytes, *segments: bytes) -> bytes:
    """The JPEG with these segments right after its start marker."""
    return jpeg[:2] + b"".join(segments) + jpeg[2:]


def jpeg_with_size(jpeg: bytes, width: int, height: int) -> bytes:
    """The JPEG with its frame header claiming another size (a decompression bomb)."""
    at = jpeg.index(b"\xff\xc0")
    return jpeg[: at + 5] + struct.pack(">HH", height, width) + jpeg[at + 9 :]


def exif_gps_rotated() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # shown turned by 90°
    exif[ExifTags.Base.Make] = "SECRET-MAKE"
    exif[ExifTags.Base.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (48.0, 51.0, 30.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (2.0, 17.0, 40.0),
    }
    return encoded(plain((40, 30)), "JPEG", exif=exif.tobytes())


def xmp_segment() -> bytes:
    packet = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>SECRET-XMP</rdf:Description>'
    return segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + packet + b"</x:xmpmeta>")


def iptc_segment() -> bytes:
    caption = b"SECRET-IPTC caption"
    record = b"\x1c\x02\x78" + struct.pack(">H", len(caption)) + caption
    resource = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(record)) + record
    return segment(0xED, b"Photoshop 3.0\x00" + resource)


def icc_segment(profile: bytes) -> bytes:
    return segment(0xE2, b"ICC_PROFILE\x00\x01\x01" + profile)


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def jpeg_with_every_metadata() -> bytes:
    return with_segments(
        exif_gps_rotated(),
        segment(0xFE, b"SECRET-COMMENT <script>alert(1)</script>"),
        xmp_segment(),
        iptc_segment(),
        icc_segment(srgb_profile()),
    )


def mpo() -> bytes:
    """A phone's multi-picture JPEG: a blue 40×30 first picture, a red 20×20 second one."""
    buffer = io.BytesIO()
    plain((40, 30)).save(
        buffer, "MPO", save_all=True, append_images=[plain((20, 20), RED)], comment=b"SECRET-MPO"
    )
    return buffer.getvalue()


def jpeg_zip_polyglot() -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("payload.js", "alert(document.cookie)")
    return encoded(plain(), "JPEG") + archive.getvalue()


# --- PNG ---------------------------------------------------------------------------------------


def chunk(kind: bytes, payload: bytes) -> bytes:
    body = kind + payload
    return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))


def png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge size, with almost no data (a decompression bomb)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def png_with_chunks(*chunks: bytes, before_data: bool = True) -> bytes:
    """A 40×30 PNG carrying these chunks before its image data (or after it)."""
    png = encoded(plain(), "PNG")
    at = 33 if before_data else png.index(b"IEND") - 4  # after IHDR / before IEND
    return png[:at] + b"".join(chunks) + png[at:]


TEXT_BOMB = zlib.compress(b"A" * 50_000_000, 9)  # 49 KB that inflate to 50 MB


def png_with_every_metadata() -> bytes:
    info = PngInfo()
    info.add_text("Comment", "SECRET-TEXT <script>alert(1)</script>")
    info.add_text("Description", "SECRET-ZTXT", zip=True)
    info.add_itxt("XML:com.adobe.xmp", "SECRET-ITXT", lang="en", tkey="XMP")
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SECRET-MAKE"
    return encoded(plain(), "PNG", pnginfo=info, icc_profile=srgb_profile(), exif=exif.tobytes())


def png_16_bit_grey() -> bytes:
    return encoded(Image.new("I;16", (40, 30), 40_000), "PNG")


def palette_png_with_transparency() -> bytes:
    image = Image.new("P", (40, 30), 1)
    image.putpalette([0, 0, 0, *RED] + [0] * 762)
    image.putpixel((0, 0), 0)
    return encoded(image, "PNG", transparency=0)


def apng() -> bytes:
    frames = [plain(colour=colour) for colour in (BLUE, RED, (0, 200, 0))]
    return encoded(frames[0], "PNG", save_all=True, append_images=frames[1:])


# --- GIF and WebP ------------------------------------------------------------------------------


def gif(*, frames: int = 1, screen=(16, 16), trailer: bytes = b";") -> bytes:
    """A GIF drawn by hand: a black-and-white palette and `frames` one-pixel frames."""
    head = b"GIF89a" + struct.pack("<HHBBB", *screen, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff"
    frame = (
        b"\x21\xf9\x04\x00\x01\x00\x00\x00"  # graphic control: 1/100 s
        + b"\x2c"
        + struct.pack("<HHHHB", 0, 0, 1, 1, 0)
        + b"\x02\x02\x44\x01\x00"  # one white pixel, LZW-coded
    )
    return head + frame * frames + trailer


def animated_gif() -> bytes:
    frames = [plain(colour=colour).convert("P") for colour in (BLUE, RED)]
    return encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], comment=b"SECRET")


def animated_webp() -> bytes:
    frames = [plain(colour=colour) for colour in (BLUE, RED)]
    return encoded(frames[0], "WEBP", save_all=True, append_images=frames[1:], lossless=True)


def webp_with_every_metadata() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SECRET-MAKE"
    return encoded(
        plain(),
        "WEBP",
        exif=exif.tobytes(),
        xmp=b"<x:xmpmeta>SECRET-XMP</x:xmpmeta>",
        icc_profile=srgb_profile(),
    )


def webp_declaring(width: int, height: int) -> bytes:
    """A lossless WebP of one colour whose header claims a huge size: 46 bytes that decode to
    width × height pixels (one colour costs no bits per pixel)."""
    webp = encoded(plain((16, 16)), "WEBP", lossless=True)
    at = webp.index(b"VP8L") + 9  # after the chunk header and the signature byte
    bits = struct.unpack("<I", webp[at : at + 4])[0] & ~0x0FFF_FFFF  # keep alpha and version
    bits |= (width - 1) | (height - 1) << 14
    return webp[:at] + struct.pack("<I", bits) + webp[at + 4 :]


# --- Not images --------------------------------------------------------------------------------

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
PHP = b"<?php system($_GET['c']); ?>"
EPS = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n(pwned) print showpage\n%%EOF\n"


def rotated_size(stored: Image.Image) -> None:
    assert stored.size == (30, 40)  # orientation 6 applied to a 40×30 picture


def colour_near(expected, tolerance=8):
    def check(stored: Image.Image) -> None:
        pixel = stored.convert("RGB").getpixel((stored.width // 2, stored.height // 2))
        assert all(abs(a - b) <= tolerance for a, b in zip(pixel, expected, strict=True)), pixel

    return check


def first_frame_of_mpo(stored: Image.Image) -> None:
    assert stored.size == (40, 30)
    colour_near(BLUE)(stored)


def grey_scaled_not_clipped(stored: Image.Image) -> None:
    assert stored.mode == "L"
    assert abs(stored.getpixel((5, 5)) - 40_000 // 256) <= 1


def transparency_kept(stored: Image.Image) -> None:
    assert stored.mode == "RGBA"
    assert stored.getpixel((0, 0))[3] == 0 and stored.getpixel((5, 5)) == (*RED, 255)


def cases() -> list[Case]:
    """Every file of the hostile folder, with the outcome each must have."""
    truncated_png = encoded(Image.effect_noise((200, 150), 80), "PNG")
    return [
        # Real-world variants: accepted, first frame, re-encoded.
        Case("progressive-jpeg", encoded(plain(), "JPEG", progressive=True), ACCEPTED),
        Case("greyscale-jpeg", encoded(plain(mode="L", colour=90), "JPEG"), ACCEPTED),
        Case("cmyk-jpeg", encoded(plain().convert("CMYK"), "JPEG"), ACCEPTED),
        Case("mpo-from-a-phone", mpo(), ACCEPTED, check=first_frame_of_mpo),
        Case("exif-gps-rotated", exif_gps_rotated(), ACCEPTED, check=rotated_size),
        Case("jpeg-every-metadata", jpeg_with_every_metadata(), ACCEPTED, check=rotated_size),
        Case(
            "jpeg-broken-icc-profile",
            with_segments(encoded(plain(), "JPEG"), icc_segment(b"not a profile" * 20)),
            ACCEPTED,
            check=colour_near(BLUE),
        ),
        Case(
            "png-16-bit-grey", png_16_bit_grey(), ACCEPTED, "a.png", check=grey_scaled_not_clipped
        ),
        Case(
            "png-palette-transparency",
            palette_png_with_transparency(),
            ACCEPTED,
            "a.png",
            check=transparency_kept,
        ),
        Case("png-grey-alpha", encoded(plain(mode="LA", colour=(90, 128)), "PNG"), ACCEPTED),
        Case("png-1-bit", encoded(plain(mode="1", colour=1), "PNG"), ACCEPTED),
        Case("png-every-metadata", png_with_every_metadata(), ACCEPTED, "a.png"),
        Case(
            "png-many-text-chunks",
            png_with_chunks(*(chunk(b"tEXt", b"k\x00" + b"v" * 1000) for _ in range(2000))),
            ACCEPTED,
            "a.png",
        ),
        Case("apng-first-frame", apng(), ACCEPTED, "a.png", check=colour_near(BLUE)),
        Case("gif-animated", animated_gif(), ACCEPTED, "a.gif", check=colour_near(BLUE, 25)),
        Case("gif-10000-frames", gif(frames=10_000), ACCEPTED, "a.gif"),
        Case("webp-animated", animated_webp(), ACCEPTED, "a.webp", check=colour_near(BLUE)),
        Case("webp-every-metadata", webp_with_every_metadata(), ACCEPTED, "a.webp"),
        Case("webp-alpha", encoded(plain(mode="RGBA", colour=(*RED, 100)), "WEBP"), ACCEPTED),
        # Polyglots and wrong names: accepted, but only the picture is stored.
        Case("png-html-polyglot", encoded(plain(), "PNG") + HTML, ACCEPTED, "a.png"),
        Case("jpeg-zip-polyglot", jpeg_zip_polyglot(), ACCEPTED),
        Case("gif-javascript-polyglot", gif(trailer=b";*/=alert(1)//"), ACCEPTED, "a.gif"),
        Case("png-named-jpg", encoded(plain(), "PNG"), ACCEPTED, "photo.jpg"),
        Case("jpeg-named-svg", encoded(plain(), "JPEG"), ACCEPTED, "photo.svg", "image/svg+xml"),
        Case("jpeg-named-php", encoded(plain(), "JPEG"), ACCEPTED, "shell.php", "text/x-php"),
        # Not images, or not formats we read: refused.
        Case("svg-with-script", SVG, "not an image", "evil.svg", "image/svg+xml"),
        Case("svg-named-jpg", SVG, "not an image"),
        Case("html-named-jpg", HTML, "not an image"),
        Case("php-named-jpg", PHP, "not an image"),
        Case("text-sent-as-png", b"just some text\n" * 10, "not an image", "a.png", "image/png"),
        Case("eps-named-jpg", EPS, "not an image"),
        Case("bmp", encoded(plain(), "BMP"), "not an image", "a.bmp", "image/bmp"),
        Case("tiff", encoded(plain(), "TIFF"), "not an image", "a.tif", "image/tiff"),
        Case("ico", encoded(plain((32, 32)), "ICO"), "not an image", "a.ico", "image/x-icon"),
        Case("zero-bytes", b"", "empty"),
        # Damaged: refused.
        Case("truncated-jpeg", noisy_jpeg()[:3000], "damaged"),
        Case("truncated-png", truncated_png[: len(truncated_png) // 2], "damaged", "a.png"),
        Case("truncated-gif", animated_gif()[:200], "damaged", "a.gif"),
        Case("png-ztxt-bomb", png_with_chunks(chunk(b"zTXt", b"c\x00\x00" + TEXT_BOMB)), "damaged"),
        Case(
            "png-itxt-bomb",
            png_with_chunks(chunk(b"iTXt", b"c\x00\x01\x00\x00\x00" + TEXT_BOMB)),
            "damaged",
        ),
        Case(
            "png-ztxt-bomb-after-data",
            png_with_chunks(chunk(b"zTXt", b"c\x00\x00" + TEXT_BOMB), before_data=False),
            "damaged",
        ),
        Case("png-iccp-bomb", png_with_chunks(chunk(b"iCCP", b"p\x00\x00" + TEXT_BOMB)), "damaged"),
        # Decompression bombs: refused from the header.
        Case("png-20000x20000", png_declaring(20_000, 20_000), "too large", "a.png"),
        Case("png-100000x1", png_declaring(100_000, 1), "too large", "a.png"),
        Case("png-9000x9000", png_declaring(9_000, 9_000), "too large", "a.png"),
        Case("jpeg-60000x60000", jpeg_with_size(noisy_jpeg(), 60_000, 60_000), "too large"),
        Case("jpeg-9000x9000", jpeg_with_size(noisy_jpeg(), 9_000, 9_000), "too large"),
        Case("webp-8000x8000", webp_declaring(8_000, 8_000), "too large", "a.webp"),
        Case("gif-30000x30000-screen", gif(screen=(30_000, 30_000)), "too large", "a.gif"),
    ]


# --- What may be stored ------------------------------------------------------------------------

JPEG_SEGMENTS = {0xC0, 0xC4, 0xDB, 0xDD, 0xE0}  # baseline frame, tables, restart interval, JFIF
PNG_CHUNKS = {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}
WEBP_CHUNKS = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH"}


def assert_clean_image(content: bytes, extension: str) -> Image.Image:
    """The stored bytes are one picture in the format their name says, made of nothing but the
    structures that carry pixels: no metadata segment or chunk, nothing before or after it."""
    {"jpg": jpeg_structure, "png": png_structure, "webp": webp_structure}[extension](content)
    fmt = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}[extension]
    with Image.open(io.BytesIO(content), formats=[fmt]) as image:
        assert image.format == fmt and getattr(image, "n_frames", 1) == 1
        assert not image.getexif()
        assert not {"icc_profile", "exif", "xmp", "comment", "mp"} & set(image.info)
        image.load()
        return image.copy()


def jpeg_structure(content: bytes) -> None:
    assert content[:2] == b"\xff\xd8", "no JPEG start marker"
    at = 2
    while True:
        assert content[at] == 0xFF, f"no marker at {at}"
        marker = content[at + 1]
        if marker == 0xD9:  # end of image: nothing may follow
            assert at + 2 == len(content), "bytes after the end of the JPEG"
            return
        length = struct.unpack(">H", content[at + 2 : at + 4])[0]
        payload = content[at + 4 : at + 2 + length]
        if marker == 0xDA:  # start of scan: skip the entropy-coded data to the next marker
            at += 2 + length
            while not (content[at] == 0xFF and content[at + 1] not in {0, *range(0xD0, 0xD8)}):
                at += 1
            continue
        assert marker in JPEG_SEGMENTS, f"JPEG segment {marker:#x} stored"
        if marker == 0xE0:
            assert payload.startswith(b"JFIF\x00"), "an APP0 segment that is not JFIF"
        at += 2 + length


def png_structure(content: bytes) -> None:
    assert content[:8] == b"\x89PNG\r\n\x1a\n", "no PNG signature"
    at = 8
    while True:
        length, kind = struct.unpack(">I4s", content[at : at + 8])
        assert kind in PNG_CHUNKS, f"PNG chunk {kind!r} stored"
        at += 12 + length
        if kind == b"IEND":
            assert at == len(content), "bytes after the end of the PNG"
            return


def webp_structure(content: bytes) -> None:
    assert content[:4] == b"RIFF" and content[8:12] == b"WEBP", "no WebP header"
    assert struct.unpack("<I", content[4:8])[0] + 8 == len(content), "bytes after the WebP"
    at = 12
    while at < len(content):
        kind, length = struct.unpack("<4sI", content[at : at + 8])
        assert kind in WEBP_CHUNKS, f"WebP chunk {kind!r} stored"
        if kind == b"VP8X":
            assert content[at + 8] & 0b00101110 == 0, "VP8X announces ICC, EXIF, XMP or frames"
        at += 8 + length + (length & 1)
