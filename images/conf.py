"""The media library's settings, read when used, with their defaults.

- ``IMAGES_UPLOAD_PERMISSION``: who may add pictures to the library (default
  ``blog.upload_media``, which the blog's Authors and Editors roles hold).
- ``IMAGES_MANAGE_ALL_PERMISSION``: who may edit and delete everyone's pictures, not only their
  own (default ``blog.edit_others_posts``: Editors).
- ``IMAGES_RENDITION_WIDTHS``: the widths pictures are resized to (never enlarged).
- ``IMAGES_SQUARE_SIZES``: the sides of the square crops (thumbnails, avatars).
"""

from django.conf import settings


def upload_permission() -> str:
    return getattr(settings, "IMAGES_UPLOAD_PERMISSION", "blog.upload_media")


def manage_all_permission() -> str:
    return getattr(settings, "IMAGES_MANAGE_ALL_PERMISSION", "blog.edit_others_posts")


def rendition_widths() -> tuple[int, ...]:
    return tuple(getattr(settings, "IMAGES_RENDITION_WIDTHS", (480, 960, 1600)))


def square_sizes() -> tuple[int, ...]:
    return tuple(getattr(settings, "IMAGES_SQUARE_SIZES", (96, 192, 400)))


def can_upload(user) -> bool:
    """May add pictures to the library."""
    return bool(user.is_active and user.is_staff and user.has_perm(upload_permission()))


def can_manage_all(user) -> bool:
    """May edit and delete every picture of the library."""
    return bool(user.is_active and user.is_staff and user.has_perm(manage_all_permission()))


def can_change(user, image) -> bool:
    """Editors change every picture; people who may upload change their own."""
    if can_manage_all(user):
        return True
    return can_upload(user) and image is not None and image.uploaded_by_id == user.pk
