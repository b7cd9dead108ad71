"""Image uploads (featured images, avatars) under attack: a folder of hostile and real-world files,
each refused with a message an editor understands or stored as a clean re-encoded picture under a
generated name; never a 500, never stored bytes other than the picture, never the uploader's path.
"""

import random
import re
from pathlib import Path

import pytest
from django import forms
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ImageFile

from authors.models import AuthorProfile
from blog.images import CleanImageField, reencode_image
from blog.models import Post
from tests.admin_forms import inline_management_data
from tests.security import upload_files as files

CASES = files.cases()
# Every refusal speaks to the editor in one of these terms.
MESSAGES = ("not an image we accept", "damaged", "too large", "empty", "larger than")
# Uploads join the media library under generated names; renditions are named after them.
STORED_NAME = re.compile(r"^images/\d{4}/\d{2}/[0-9a-f]{32}\.(jpg|png|webp)$")
RENDITION_NAME = re.compile(
    r"^images/renditions/[0-9a-f]{2}/[0-9a-f]{32}-(w|sq)\d+[-\w]*\.(jpg|png|webp)$"
)


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory) -> Path:
    """The files as they would sit on an attacker's disk, written by this test run."""
    folder = tmp_path_factory.mktemp("hostile-uploads")
    for case in CASES:
        (folder / case.name).write_bytes(case.data)
    return folder


def upload(case: files.Case, folder: Path, filename: str | None = None) -> SimpleUploadedFile:
    data = (folder / case.name).read_bytes()
    return SimpleUploadedFile(filename or case.filename, data, case.content_type)


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def post_form(client) -> dict:
    form = {
        "title": "With picture", "slug": "", "excerpt": "", "body": "Body",
        "featured_image_alt": "", "featured_image_caption": "", "featured_image_credit": "",
        "source_name": "", "source_url": "", "tags": "", "status": "draft",
        "published_at_0": "", "published_at_1": "",
    }  # fmt: skip
    form.update(inline_management_data(client, reverse("admin:blog_post_add")))
    return form


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_hostile_file_is_refused_with_a_message_or_cleaned(case, hostile_folder):
    field = CleanImageField(required=False)
    if case.outcome != files.ACCEPTED:
        with pytest.raises(forms.ValidationError) as refused:
            field.clean(upload(case, hostile_folder))
        assert case.outcome in " ".join(refused.value.messages)
        return
    stored = field.clean(upload(case, hostile_folder))
    name, extension = stored.name.rsplit(".", 1)
    assert re.fullmatch(r"[0-9a-f]{32}", name)
    picture = files.assert_clean_image(stored.read(), extension)
    if case.check:
        case.check(picture)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_files_sent_to_the_post_admin_never_fail_or_store_more_than_a_picture(
    case, hostile_folder, client, author, settings
):
    client.force_login(author)
    response = client.post(
        reverse("admin:blog_post_add"),
        {**post_form(client), "featured_image": upload(case, hostile_folder)},
    )
    if case.outcome != files.ACCEPTED:
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors["featured_image"]
        assert case.outcome in " ".join(errors)
        assert not Post.objects.exists()
        assert stored_files(settings) == []
        return
    assert response.status_code == 302
    picture = Post.objects.get().featured
    image = picture.file
    assert STORED_NAME.match(image.name), image.name
    with image.open("rb") as stored:
        files.assert_clean_image(stored.read(), image.name.rsplit(".", 1)[1])
    root = Path(settings.MEDIA_ROOT)
    expected = {root / name for name in picture.stored_names()}
    assert set(stored_files(settings)) == expected
    for rendition in picture.renditions:
        assert RENDITION_NAME.match(rendition["name"]), rendition["name"]
        with default_storage.open(rendition["name"]) as stored:
            files.assert_clean_image(stored.read(), rendition["name"].rsplit(".", 1)[1])


UPLOADER_NAMES = [
    "../../etc/passwd.jpg",
    "..\\..\\windows\\win.ini.jpg",
    "/etc/passwd",
    "a" * 300 + ".jpg",
    "con.jpg",
    "фото из отпуска 📷.jpg",
    "nul\x00byte.jpg",
    ".htaccess",
    "shell.php.jpg",
    "page.html",
]


@pytest.mark.parametrize("filename", UPLOADER_NAMES)
def test_the_uploaders_file_name_never_reaches_storage(filename, client, author, settings):
    client.force_login(author)
    picture = SimpleUploadedFile(filename, files.exif_gps_rotated(), "image/jpeg")
    response = client.post(
        reverse("admin:blog_post_add"), {**post_form(client), "featured_image": picture}
    )
    assert response.status_code == 302
    image = Post.objects.get().featured.file
    assert STORED_NAME.match(image.name), image.name
    assert Path(image.path).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())


