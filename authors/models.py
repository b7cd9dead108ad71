from django.conf import settings
from django.db import models
from django.db.models import OuterRef
from django.urls import reverse
from django.utils import timezone

from blog.querysets import published_count_for_author
from blog.rendering import render_markdown


class AuthorProfileQuerySet(models.QuerySet):
    def with_post_counts(self) -> "AuthorProfileQuerySet":
        """Each profile annotated with ``post_count``: the author's published posts only."""
        return self.select_related("user", "avatar_picture").annotate(
            post_count=published_count_for_author(OuterRef("user"))
        )

    def listed(self) -> "AuthorProfileQuerySet":
        """Profiles shown on the public authors page: active users, most prolific first."""
        return (
            self.filter(user__is_active=True)
            .with_post_counts()
            .order_by("-post_count", "display_name")
        )


def account_name(user) -> str:
    """The name an account gives its author until they choose one: the person's full name, or
    the username while the account has none (cut to fit a display name)."""
    name = user.get_full_name() or user.get_username()
    return name[: AuthorProfile._meta.get_field("display_name").max_length]


class AuthorProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(
        max_length=100, help_text="The name readers see on posts and in the author box."
    )
    bio = models.TextField(blank=True, help_text="Markdown. A few sentences about the author.")
    bio_html = models.TextField(editable=False, default="")
    avatar_picture = models.ForeignKey(
        "images.Image",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="avatar_of_profiles",
        verbose_name="avatar",
        help_text="A picture of the media library, shown as a circle: choose one, or upload a "
        "new one below. Its focal point says where the face is.",
    )
    # Before the media library: a file on the profile itself, still shown when the profile has
    # no library picture (authors.0004 moved the existing ones into the library).
    avatar = models.ImageField(upload_to="avatars/", blank=True)
    website = models.URLField(blank=True)
    mastodon = models.URLField(blank=True, help_text="Full address of the Mastodon profile.")
    bluesky = models.URLField(blank=True, help_text="Full address of the Bluesky profile.")
    linkedin = models.URLField(blank=True, help_text="Full address of the LinkedIn profile.")
    github = models.URLField(blank=True, help_text="Full address of the GitHub profile.")
    joined = models.DateField(default=timezone.localdate)

    objects = AuthorProfileQuerySet.as_manager()

    class Meta:
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        if not self.display_name:
            # Until the author chooses one: the account's name, which it then follows
            # (authors.services.profile_name_follow).
            self.display_name = account_name(self.user)
        self.bio_html = render_markdown(self.bio)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("authors:detail", kwargs={"username": self.user.get_username()})

    @classmethod
    def from_db(cls, db, field_names, values):
        profile = super().from_db(db, field_names, values)
        # Search re-indexes an author's posts only when the name they are found by changes.
        profile._indexed_display_name = profile.__dict__.get("display_name")
        return profile

    @property
    def social_links(self) -> list[tuple[str, str]]:
        links = [
            ("Website", self.website),
            ("Mastodon", self.mastodon),
            ("Bluesky", self.bluesky),
            ("LinkedIn", self.linkedin),
            ("GitHub", self.github),
        ]
        return [(label, url) for label, url in links if url]
