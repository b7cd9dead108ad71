"""Adding pictures to the library: the safe upload path, renditions made once, clean-up."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image as PILImage

from images.models import Image
from images.services import image_create, image_update, renditions_rebuild
from tests.images.conftest import picture_bytes


def stored_size(name):
    with default_storage.open(name) as f, PILImage.open(f) as picture:
        return picture.size, picture.format


def test_upload_is_reencoded_and_gets_every_rendition(make_image, author):
    image = make_image(
        uploaded_by=author, alt_text="Boats", caption="Dawn", credit="Jane", name="../../x y.jpg"
    )
    assert (image.width, image.height) == (2000, 1000)
    assert image.original_name == "x y.jpg"
    assert image.title == "x y"
    assert image.file.name.startswith("images/") and "x y" not in image.file.name
    assert len(image.content_hash) == 64
    kinds = {(r["kind"], r["format"]) for r in image.renditions}
    for kind in ("w480", "w960", "w1600", "sq96", "sq192", "sq400"):
        assert (kind, "webp") in kinds and (kind, "jpeg") in kinds
    for record in image.renditions:
        size, fmt = stored_size(record["name"])
        assert size == (record["width"], record["height"])
        assert fmt == {"webp": "WEBP", "jpeg": "JPEG"}[record["format"]]
    w480 = next(r for r in image.renditions if r["kind"] == "w480")
    assert (w480["width"], w480["height"]) == (480, 240)


def test_small_picture_is_never_enlarged(make_image):
    image = make_image(size=(300, 200), fmt="PNG")
    assert {r["width"] for r in image.renditions if r["kind"].startswith("w")} == {300}
    assert {r["width"] for r in image.renditions if r["kind"].startswith("sq")} == {96, 192, 200}
    assert {r["format"] for r in image.renditions} == {"webp", "png"}


@pytest.mark.parametrize(
    "data",
    [
        b"<svg xmlns='http://www.w3.org/2000/svg'></svg>",
        b"not a picture at all",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
    ],
)
def test_bad_files_are_refused_with_a_message_and_store_nothing(db, data, settings):
    with pytest.raises(ValidationError) as refusal:
        image_create(data=data, name="x.png")
    assert refusal.value.messages[0]
    assert Image.objects.count() == 0
    assert not (settings.MEDIA_ROOT / "images").exists()


def test_huge_pixel_counts_are_refused_before_decoding(db):
    from tests.blog.test_image_uploads import png_header_only

    with pytest.raises(ValidationError, match="too large"):
        image_create(data=png_header_only(20_000, 20_000), name="bomb.png")


def test_polyglot_keeps_only_pixels(db):
    data = picture_bytes("PNG", (50, 50)) + b"<html><script>alert(1)</script></html>"
    image = image_create(data=data, name="poly.png")
    for name in image.stored_names():
        with default_storage.open(name) as f:
            assert b"<script" not in f.read()


def test_description_too_long_is_refused(db):
    with pytest.raises(ValidationError):
        image_create(data=picture_bytes(), name="a.jpg", alt_text="x" * 201)
    assert Image.objects.count() == 0


def test_deleting_an_image_deletes_its_files(make_image, django_capture_on_commit_callbacks):
    image = make_image()
    names = image.stored_names()
    assert all(default_storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
    assert not any(default_storage.exists(name) for name in names)


def test_focal_point_moves_the_square_crop(make_image, django_capture_on_commit_callbacks):
    # Left half red, right half blue: a focal point on the right gives a blue square.
    buffer = io.BytesIO()
    picture = PILImage.new("RGB", (800, 400), (255, 0, 0))
    picture.paste((0, 0, 255), (400, 0, 800, 400))
    picture.save(buffer, "PNG")
    image = image_create(data=buffer.getvalue(), name="halves.png")

    def square_colour():
        square = next(r for r in image.renditions if r["kind"] == "sq96" and r["format"] == "png")
        with default_storage.open(square["name"]) as f, PILImage.open(f) as sq:
            return sq.convert("RGB").getpixel((48, 48))

    old = [r["name"] for r in image.renditions]
    with django_capture_on_commit_callbacks(execute=True):
        image_update(image=image, focal_x=0.95, focal_y=0.5)
    image.refresh_from_db()
    assert square_colour() == (0, 0, 255)
    assert not any(default_storage.exists(name) for name in old if name not in image.stored_names())
    with django_capture_on_commit_callbacks(execute=True):
        image_update(image=image, focal_x=0.0, focal_y=0.5)
    image.refresh_from_db()
    assert square_colour() == (255, 0, 0)


def test_rebuild_replaces_renditions(make_image, django_capture_on_commit_callbacks):
    image = make_image()
    before = {r["name"] for r in image.renditions}
    with django_capture_on_commit_callbacks(execute=True):
        renditions_rebuild(image=image)
    image.refresh_from_db()
    after = {r["name"] for r in image.renditions}
    assert len(after) == len(before)
    assert all(default_storage.exists(name) for name in after)
    assert not any(default_storage.exists(name) for name in before - after)


@pytest.mark.django_db(transaction=True)
def test_failed_save_leaves_no_files(settings, monkeypatch):
    def refuse(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(Image, "save", refuse)
    with pytest.raises(RuntimeError), transaction.atomic():
        image_create(data=picture_bytes(), name="a.jpg")
    folder = settings.MEDIA_ROOT / "images"
    assert not folder.exists() or not [p for p in folder.rglob("*") if p.is_file()]
