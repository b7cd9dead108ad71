import html

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.images import get_image_dimensions
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator, slugify
from taggit.managers import TaggableManager

from blog.querysets import PostQuerySet
from blog.rendering import render_body


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True, allow_unicode=True)
    description = models.TextField(blank=True, help_text="Shown at the top of the category page.")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name, allow_unicode=True)[:100]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("blog:category", kwargs={"slug": self.slug})


def unique_slug(title: str, *, taken, max_length: int = 200) -> str:
    """The site's one slug rule: the title slugified (unicode kept), suffixed -2, -3 … until it
    is not in ``taken`` — a set of addresses already used (``Post.objects.addresses()``), or a
    queryset of posts whose current and old addresses are taken (only those sharing the slug's
    stem are read). A set gets the new slug added, so a batch of posts can be given slugs without
    a query each."""
    base = slugify(title, allow_unicode=True)[: max_length - 8].strip("-") or "post"
    if isinstance(taken, models.QuerySet):
        taken = taken.addresses(prefix=base)
        remember = False
    else:
        remember = True
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    if remember:
        taken.add(slug)
    return slug


SLUG_ATTEMPTS = 10
# Words of the body standing in for a missing excerpt (lists' descriptions, feed summaries).
SUMMARY_WORDS = 40

OLD_ADDRESS_TAKEN = (
    "This is the old address of another post, and its old links still lead there. "
    "Choose another slug."
)


