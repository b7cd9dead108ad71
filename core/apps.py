from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Project plumbing shared by every app: site identity, security headers, the cache that
    survives outages, the client-address rule and the admin site."""

    name = "core"
    verbose_name = "Site"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core import signals  # noqa: F401
