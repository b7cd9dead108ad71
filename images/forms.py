from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from images.models import Image
from images.processing import max_upload_bytes, reencode_image

MAX_FILES_AT_ONCE = 20


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several pictures in one field; each is checked like any upload of the site."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        files = [f for f in files if f]
        if not files:
            raise ValidationError("Choose at least one picture to upload.", code="required")
        if len(files) > MAX_FILES_AT_ONCE:
            raise ValidationError(
                f"Upload at most {MAX_FILES_AT_ONCE} pictures at once; you chose {len(files)}.",
                code="too_many",
            )
        errors = []
        limit = max_upload_bytes()
        for upload in files:
            name = upload.name or "upload"
            if upload.size > limit:
                errors.append(
                    f"{name}: this file is larger than {limit // (1024 * 1024)} MB, the most an "
                    "image may weigh. Export a smaller copy and upload that."
                )
                continue
            upload.seek(0)
            try:
                reencode_image(upload.read())
            except ValidationError as refusal:
                errors.extend(f"{name}: {message}" for message in refusal.messages)
            upload.seek(0)
        if errors:
            raise ValidationError(errors)
        return files


def request_limit_mb() -> int:
    return getattr(settings, "REQUEST_BODY_MAX_BYTES", 0) // (1024 * 1024)


class ImageUploadForm(forms.Form):
    files = MultipleImageField(
        label="Pictures",
        help_text="JPEG, PNG, WebP or GIF, at most 10 MB and 40 megapixels each; up to 20 at once. "
        "They are stored re-encoded without camera metadata (GPS position included), and "
        "resized once for every page that shows them.",
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )
    alt_text = forms.CharField(
        label="Description (alt text)",
        max_length=200,
        required=False,
        help_text="What the picture shows, for readers who cannot see it. With several "
        "pictures, describe each one afterwards on its own page.",
    )
    caption = forms.CharField(max_length=300, required=False, help_text="Shown under the picture.")
    credit = forms.CharField(
        max_length=200,
        required=False,
        help_text='Who made the picture, shown as "(Source: …)" after the caption.',
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if request_limit_mb():
            self.fields["files"].help_text = (
                "JPEG, PNG, WebP or GIF, at most 10 MB and 40 megapixels each; up to 20 at once "
                f"and {request_limit_mb()} MB together. They are stored re-encoded without camera "
                "metadata (GPS position included), and resized once for every page that shows "
                "them."
            )


class ImageChangeForm(forms.ModelForm):
    class Meta:
        model = Image
        fields = ["title", "alt_text", "caption", "credit", "focal_x", "focal_y"]
        widgets = {
            "focal_x": forms.NumberInput(attrs={"min": 0, "max": 1, "step": 0.01}),
            "focal_y": forms.NumberInput(attrs={"min": 0, "max": 1, "step": 0.01}),
        }

    def clean(self):
        cleaned = super().clean()
        for name in ("focal_x", "focal_y"):
            value = cleaned.get(name)
            if value is not None and not 0 <= value <= 1:
                self.add_error(name, "Give a number from 0 to 1 (0.5 is the middle).")
        return cleaned


class ImageUploadField(forms.FileField):
    """One picture, checked like every upload of the site (size, format, pixels) and kept as
    sent: ``images.services.image_create`` stores it re-encoded."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or upload is initial:
            return None
        limit = max_upload_bytes()
        if upload.size > limit:
            raise ValidationError(
                f"This file is larger than {limit // (1024 * 1024)} MB, the most an image may "
                "weigh. Export a smaller copy (for example 3000 pixels wide) and upload that."
            )
        upload.seek(0)
        reencode_image(upload.read())
        upload.seek(0)
        return upload
