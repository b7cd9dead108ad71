from django.db import models

from blog.models import Post


class ImportedItem(models.Model):
    """What one thing of the WordPress export became here, keyed on WordPress's id: a re-run
    updates it instead of making another, and leaves it alone when nothing changed."""

    class Kind(models.TextChoices):
        AUTHOR = "author", "Author"
        CATEGORY = "category", "Category"
        TAG = "tag", "Tag"
        POST = "post", "Post"
        PAGE = "page", "Page"
        ATTACHMENT = "attachment", "Attachment"
        UPLOAD = "upload", "Uploaded file"
        COMMENT = "comment", "Comment"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    # WordPress's id (post, term, user id), or the file's path in the uploads folder.
    key = models.CharField(max_length=255)
    # The row it became (user, category, tag, post, picture); None when it was skipped.
    object_id = models.BigIntegerField(null=True, blank=True)
    # A stored file's name, for pictures kept outside the media library.
    target = models.CharField(max_length=500, blank=True)
    # A fingerprint of the item as exported: a re-run with the same one changes nothing.
    digest = models.CharField(max_length=64, blank=True)
    # The post's version when the import last wrote it: a higher one means someone edited it
    # here since, and a re-run keeps their edit.
    version = models.PositiveIntegerField(null=True, blank=True)
    # What WordPress knew and the site has no field for (a category's parent, a post's guid).
    data = models.JSONField(default=dict, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="wordpress_item_one_per_key"),
        ]
        indexes = [models.Index(fields=["kind", "object_id"], name="wordpress_item_object")]

    def __str__(self):
        return f"WordPress {self.kind} {self.key} → {self.object_id}"


class OldAddress(models.Model):
    """An address the post had on WordPress (``/?p=12``, ``/2019/03/05/slug/``, ``/slug/``, its
    guid, its permalink): requests for it are answered with a permanent redirect to the post."""

    # The path, percent-decoded, with the query when the address has one (``/?p=12``).
    path = models.CharField(max_length=500, unique=True)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="wordpress_addresses")

    class Meta:
        verbose_name = "old WordPress address"
        verbose_name_plural = "old WordPress addresses"

    def __str__(self):
        return self.path
