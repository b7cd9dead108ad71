from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from taggit.models import Tag

from blog.images import CleanImageField
from blog.models import Post
from blog.workflow import (
    MAX_NOTE_LENGTH,
    TransitionForbidden,
    TransitionRefused,
    transition_check,
)

# Which form field a refused move's details belong to.
TRANSITION_ERROR_FIELDS = {
    "note": "transition_note",
    "note_length": "transition_note",
    "no_time": "schedule_at",
    "past_time": "schedule_at",
}


class PostAdminForm(forms.ModelForm):
    """The post form of the admin. The status is not a field: it changes only through the
    workflow's moves (``blog.workflow``), asked for by the button pressed (``transition``) and
    checked here, on the server, before anything is saved, so a refused move keeps what was
    typed. Without the permission to add tags, only existing tags may be chosen."""

    request_user = None  # set by PostAdmin.get_form
    transition = ""  # the workflow move asked for with this save (PostAdmin.get_form)

    featured_image = CleanImageField(
        required=False,
        help_text="JPEG, PNG, WebP or GIF, at most 10 MB and 40 megapixels. Stored re-encoded, "
        "without camera metadata.",
    )

    opened_version = forms.CharField(widget=forms.HiddenInput, required=False)

    transition_note = forms.CharField(
        label="Note",
        required=False,
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Editors: what should change before the post can be published (required to "
        "request changes; the author reads it on this page and by email). Anyone: a note kept "
        "in the post's history with the step.",
    )
    schedule_at = forms.SplitDateTimeField(
        label="Publish at",
        required=False,
        widget=AdminSplitDateTime,
        help_text="For “Schedule”: the date and time the post appears on the site.",
    )

    class Meta:
        model = Post
        fields = [
            "title",
            "slug",
            "author",
            "excerpt",
            "body",
            "featured_image",
            "featured_image_alt",
            "featured_image_caption",
            "featured_image_credit",
            "source_name",
            "source_url",
            "categories",
            "tags",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["opened_version"].initial = self.instance.updated_at.isoformat()
        if "author" in self.fields:
            self.fields["author"].queryset = get_user_model().objects.filter(is_staff=True)
        if self.instance.pk and self.instance.status == Post.Status.PUBLISHED:
            self.fields["schedule_at"].initial = self.instance.published_at

    def clean_opened_version(self):
        """Two people editing one post: the second save must not silently undo the first."""
        opened = self.cleaned_data.get("opened_version")
        if not self.instance.pk or not opened:
            return opened
        current = Post.objects.filter(pk=self.instance.pk).values_list("updated_at", flat=True)
        current = current.first()
        if current is not None and current.isoformat() != opened:
            raise ValidationError(
                "Someone else saved this post after you opened it. Copy your changes, reload the "
                "page to see theirs, and apply yours again."
            )
        return opened

    def clean(self):
        cleaned = super().clean()
        if not self.transition or self.request_user is None:
            return cleaned
        post = self.instance
        if not post.pk:
            post = Post(author_id=(cleaned.get("author") or self.request_user).pk)
        try:
            transition_check(
                post=post,
                action=self.transition,
                user=self.request_user,
                note=cleaned.get("transition_note") or "",
                publish_at=cleaned.get("schedule_at"),
            )
        except TransitionForbidden as refusal:
            self.add_error(None, str(refusal))
        except TransitionRefused as refusal:
            self.add_error(TRANSITION_ERROR_FIELDS.get(refusal.code), refusal.messages)
        return cleaned

    def clean_tags(self):
        """Tags are matched case-insensitively (as taggit stores them); a name matching none is a
        new tag, which only users with the permission to add tags may create."""
        names = self.cleaned_data["tags"]
        user = self.request_user
        if not names or user is None or user.has_perm("taggit.add_tag"):
            return names
        matches = Tag.objects.alias(folded=Lower("name")).filter(
            folded__in={name.lower() for name in names}
        )
        known = {name.lower() for name in matches.values_list("name", flat=True)}
        unknown = [name for name in names if name.lower() not in known]
        if unknown:
            raise ValidationError(
                "Only editors can create new tags: %(names)s. Choose existing tags, or ask an "
                "editor to create these.",
                params={"names": ", ".join(unknown)},
            )
        return names
