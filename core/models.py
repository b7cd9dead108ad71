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
        identity = cache.get(SITE_IDENTITY_CACHE_KEY)
        if identity is None:
            identity = cls.objects.filter(pk=1).first() or cls(pk=1)
            cache.set(SITE_IDENTITY_CACHE_KEY, identity, 60 * 60)
        return identity
