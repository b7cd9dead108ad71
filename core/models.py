from django.core.cache import cache
from django.db import models

SITE_IDENTITY_CACHE_KEY = "core:site-identity"


class SiteIdentity(models.Model):
    """The site's name and tagline, editable in the admin; there is one row."""

    name = models.CharField(max_length=100, default="Group Blog")
    tagline = models.CharField(max_length=200, blank=True, default="")
    description = models.TextField(
        blank=True, help_text="Shown in feeds and search-engine descriptions of the home page."
    )

    class Meta:
        verbose_name = "site identity"
        verbose_name_plural = "site identity"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> "SiteIdentity":
        """The one identity row, from the cache when possible (saving it clears the cache)."""
        from core.pagecache import fragment_key

        key = fragment_key(SITE_IDENTITY_CACHE_KEY)
        identity = cache.get(key)
        if identity is None:
            identity = cls.objects.filter(pk=1).first() or cls(pk=1)
            cache.set(key, identity, 60 * 60)
        return identity


class SignInCounter(models.Model):
    """Admin sign-in attempts not yet proven right, counted under one keyed hash (an account at an
    address, an account on a browser that signed in to it before, or an account from anywhere)
    since the counter's window started; the rules are in core.signin."""

    key = models.CharField(max_length=80, unique=True)
    account = models.CharField(
        max_length=64, db_index=True, help_text="Keyed hash of the account name, for unlocking."
    )
    failures = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "sign-in counter"

    def __str__(self):
        return f"{self.failures} since {self.window_start:%Y-%m-%d %H:%M}"


class ContentGeneration(models.Model):
    """One row counting changes to what readers see (core.pagecache): cached pages are keyed by
    its value, so a change makes every process and app server miss at once; fragments keyed by
    their own versions also hold the fragment generation."""

    value = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(help_text="When readers' content last changed.")
    next_due = models.DateTimeField(
        null=True, blank=True, help_text="When content changes by itself next (a scheduled post)."
    )
    # Fragments keyed by their own versions (a post's card) follow the changes those versions
    # track; every other change (bulk writes, rating settings, the site identity) also starts a
    # new fragment generation: the value and the time it was reached.
    fragments_value = models.BigIntegerField(default=0)
    fragments_changed_at = models.DateTimeField(null=True, blank=True)
    # What lists show (the sidebar's recent posts, archive, categories and tags; a post's previous
    # and next posts) changes with posts, categories and tags only, not with a vote or a profile:
    # the list generation, moved by those.
    lists_value = models.BigIntegerField(default=0)
    lists_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "content generation"

    def __str__(self):
        return f"generation {self.value}"
