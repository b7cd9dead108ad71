"""Writes to the media library: adding a picture, describing it, rebuilding its renditions."""

import hashlib
import io
import posixpath
import unicodedata
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from PIL import Image as PILImage

from images.models import Image
from images.processing import max_upload_bytes, reencode_image
from images.renditions import renditions_render
from images.signals import delete_files_on_commit, image_changed

DESCRIPTION_FIELDS = ("title", "alt_text", "caption", "credit")


def clean_file_name(name: str) -> str:
    """The uploaded file's name as shown to editors: its last part, printable, bounded."""
    base = posixpath.basename(str(name or "").replace("\\", "/"))
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return base[:255]


def image_create(
    *,
    data: bytes,
    name: str,
    uploaded_by=None,
    alt_text: str = "",
    caption: str = "",
    credit: str = "",
    title: str | None = None,
) -> Image:
    """Add a picture to the library: re-encoded without metadata (``images.processing``),
    stored under a generated name, with every rendition made now, once. A file that is not an
    acceptable picture raises ValidationError with a message for editors and stores nothing."""
    limit = max_upload_bytes()
    if len(data) > limit:
        raise ValidationError(
            f"This file is larger than {limit // (1024 * 1024)} MB, the most an image may weigh. "
            "Export a smaller copy (for example 3000 pixels wide) and upload that.",
            code="too_big",
        )
    original_name = clean_file_name(name)
    image = Image(
        title=(title if title is not None else posixpath.splitext(original_name)[0])[:200],
        alt_text=alt_text or "",
        caption=caption or "",
        credit=credit or "",
        original_name=original_name,
        content_hash=hashlib.sha256(data).hexdigest(),
        uploaded_by=uploaded_by,
    )
    image.full_clean(exclude=["file", "width", "height", "renditions", "uploaded_by"])
    content, extension, _, (width, height) = reencode_image(data)
    today = timezone.now()
    stored = default_storage.save(
        f"images/{today:%Y/%m}/{uuid.uuid4().hex}.{extension}", ContentFile(content)
    )
    written = [stored]
    try:
        image.file.name = stored
        image.width, image.height, image.file_size = width, height, len(content)
        image.renditions = renditions_render(
            original=content,
            name=stored,
            original_format=image.file_format,
            focal_x=image.focal_x,
            focal_y=image.focal_y,
        )
        written += [r["name"] for r in image.renditions]
        with transaction.atomic():
            image.save()
    except BaseException:
        for written_name in written:
            default_storage.delete(written_name)
        raise
    return image


def image_update(*, image: Image, **changes) -> Image:
    """Change a picture's description and focal point. Moving the focal point cuts its square
    renditions again; places showing the picture are told (``image_changed``) after commit."""
    allowed = {*DESCRIPTION_FIELDS, "focal_x", "focal_y"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"image_update() got unexpected fields: {sorted(unknown)}")
    changed = [field for field, value in changes.items() if getattr(image, field) != value]
    if not changed:
        return image
    for field in changed:
        setattr(image, field, changes[field])
    image.full_clean(exclude=["file", "width", "height", "renditions", "uploaded_by"])
    with transaction.atomic():
        if {"focal_x", "focal_y"} & set(changed):
            renditions_rebuild(image=image, notify=False)
        image.save()
        transaction.on_commit(lambda: image_changed.send(sender=Image, image=image, fields=changed))
    return image


def renditions_rebuild(*, image: Image, notify: bool = True) -> Image:
    """Make every rendition of a picture again from its stored original; the files of the old
    ones go once the new list is committed."""
    with default_storage.open(image.file.name, "rb") as original:
        content = original.read()
    old = [r["name"] for r in image.renditions or ()]
    fresh = renditions_render(
        original=content,
        name=image.file.name,
        original_format=image.file_format,
        focal_x=image.focal_x,
        focal_y=image.focal_y,
    )
    image.renditions = fresh
    if not image.width or not image.file_size:
        with PILImage.open(io.BytesIO(content)) as probe:
            image.width, image.height = probe.size
        image.file_size = len(content)
    with transaction.atomic():
        if image.pk:
            Image.objects.filter(pk=image.pk).update(
                renditions=fresh,
                width=image.width,
                height=image.height,
                file_size=image.file_size,
            )
        kept = {r["name"] for r in fresh}
        delete_files_on_commit([name for name in old if name not in kept])
        if notify and image.pk:
            transaction.on_commit(
                lambda: image_changed.send(sender=Image, image=image, fields=["renditions"])
            )
    return image


def image_usages(image: Image) -> list[tuple[str, object]]:
    """Where a picture is used: (how, object) for every row of another model pointing at it
    (a post's featured image, a post's body, …), found through the relations those models
    declare, so the library knows no app that uses it. At most 50 of each kind."""
    found = []
    for relation in Image._meta.related_objects:
        if relation.related_model is Image:
            continue
        manager = getattr(image, relation.get_accessor_name())
        how = relation.field.verbose_name
        for obj in manager.all()[:50]:
            found.append((how, obj))
    return found


def duplicates_of(image: Image):
    """Other pictures of the library made from the very same file."""
    return Image.objects.filter(content_hash=image.content_hash).exclude(pk=image.pk)
