"""Kept for existing imports: the safe upload path now lives in ``images.processing``."""

from images.processing import (  # noqa: F401
    DAMAGED,
    MAX_PIXELS,
    MAX_SIDE,
    NOT_AN_IMAGE,
    CleanImageField,
    max_upload_bytes,
    reencode_image,
    too_large_message,
)