class Post(models.Model):
    class Status(models.TextChoices):
        # A published post dated in the future is scheduled: readers see it from that time on.
        # Change a status only through blog.workflow.post_transition().
        DRAFT = "draft", "Draft"
        CHANGES_REQUESTED = "changes", "Changes requested"
        PENDING = "pending", "Pending review"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        blank=True,
        allow_unicode=True,
        help_text="The last part of the post's address. Left blank, it is made from the title.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts"
    )
    excerpt = models.TextField(
        blank=True, help_text="One or two sentences shown on lists and in feeds."
    )
    body = models.TextField(
        help_text="Markdown. Raw HTML is allowed but scripts, event handlers and "
        "javascript: links are removed. A quote's last line starting with —, –, -- or ~ is its "
        "attribution."
    )
    body_html = models.TextField(editable=False, default="")
    featured = models.ForeignKey(
        "images.Image",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="featured_in_posts",
        verbose_name="featured image",
        help_text="The picture at the top of the post, on lists and in link previews: choose "
        "one from the media library, or upload a new one below.",
    )
    # Pictures of the media library the body places as figures (kept by save(), see
    # blog.figures): their edits render the body again, and they cannot be deleted while used.
    body_images = models.ManyToManyField(
        "images.Image", blank=True, related_name="body_of_posts", verbose_name="body figure"
    )
    # Before the media library: an uploaded file on the post itself. Still shown when a post has
    # no library picture; new uploads go to the library (blog.0013 moved the existing ones).
    featured_image = models.ImageField(upload_to="featured/%Y/%m/", blank=True)
    # Stored with the row so pages never open the image file to size it.
    featured_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    featured_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    featured_image_alt = models.CharField(
        max_length=200,
        blank=True,
        help_text="What the image shows, for readers who cannot see it. Defaults to the caption.",
    )
    featured_image_caption = models.CharField(max_length=300, blank=True)
    featured_image_credit = models.CharField(
        max_length=200, blank=True, help_text='Shown as "(Source: …)" after the caption.'
    )
    source_name = models.CharField(
        max_length=200, blank=True, help_text='Shown as "Read more at <source name>…".'
    )
    source_url = models.URLField(max_length=500, blank=True)
    categories = models.ManyToManyField(Category, related_name="posts", blank=True)
    tags = TaggableManager(blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="Set by publishing or scheduling: a published post dated in the future stays "
        "hidden until then.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic locking: one more on every save. A form carries the version it was opened at and
    # a save based on an older one is refused (blog.locking), so no edit silently undoes another.
    version = models.PositiveIntegerField(default=1, editable=False)
    # When something the post's cached card shows last changed: the post itself, or (stamped by
    # blog.versions) its author's names, a category, a tag or its featured picture. Cards are
    # keyed by it (core.pagecache.versioned_key); a time, not a counter, so a database restored
    # from a backup never meets a card cached after the backup was taken.
    shown_changed_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        permissions = [
            ("publish_post", "Can publish posts"),
            ("edit_others_posts", "Can see and edit other authors' posts"),
            ("edit_published_posts", "Can edit posts after publication"),
            ("upload_media", "Can upload files to the media library"),
        ]
        indexes = [
            models.Index(fields=["status", "published_at"], name="post_status_published"),
            models.Index(fields=["author", "status", "published_at"], name="post_author_published"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="post_published_has_date",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.shown_changed_at = timezone.now()
        if not self._state.adding:
            self.version = (self.version or 0) + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version", "shown_changed_at"}
                # The body's first figure loads at once or lazily by the featured picture.
                if {"body", "featured", "featured_image"} & kwargs["update_fields"]:
                    kwargs["update_fields"].add("body_html")
        made_slug = not self.slug
        if made_slug:
            self.slug = unique_slug(self.title, taken=Post.objects.exclude(pk=self.pk))
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        self.body_image_ids = set()
        self.body_html = render_body(self, used_images=self.body_image_ids)
        self.fill_image_size()
        if not made_slug:
            super().save(*args, **kwargs)
            return
        # Two posts of the same title saved at the same moment both find the same slug free; the
        # unique constraint refuses the second, which then takes the next one.
        for attempt in range(SLUG_ATTEMPTS):
            try:
                with transaction.atomic():
                    super().save(*args, **kwargs)
                return
            except IntegrityError:
                clash = Post.objects.filter(slug=self.slug).exclude(pk=self.pk).exists()
                if not clash or attempt == SLUG_ATTEMPTS - 1:
                    raise
                self.slug = unique_slug(self.title, taken=Post.objects.exclude(pk=self.pk))

    def get_absolute_url(self):
        when = timezone.localtime(self.published_at or self.created_at or timezone.now())
        return reverse(
            "blog:post_detail",
            kwargs={"year": when.year, "month": f"{when.month:02d}", "slug": self.slug},
        )

    def validate_unique(self, exclude=None):
        """A post's address is unique among every address a post has had: it is neither another
        post's slug nor another post's old slug, whose old links must keep leading there."""
        # The slug check runs first: a post renamed in one transaction frees its slug and makes it
        # a redirect at once, so of the two reads one sees it taken.
        super().validate_unique(exclude)
        if not self.slug or (exclude and "slug" in exclude):
            return
        if PostRedirect.objects.filter(old_slug=self.slug).exclude(post_id=self.pk).exists():
            raise ValidationError({"slug": OLD_ADDRESS_TAKEN})

    def fill_image_size(self) -> None:
        """Record a newly attached image's size (read from the upload in hand, never from
        storage); a post without an image has none."""
        if not self.featured_image:
            self.featured_image_width = self.featured_image_height = None
        elif not self.featured_image._committed:
            self.featured_image_width, self.featured_image_height = get_image_dimensions(
                self.featured_image.file
            )

    @property
    def tagged_items(self):
        """The rows tying this post to its tags (taggit's through model), with their tags: each
        revision follows them, as Django's serializer leaves taggit's field out."""
        through = self._meta.get_field("tags").remote_field.through
        return through.objects.filter(**through.lookup_kwargs(self)).select_related("tag")

    @property
    def is_public(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def author_name(self) -> str:
        profile = getattr(self.author, "profile", None)
        return (profile and profile.display_name) or self.author.get_full_name() or str(self.author)

    @property
    def summary(self) -> str:
        """Plain text saying what the post is about: its excerpt, else the opening words of its
        body with the markup taken off (for feed summaries and search engines' descriptions)."""
        if self.excerpt.strip():
            return " ".join(self.excerpt.split())
        text = " ".join(html.unescape(strip_tags(self.body_html)).split())
        return Truncator(text).words(SUMMARY_WORDS)

    @property
    def last_changed(self):
        """When readers last saw the post change: its last edit, or its publication when that
        came later (a scheduled post coming due)."""
        if self.published_at is None:
            return self.updated_at
        return max(self.updated_at, self.published_at)

    @property
    def image_alt(self) -> str:
        library = self.featured.description if self.featured_id else ""
        return self.featured_image_alt or library or self.featured_image_caption or self.title

    @property
    def image_caption(self) -> str:
        """The featured picture's caption: the post's own, else the library's."""
        library = self.featured.caption if self.featured_id else ""
        return self.featured_image_caption or library

    @property
    def image_credit(self) -> str:
        library = self.featured.credit if self.featured_id else ""
        return self.featured_image_credit or library


class PostRedirect(models.Model):
    """An address a post used to have: old links keep working after its slug changes. A redirect
    belongs to the post that had the address, for as long as that post exists (see
    ``blog.services.post_slug_change``)."""

    old_slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.old_slug} → {self.post.slug}"


class PostTransition(models.Model):
    """One change of a post's workflow state: who made it, when, from which state to which, and
    the note they left (the changes an editor asks for). Written only by
    ``blog.workflow.post_transition``."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="transitions")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(max_length=20)
    from_state = models.CharField(max_length=10)
    to_state = models.CharField(max_length=10)
    note = models.TextField(blank=True)
    # The publication time a "schedule" or "publish" set.
    publish_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["post", "-created_at"], name="post_transition_latest")]

    def __str__(self):
        return f"{self.post_id}: {self.from_state} → {self.to_state}"


# --- No edit lost: autosaves and "who is editing" (blog.autosave, blog.locking) ---


class PostAutosave(models.Model):
    """What one user typed in a post's form and has not saved yet, kept on the server every few
    seconds: one per user and post (per user for a post not created yet). It never touches the
    post; the user restores or discards it, and a successful save clears it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="post_autosaves"
    )
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="autosaves"
    )
    data = models.JSONField(default=dict)
    # The post's version the form was opened at: a restored autosave is saved against it, so a
    # save made meanwhile by someone else leads to the conflict page instead of being undone.
    base_version = models.PositiveIntegerField(null=True, blank=True)
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "post"],
                condition=Q(post__isnull=False),
                name="post_autosave_one_per_user_and_post",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(post__isnull=True),
                name="post_autosave_one_new_post_per_user",
            ),
        ]

    def __str__(self):
        return f"Autosave by {self.user} of {self.post or 'a new post'}"


class PostEditingPresence(models.Model):
    """Someone has a post's change form open: refreshed by the form's heartbeat, shown to the
    others who open it. Kept in the database so every worker process sees it."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="editing_presences")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    opened_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="post_editing_one_per_user"),
        ]

    def __str__(self):
        return f"{self.user} editing {self.post}"
