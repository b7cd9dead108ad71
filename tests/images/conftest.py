import io

import pytest
from PIL import Image as PILImage

from images.services import image_create


def picture_bytes(fmt: str = "JPEG", size=(2000, 1000), colour=(10, 120, 200)) -> bytes:
    buffer = io.BytesIO()
    mode = "RGBA" if fmt == "PNG" else "RGB"
    PILImage.new(mode, size, colour).save(buffer, fmt)
    return buffer.getvalue()


@pytest.fixture
def make_image(db):
    def make(size=(2000, 1000), fmt="JPEG", **fields):
        fields.setdefault("name", f"photo.{fmt.lower()}")
        return image_create(data=picture_bytes(fmt, size), **fields)

    return make
