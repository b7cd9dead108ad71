from django.apps import AppConfig
from taggit.apps import TaggitAppConfig


class CoreConfig(AppConfig):
    """Project plumbing shared by every app: site identity, security headers, the cache that
    survives outages, the client-address rule and the admin site."""

    name = "core"
    verbose_name = "Site"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.conf import settings

        from core import pagecache
        from core.models import SiteIdentity

        pagecache.invalidates(SiteIdentity)
        for label in settings.PAGE_CACHE_INVALIDATING_MODELS:
            try:
                pagecache.invalidates(label)
            except LookupError:  # an optional app that is not installed
                continue


class TagsConfig(TaggitAppConfig):
    """django-taggit under the name editors know it by: its admin section is "Tags", not the
    package's name."""

    verbose_name = "Tags"
