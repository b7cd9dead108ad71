"""Renditions: the sizes a picture is served at, made once from the stored original.

Widths (``IMAGES_RENDITION_WIDTHS``, never wider than the original) for pages, square crops
(``IMAGES_SQUARE_SIZES``) cut around the focal point for thumbnails and avatars; each in WebP and
in the original's own format (JPEG or PNG) for browsers without WebP and for link previews.
"""

import io
import posixpath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image as PILImage

from images import conf

ENCODERS = {
    "jpeg": ("JPEG", "jpg", {"quality": 82, "optimize": True}),
    "png": ("PNG", "png", {"optimize": True}),
    "webp": ("WEBP", "webp", {"quality": 80, "method": 4}),
}


def focal_square(width: int, height: int, focal_x: float, focal_y: float) -> tuple:
    """The largest square inside the picture centred as near the focal point as it can be."""
    side = min(width, height)
    left = round(focal_x * width - side / 2)
    top = round(focal_y * height - side / 2)
    left = max(0, min(left, width - side))
    top = max(0, min(top, height - side))
    return (left, top, left + side, top + side)


def rendition_plan(width: int, height: int) -> list[tuple[str, int, int]]:
    """(kind, width, height) of each rendition of a picture of that size: a size the original
    does not reach is replaced by the original's own, so nothing is enlarged."""
    plan = []
    for target in sorted({min(w, width) for w in conf.rendition_widths()}):
        plan.append((f"w{target}", target, max(1, round(height * target / width))))
    side = min(width, height)
    for target in sorted({min(s, side) for s in conf.square_sizes()}):
        plan.append((f"sq{target}", target, target))
    return plan


def formats_for(original_format: str) -> tuple[str, ...]:
    return ("webp",) if original_format == "webp" else ("webp", original_format)


def encode(pixels: PILImage.Image, fmt: str) -> bytes:
    pil_format, _, options = ENCODERS[fmt]
    if fmt == "jpeg" and pixels.mode != "RGB":
        pixels = pixels.convert("RGB")
    elif fmt == "webp" and pixels.mode not in {"RGB", "RGBA"}:
        pixels = pixels.convert("RGBA" if "A" in pixels.mode else "RGB")
    out = io.BytesIO()
    pixels.save(out, pil_format, **options)
    return out.getvalue()


def renditions_render(
    *, original: bytes, name: str, original_format: str, focal_x: float, focal_y: float
) -> list[dict]:
    """Make and store every rendition of the original picture stored under ``name``; returns
    their records. Square crops carry the focal point in their names, so moving it makes new
    files rather than overwriting ones a cached page may still point at."""
    stem = posixpath.splitext(posixpath.basename(name))[0]
    folder = posixpath.join("images", "renditions", stem[:2])
    records = []
    with PILImage.open(io.BytesIO(original)) as source:
        source.load()
        width, height = source.size
        box = focal_square(width, height, focal_x, focal_y)
        focus = f"f{round(focal_x * 100):02d}{round(focal_y * 100):02d}"
        for kind, w, h in rendition_plan(width, height):
            if kind.startswith("sq"):
                pixels = source.resize((w, h), PILImage.LANCZOS, box=box, reducing_gap=3.0)
                label = f"{kind}-{focus}"
            elif (w, h) == (width, height):
                pixels = source
                label = kind
            else:
                pixels = source.resize((w, h), PILImage.LANCZOS, reducing_gap=3.0)
                label = kind
            for fmt in formats_for(original_format):
                extension = ENCODERS[fmt][1]
                stored = default_storage.save(
                    posixpath.join(folder, f"{stem}-{label}.{extension}"),
                    ContentFile(encode(pixels, fmt)),
                )
                records.append(
                    {"kind": kind, "format": fmt, "name": stored, "width": w, "height": h}
                )
    return records
