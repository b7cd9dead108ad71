from django.apps import AppConfig


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