def test_multi_picture_jpeg_from_a_phone_is_stored_as_a_plain_jpeg_of_its_first_picture():
    content, extension, content_type, size = reencode_image(files.mpo())
    assert (extension, content_type, size) == ("jpg", "image/jpeg", (40, 30))
    files.first_frame_of_mpo(files.assert_clean_image(content, extension))
    assert b"MPF\x00" not in content and b"SECRET" not in content


@pytest.mark.parametrize(
    ("data", "extension"),
    [
        (files.jpeg_with_every_metadata(), "jpg"),
        (files.png_with_every_metadata(), "png"),
        (files.webp_with_every_metadata(), "webp"),
    ],
    ids=["jpeg", "png", "webp"],
)
def test_comment_and_every_other_metadata_segment_are_dropped(data, extension):
    """EXIF (with GPS), XMP, IPTC, ICC profile, JPEG comment, PNG text chunks, WebP EXIF/XMP."""
    content, stored_extension, _, _ = reencode_image(data)
    assert stored_extension == extension
    files.assert_clean_image(content, extension)  # segment by segment, chunk by chunk
    for secret in (b"SECRET", b"<script", b"ICC_PROFILE", b"Exif\x00", b"http://ns.adobe.com"):
        assert secret not in content


@pytest.mark.parametrize(
    "data",
    [
        files.png_declaring(20_000, 20_000),
        files.png_declaring(100_000, 1),
        files.jpeg_with_size(files.noisy_jpeg(), 9_000, 9_000),
        files.webp_declaring(8_000, 8_000),
        files.gif(screen=(30_000, 30_000)),
    ],
    ids=["png-20000x20000", "png-100000x1", "jpeg-9000x9000", "webp-8000x8000", "gif-screen"],
)
def test_pixel_limits_are_checked_from_the_header_before_decoding(data, monkeypatch):
    def no_decoding(image):
        raise AssertionError("a decompression bomb was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    with pytest.raises(forms.ValidationError, match="too large"):
        reencode_image(data)


def mutated(data: bytes, rng: random.Random) -> bytes:
    """One random damage: flipped bytes, a cut, inserted noise, a repeated slice or a size field
    set to its largest or smallest value."""
    data = bytearray(data)
    at = rng.randrange(len(data))
    kind = rng.randrange(5)
    if kind == 0:
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif kind == 1:
        del data[at:]
    elif kind == 2:
        data[at:at] = rng.randbytes(rng.randint(1, 64))
    elif kind == 3:
        data[at:at] = data[at : at + rng.randint(1, 256)]
    else:
        data[at : at + rng.randint(2, 4)] = rng.choice([b"\xff", b"\x00"]) * 4
    return bytes(data)


@pytest.mark.filterwarnings("ignore:.*:UserWarning:PIL")  # Pillow's notes on the corrupt EXIF
def test_damaged_variants_of_every_format_are_refused_or_stored_clean():
    """A fuzz run with a fixed seed: 600 damaged copies of real-world images."""
    seeds = [
        files.noisy_jpeg(),
        files.mpo(),
        files.exif_gps_rotated(),
        files.png_with_every_metadata(),
        files.palette_png_with_transparency(),
        files.apng(),
        files.animated_gif(),
        files.animated_webp(),
        files.webp_with_every_metadata(),
    ]
    rng = random.Random(20260514)
    outcomes = {"refused": 0, "stored": 0}
    for _ in range(600):
        data = mutated(rng.choice(seeds), rng)
        try:
            content, extension, _, _ = reencode_image(data)
        except forms.ValidationError as refused:
            assert any(term in refused.messages[0] for term in MESSAGES), refused.messages
            outcomes["refused"] += 1
        else:
            files.assert_clean_image(content, extension)
            outcomes["stored"] += 1
    assert outcomes["refused"] > 50 and outcomes["stored"] > 50, outcomes


def test_avatar_upload_is_cleaned_like_a_featured_image(client, author, settings):
    client.force_login(author)
    profile = AuthorProfile.objects.get(user=author)  # made with the account
    url = reverse("admin:authors_authorprofile_change", args=[profile.pk])
    form = {"display_name": "Author", "bio": "", "website": "", "mastodon": "", "bluesky": ""}
    form.update({"linkedin": "", "github": ""})

    svg = SimpleUploadedFile("me.svg", files.SVG, "image/svg+xml")
    response = client.post(url, {**form, "avatar": svg})
    assert response.status_code == 200
    assert "not an image we accept" in " ".join(response.context["adminform"].form.errors["avatar"])
    assert stored_files(settings) == []

    photo = SimpleUploadedFile("../../me.jpg", files.jpeg_with_every_metadata(), "image/jpeg")
    response = client.post(url, {**form, "avatar": photo})
    assert response.status_code == 302
    profile = AuthorProfile.objects.get()
    assert not profile.avatar and profile.avatar_picture.uploaded_by == author
    avatar = profile.avatar_picture.file
    assert STORED_NAME.match(avatar.name), avatar.name
    with avatar.open("rb") as stored:
        files.rotated_size(files.assert_clean_image(stored.read(), "jpg"))
