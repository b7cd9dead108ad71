"""Where imported pictures go: the media library (``images``) when it is installed, otherwise
the site's storage through the blog's safe upload path (``blog.images.reencode_image``: decoded,
re-encoded, metadata dropped). Everything the importer does with a picture goes through the
functions here, so the two stay interchangeable."""

from __future__ import annotations

import html
import posixpath
import uuid
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from blog.models import Post


class ImageRefused(Exception):
    """The file is not a picture the site accepts (the message says why)."""


@dataclass
class StoredImage:
    # The media library's picture id, or None when pictures are kept as plain files.
    pk: int | None
    # The stored file (the original) and its address.
    name: str
    url: str
    width: int
    height: int
    alt_text: str = ""
    caption: str = ""
    credit: str = ""
    obj: object | None = None
    # Files written by this run (removed again if the import rolls back).
    written: list[str] = field(default_factory=list)


def library_installed() -> bool:
    return apps.is_installed("images")


def image_store(
    *,
    data: bytes,
    name: str,
    uploaded_by=None,
    alt_text: str = "",
    caption: str = "",
    credit: str = "",
    created_at=None,
) -> StoredImage:
    """Add one picture; ImageRefused when it is not an acceptable image. ``created_at``: when
    the picture was first uploaded (kept by the media library), if not now."""
    if library_installed():
        from images.services import image_create

        try:
            image = image_create(
                data=data,
                name=name,
                uploaded_by=uploaded_by,
                alt_text=alt_text[:200],
                caption=caption,
                credit=credit[:200],
            )
        except ValidationError as exc:
            raise ImageRefused(" ".join(exc.messages)) from exc
        if created_at is not None:
            type(image).objects.filter(pk=image.pk).update(created_at=created_at)
            image.created_at = created_at
        stored = _from_library(image)
        stored.written = [image.file.name, *(r["name"] for r in image.renditions or ())]
        return stored

    from blog.images import reencode_image

    try:
        content, extension, _, (width, height) = reencode_image(data)
    except ValidationError as exc:
        raise ImageRefused(" ".join(exc.messages)) from exc
    stem = posixpath.splitext(posixpath.basename(name))[0][:60] or "image"
    stored = default_storage.save(
        f"imported/{uuid.uuid4().hex[:12]}-{stem}.{extension}", ContentFile(content)
    )
    return StoredImage(
        pk=None,
        name=stored,
        url=default_storage.url(stored),
        width=width,
        height=height,
        alt_text=alt_text,
        caption=caption,
        credit=credit,
        written=[stored],
    )


def _from_library(image) -> StoredImage:
    return StoredImage(
        pk=image.pk,
        name=image.file.name,
        url=image.file.url,
        width=image.width or 0,
        height=image.height or 0,
        alt_text=image.alt_text,
        caption=image.caption,
        credit=image.credit,
        obj=image,
    )


def image_find(*, pk: int | None, name: str) -> StoredImage | None:
    """A picture an earlier run stored, or None when it is gone."""
    if library_installed() and pk:
        from images.models import Image

        image = Image.objects.filter(pk=pk).first()
        return _from_library(image) if image else None
    if name and default_storage.exists(name):
        from django.core.files.images import get_image_dimensions

        with default_storage.open(name, "rb") as f:
            width, height = get_image_dimensions(f)
        return StoredImage(
            pk=None, name=name, url=default_storage.url(name), width=width or 0, height=height or 0
        )
    return None


def image_discard(image: StoredImage) -> None:
    """Remove the files a rolled-back import wrote."""
    for name in image.written:
        default_storage.delete(name)


def figure_source(image: StoredImage, *, alt: str, caption: str, credit: str) -> str:
    """The body source showing the picture as a figure with its caption and credit."""
    if image.obj is not None:
        from images.markdown import figure_markdown

        # An image inserted without a description takes the library's.
        return figure_markdown(image.obj, alt=alt or None, caption=caption, credit=credit)
    credit_html = f" <span>(Source: {html.escape(credit)})</span>" if credit else ""
    caption_html = f"<figcaption>{caption}{credit_html}</figcaption>" if caption or credit else ""
    return f"<figure>{inline_source(image, alt=alt)}{caption_html}</figure>"


def inline_source(image: StoredImage, *, alt: str) -> str:
    """An ``<img>`` of the picture inside a paragraph."""
    size = f' width="{image.width}" height="{image.height}"' if image.width else ""
    return f'<img src="{html.escape(image.url)}" alt="{html.escape(alt)}"{size}>'


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except Exception:
        return False
    return True


def featured_set(
    *, post: Post, image: StoredImage | None, alt: str, caption: str, credit: str
) -> None:
    """Make the picture the post's featured image (not saved: the caller saves the post)."""
    if image is not None and image.obj is not None and _has_field(Post, "featured"):
        post.featured = image.obj
        # The library's description shows through unless the post had its own.
        post.featured_image_alt = "" if alt == image.alt_text else alt[:200]
        post.featured_image_caption = "" if caption == image.caption else caption[:300]
        post.featured_image_credit = "" if credit == image.credit else credit[:200]
        return
    if image is not None:
        post.featured_image.name = image.name
        post.featured_image_width, post.featured_image_height = image.width, image.height
    else:
        if _has_field(Post, "featured"):
            post.featured = None
        post.featured_image = None
        post.featured_image_width = post.featured_image_height = None
    post.featured_image_alt = alt[:200]
    post.featured_image_caption = caption[:300]
    post.featured_image_credit = credit[:200]


def featured_of(post: Post) -> tuple[str, str] | None:
    """(file name, address) of the post's featured picture, for the export; None without."""
    featured = getattr(post, "featured", None) if _has_field(Post, "featured") else None
    if featured is not None:
        return featured.file.name, featured.file.url
    if post.featured_image:
        return post.featured_image.name, post.featured_image.url
    return None
