"""The media library: pictures uploaded once, described once, placed in many posts.

Each picture is stored re-encoded (``images.processing``) and resized once, when uploaded, into
renditions: a few widths and square crops, as WebP and in the picture's own format. The list of
renditions is kept on the row (``renditions``), so a page showing a picture reads one row and
never opens a file or makes a picture.
"""

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Q


class Image(models.Model):
    file = models.FileField(upload_to="images/%Y/%m/", max_length=255, editable=False)
    title = models.CharField(
        max_length=200,
        blank=True,
        help_text="For finding the picture in the library; readers do not see it.",
    )
    alt_text = models.CharField(
        "description (alt text)",
        max_length=200,
        blank=True,
        help_text="What the picture shows, for readers who cannot see it. Leave empty only for a "
        "purely decorative picture; the caption stands in for it.",
    )
    caption = models.CharField(
        max_length=300, blank=True, help_text="Shown under the picture wherever it is placed."
    )
    credit = models.CharField(
        max_length=200,
        blank=True,
        help_text='Who made the picture, shown as "(Source: …)" after the caption.',
    )
    focal_x = models.FloatField(
        "focal point (across)",
        default=0.5,
        help_text="Where the subject is, from the left edge (0) to the right edge (1): square "
        "thumbnails are cut around it.",
    )
    focal_y = models.FloatField(
        "focal point (down)",
        default=0.5,
        help_text="Where the subject is, from the top (0) to the bottom (1).",
    )
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    file_size = models.PositiveIntegerField(editable=False, default=0)
    original_name = models.CharField(
        max_length=255, blank=True, editable=False, help_text="The uploaded file's name."
    )
    content_hash = models.CharField(
        max_length=64, editable=False, db_index=True, help_text="SHA-256 of the uploaded file."
    )
    # [{"kind": "w960", "format": "webp", "name": "...", "width": 960, "height": 640}, ...]
    renditions = models.JSONField(default=list, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="uploaded_images",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="image_focal_point_inside",
            ),
        ]

    def __str__(self):
        return self.title or self.original_name or f"Image {self.pk}"

    @property
    def label(self) -> str:
        return str(self)

    @property
    def description(self) -> str:
        """The alt text readers get: the description, else the caption."""
        return self.alt_text or self.caption

    def rendition_list(self, kind_prefix: str, fmt: str | None = None) -> list[dict]:
        """Stored renditions whose kind starts with ``kind_prefix`` ("w" widths, "sq" squares),
        in one format (default: the picture's own), smallest first."""
        fmt = fmt or self.file_format
        found = [
            r
            for r in self.renditions or ()
            if r["kind"].startswith(kind_prefix) and r["format"] == fmt
        ]
        return sorted(found, key=lambda r: r["width"])

    @property
    def file_format(self) -> str:
        name = self.file.name.lower()
        if name.endswith(".png"):
            return "png"
        if name.endswith(".webp"):
            return "webp"
        return "jpeg"

    @property
    def url(self) -> str:
        return self.file.url if self.file else ""

    def rendition_url(self, rendition: dict) -> str:
        return default_storage.url(rendition["name"])

    def stored_names(self) -> list[str]:
        """Every file the picture keeps in storage: the original and its renditions."""
        names = [r["name"] for r in self.renditions or ()]
        if self.file:
            names.insert(0, self.file.name)
        return names
