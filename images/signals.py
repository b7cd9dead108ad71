"""The library's signals, and its own clean-up.

``image_changed`` is sent after a picture's description or renditions change (its caption,
credit, alt text, focal point, rebuilt renditions), once the change is committed: apps that
placed the picture in rendered text (the blog's post bodies) render that text again.
"""

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import Signal, receiver

from images.models import Image

# Sent with ``image`` (the saved Image) and ``fields`` (the names of what changed).
image_changed = Signal()


def delete_files_on_commit(names: list[str]) -> None:
    """Delete stored files once the transaction that stopped needing them commits (a rollback
    keeps them, with the rows still pointing at them)."""

    def delete():
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete)


@receiver(post_delete, sender=Image, dispatch_uid="images.image_deleted_files")
def delete_image_files(sender, instance, **kwargs):
    delete_files_on_commit(instance.stored_names())
