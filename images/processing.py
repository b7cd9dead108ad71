"""Uploaded images (featured images, avatars): raster only, bounded, re-encoded without metadata.

Only the pixels of an upload are kept. It is decoded (the first frame of a multi-picture JPEG, an
animated GIF or WebP), turned upright by its EXIF orientation, converted to sRGB if it carries a
colour profile, brought to 8-bit grey or RGB (with alpha if it has transparency), and encoded again
with no metadata at all: no EXIF (GPS), XMP, IPTC, ICC profile, comment, MPF index or text chunk
survives, and neither does anything appended to the image (no PNG-and-HTML or JPEG-and-ZIP
polyglot). The pixel limits are checked from the header, before anything is decoded, and the
stored name is generated rather than taken from the uploader.
"""

import io
import uuid

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

try:
    from PIL import ImageCms
except ImportError:  # Pillow built without Little CMS: colour profiles are dropped unconverted
    ImageCms = None

MAX_PIXELS = 40_000_000
MAX_SIDE = 12_000
# The decoders Pillow may run on an upload; every other one (EPS calls Ghostscript, …) stays shut.
# Multi-picture JPEGs (MPO, from phones and cameras) are found by the JPEG decoder.
READABLE_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
# What each readable format is stored as: a GIF's first frame as a PNG, an MPO's as a plain JPEG.
STORED_FORMAT = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "GIF": "PNG", "WEBP": "WEBP"}
EXTENSIONS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
# The only options the encoders get: nothing from the upload is passed through.
ENCODER_OPTIONS = {
    "JPEG": {"quality": 88, "optimize": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 88},
}

NOT_AN_IMAGE = (
    "This file is not an image we accept: upload a JPEG, PNG, WebP or GIF picture "
    "(SVG, HEIC, TIFF, BMP and other formats are refused)."
)
DAMAGED = (
    "This image is damaged, truncated or carries oversized embedded data, so it cannot be read. "
    "Open it in a photo editor and export it again as JPEG or PNG."
)


def max_upload_bytes() -> int:
    return settings.UPLOAD_FILE_MAX_BYTES


def too_large_message(width: int | None = None, height: int | None = None) -> str:
    size = f" ({width}×{height} pixels)" if width and height else ""
    return (
        f"This image is too large{size}; the limit is {MAX_PIXELS // 1_000_000} megapixels and "
        f"{MAX_SIDE} pixels a side."
    )


def reencode_image(data: bytes) -> tuple[bytes, str, str, tuple[int, int]]:
    """Decode an upload and encode its pixels again; returns (bytes, extension, content type, size).

    Raises forms.ValidationError with a message for editors when the file is not an acceptable
    image; the pixel limits are checked from the header, before anything is decoded.
    """
    try:
        with Image.open(io.BytesIO(data), formats=READABLE_FORMATS) as probe:
            source_format = probe.format
            width, height = probe.size
    except Image.DecompressionBombError as exc:  # Pillow's own ceiling, far above ours
        raise forms.ValidationError(too_large_message()) from exc
    except UnidentifiedImageError as exc:
        raise forms.ValidationError(NOT_AN_IMAGE) from exc
    except Exception as exc:  # hostile headers make Pillow raise all sorts (ValueError, …)
        raise forms.ValidationError(DAMAGED) from exc
    if source_format not in STORED_FORMAT:
        raise forms.ValidationError(NOT_AN_IMAGE)
    if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
        raise forms.ValidationError(too_large_message(width, height))
    stored_format = STORED_FORMAT[source_format]
    try:
        with Image.open(io.BytesIO(data), formats=READABLE_FORMATS) as image:
            image.load()  # the first frame only
            pixels = plain_pixels(image, keep_alpha=stored_format != "JPEG")
        out = io.BytesIO()
        pixels.save(out, stored_format, **ENCODER_OPTIONS[stored_format])
    except Image.DecompressionBombError as exc:
        raise forms.ValidationError(too_large_message()) from exc
    except Exception as exc:  # a damaged or hostile body fails in the decoder, whatever the type
        raise forms.ValidationError(DAMAGED) from exc
    extension, content_type = EXTENSIONS[stored_format]
    return out.getvalue(), extension, content_type, pixels.size


def plain_pixels(image: Image.Image, *, keep_alpha: bool) -> Image.Image:
    """The decoded picture as the viewer saw it, upright and in sRGB, as 8-bit L, LA, RGB or RGBA
    pixels with no metadata attached (the encoders read metadata only from ``info``)."""
    # In place: a picture that needs no turning is not copied (memory, for a 40-megapixel upload).
    ImageOps.exif_transpose(image, in_place=True)
    pixels = eight_bit(to_srgb(image), keep_alpha=keep_alpha)
    pixels.info = {}
    return pixels


def to_srgb(image: Image.Image) -> Image.Image:
    """Colours converted from the upload's ICC profile to sRGB (the profile itself is never
    stored); an unreadable or mismatched profile is ignored."""
    profile = image.info.get("icc_profile")
    if not profile or ImageCms is None or image.mode not in {"RGB", "RGBA", "CMYK"}:
        return image
    try:
        return ImageCms.profileToProfile(
            image,
            ImageCms.ImageCmsProfile(io.BytesIO(profile)),
            ImageCms.createProfile("sRGB"),
            outputMode="RGBA" if image.mode == "RGBA" else "RGB",
        )
    except Exception:  # a hostile or broken profile: keep the pixels as they are
        return image


def eight_bit(image: Image.Image, *, keep_alpha: bool) -> Image.Image:
    """8-bit grey or RGB, with alpha when the upload has transparency and the stored format can
    hold it (palette transparency becomes alpha; 16-bit grey is scaled, not clipped)."""
    mode = image.mode
    if mode.startswith("I"):  # 16-bit (or 32-bit) grey: scale to 0–255
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
        mode = "L"
    has_alpha = mode in {"RGBA", "LA", "PA", "La", "RGBa"} or (
        mode in {"P", "L", "RGB"} and "transparency" in image.info
    )
    if has_alpha and keep_alpha:
        target = "LA" if mode in {"LA", "La"} else "RGBA"
    elif mode in {"1", "L", "LA", "La"}:
        target = "L"
    else:
        target = "RGB"
    return image if mode == target else image.convert(target)


class CleanImageField(forms.ImageField):
    """An image form field that stores a re-encoded copy under a generated name."""

    def to_python(self, data):
        # FileField's checks (no file, empty file); ImageField's own Pillow pass is replaced by
        # reencode_image, which reads only the formats accepted.
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        limit = max_upload_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                f"This file is larger than {limit // (1024 * 1024)} MB, the most an image may "
                "weigh. Export a smaller copy (for example 3000 pixels wide) and upload that."
            )
        upload.seek(0)
        content, extension, content_type, _ = reencode_image(upload.read())
        return SimpleUploadedFile(f"{uuid.uuid4().hex}.{extension}", content, content_type)
