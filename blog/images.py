"""Uploaded images (featured images, avatars): raster only, bounded, re-encoded without metadata.

Re-encoding with Pillow means the stored bytes are a clean image whatever was uploaded (no
PNG-and-HTML polyglot survives), EXIF data such as GPS positions is dropped after its orientation is
applied, and the stored name is generated rather than taken from the uploader.
"""

import io
import uuid

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 12_000
FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}


def reencode_image(data: bytes) -> tuple[bytes, str, str, tuple[int, int]]:
    """Decode an upload and encode it again; returns (bytes, extension, content type, size).

    Raises forms.ValidationError with a message for editors when the file is not an acceptable
    image; the pixel limits are checked from the header, before anything is decoded.
    """
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format
            width, height = probe.size
    except Image.DecompressionBombError as exc:
        raise forms.ValidationError(f"This image is too large: {exc}") from exc
    except (UnidentifiedImageError, OSError) as exc:
        raise forms.ValidationError("This file is not an image we can read.") from exc
    if image_format not in FORMATS and image_format != "GIF":
        raise forms.ValidationError("Upload a JPEG, PNG, WebP or GIF image (SVG is not accepted).")
    if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
        raise forms.ValidationError(
            f"This image is too large ({width}×{height} pixels); the limit is "
            f"{MAX_PIXELS // 1_000_000} megapixels and {MAX_SIDE} pixels a side."
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            if image_format == "GIF":  # first frame only, stored as PNG
                image_format = "PNG"
            if image_format == "JPEG" and image.mode not in {"RGB", "L"}:
                image = image.convert("RGB")
            out = io.BytesIO()
            options = {"quality": 88, "optimize": True} if image_format == "JPEG" else {}
            image.save(out, image_format, **options)
            size = image.size
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise forms.ValidationError("This image is damaged or truncated.") from exc
    extension, content_type = FORMATS[image_format]
    return out.getvalue(), extension, content_type, size


class CleanImageField(forms.ImageField):
    """An image form field that stores a re-encoded copy under a generated name."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or upload is initial or not hasattr(upload, "read"):
            return upload
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"This file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB."
            )
        upload.seek(0)
        content, extension, content_type, _ = reencode_image(upload.read())
        return SimpleUploadedFile(f"{uuid.uuid4().hex}.{extension}", content, content_type)
