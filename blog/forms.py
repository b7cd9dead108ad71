from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from taggit.models import Tag

from blog.locking import version_conflict
from blog.models import Post
from blog.rendering import render_markdown
from blog.roles import can_upload_media
from blog.workflow import (
    MAX_NOTE_LENGTH,
    TransitionForbidden,
    TransitionRefused,
    transition_check,
)
from images.forms import ImageUploadField
from images.markdown import Figures
from images.models import Image
from images.services import image_create
from images.widgets import ImageChooserWidget

# A body placing pictures the library does not have: the form refuses it, the editor's preview
# warns with the same words (blog.editor_admin).
MISSING_FIGURES = (
    "These figures place no picture of the media library: %(refs)s. Choose the picture again "
    "with “Insert image”, or remove the line."
)


def missing_figure_refs(problems: list[str]) -> str:
    """The references to no picture, each once, in the order they appear."""
    return ", ".join(dict.fromkeys(problems))


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

    featured = forms.ModelChoiceField(
        queryset=Image.objects.all(),
        required=False,
        label="Featured image",
        widget=ImageChooserWidget,
        help_text="Shown at the top of the post, on lists and in link previews. Choose a picture "
        "of the media library, or upload a new one below.",
        error_messages={
            "invalid_choice": "No picture of the media library has this number. Use “Choose "
            "from library”, or upload the picture below."
        },
    )
    # An upload lands in the media library and becomes the featured image (save()).
    featured_image = ImageUploadField(
        required=False,
        label="Or upload a new picture",
        help_text="JPEG, PNG, WebP or GIF, at most 10 MB and 40 megapixels. It is added to the "
        "media library (re-encoded, without camera metadata) with the description, caption and "
        "credit below, and becomes the featured image.",
    )

    # The post's version when the form was opened (blog.locking); the change form's template
    # renders it, and a stale one leads to the conflict page.
    version = forms.CharField(widget=forms.HiddenInput, required=False)

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
            "featured",
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
            self.fields["version"].initial = self.instance.version
        if "author" in self.fields:
            self.fields["author"].queryset = get_user_model().objects.filter(is_staff=True)
        if self.instance.pk and self.instance.status == Post.Status.PUBLISHED:
            self.fields["schedule_at"].initial = self.instance.published_at
        self.setup_featured_image_fields()

    def setup_featured_image_fields(self):
        """The featured picture comes from the media library; only people who may add to the
        library (Authors, Editors) may upload one here."""
        for name in ("featured_image_alt", "featured_image_caption", "featured_image_credit"):
            if name in self.fields:
                self.fields[name].help_text = (
                    "With an upload: stored in the library with the picture. Otherwise: for "
                    "this post only; leave empty to use the library's."
                )
        upload = self.fields.get("featured_image")
        user = self.request_user
        if upload is not None and user is not None and not can_upload_media(user):
            upload.disabled = True
            upload.help_text = (
                "Only authors and editors can add pictures to the media library: choose one "
                "already there, or ask an editor to upload yours."
            )

    def save(self, commit=True):
        """An uploaded picture joins the media library (with the description, caption and
        credit typed beside it) and becomes the featured image; a post's picture from before
        the library gives way to whatever is chosen."""
        upload = self.cleaned_data.get("featured_image")
        if upload:
            upload.seek(0)
            self.instance.featured = image_create(
                data=upload.read(),
                name=upload.name,
                uploaded_by=self.request_user,
                alt_text=self.instance.featured_image_alt,
                caption=self.instance.featured_image_caption,
                credit=self.instance.featured_image_credit,
            )
            self.instance.featured_image_alt = ""
            self.instance.featured_image_caption = ""
            self.instance.featured_image_credit = ""
        if upload or "featured" in self.changed_data:
            self.instance.featured_image = ""
            self.instance.featured_image_width = self.instance.featured_image_height = None
        return super().save(commit)

    def clean_body(self):
        """A figure must place a picture of the media library: a reference to none (a typo, a
        number from another site) would show nothing to readers, so the author is told."""
        body = self.cleaned_data.get("body", "")
        figures = Figures(body)
        render_markdown(body, figures=figures)
        if figures.problems:
            raise ValidationError(
                MISSING_FIGURES,
                params={"refs": missing_figure_refs(figures.problems)},
                code="missing_image",
            )
        return body

    def clean(self):
        cleaned = super().clean()
        self.clean_version()
        self.clean_transition(cleaned)
        return cleaned

    def clean_version(self):
        """Two people editing one post: a save based on an older version than the saved one is
        refused (code ``stale_version``: the admin then shows the conflict page)."""
        opened = (self.data.get("version") or "").strip() if self.is_bound else ""
        if not self.instance.pk or not opened:
            # A form posted without its version (a script) is saved as before.
            return
        if not opened.isdigit() or len(opened) > 9:
            raise ValidationError(
                "This form is damaged (its version marker is not a number). Copy your changes "
                "and reload the page.",
                code="bad_version",
            )
        current = version_conflict(post_id=self.instance.pk, opened_version=int(opened))
        if current is not None:
            self.current_version = current
            raise ValidationError(
                "Someone else saved this post after you opened it.", code="stale_version"
            )

    def clean_transition(self, cleaned):
        """The step asked for with the save (a button under the form) must be one this user may
        take from the post's state; refused, the form shows why and keeps what was typed."""
        if not self.transition or self.request_user is None:
            return
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
