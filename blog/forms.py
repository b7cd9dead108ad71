from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from taggit.models import Tag

from blog.images import CleanImageField
from blog.locking import version_conflict
from blog.models import Post


class PostAdminForm(forms.ModelForm):
    """The post form of the admin. Authors without the publish permission may only save drafts or
    submit for review, and without the permission to add tags may only choose existing ones; the
    rules are checked here, on the server, whatever the browser sends."""

    request_user = None  # set by PostAdmin.get_form

    featured_image = CleanImageField(
        required=False,
        help_text="JPEG, PNG, WebP or GIF, at most 10 MB and 40 megapixels. Stored re-encoded, "
        "without camera metadata.",
    )

    # The post's version when the form was opened (blog.locking); the change form's template
    # renders it, and a stale one leads to the conflict page.
    version = forms.CharField(widget=forms.HiddenInput, required=False)

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
            "status",
            "published_at",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        user = self.request_user
        if "author" in self.fields:
            self.fields["author"].queryset = get_user_model().objects.filter(is_staff=True)
        if user is not None and "status" in self.fields and not user.has_perm("blog.publish_post"):
            allowed = {Post.Status.DRAFT, Post.Status.PENDING}
            if self.instance.pk and self.instance.status == Post.Status.PUBLISHED:
                allowed.add(Post.Status.PUBLISHED)
            self.fields["status"].choices = [
                (value, label) for value, label in Post.Status.choices if value in allowed
            ]
            self.fields[
                "status"
            ].help_text = "Submit for review when ready: an editor publishes it."

    def clean(self):
        """Two people editing one post: a save based on an older version than the saved one is
        refused (code ``stale_version``: the admin then shows the conflict page)."""
        cleaned = super().clean()
        opened = (self.data.get("version") or "").strip() if self.is_bound else ""
        if not self.instance.pk or not opened:
            # A form posted without its version (a script) is saved as before.
            return cleaned
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
        return cleaned

    def clean_status(self):
        status = self.cleaned_data["status"]
        user = self.request_user
        if (
            user is not None
            and status == Post.Status.PUBLISHED
            and not user.has_perm("blog.publish_post")
            and not (self.instance.pk and self.instance.status == Post.Status.PUBLISHED)
        ):
            raise ValidationError("Only editors can publish. Submit the post for review instead.")
        return status

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
