from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _after_migrate(app_config, using="default", apps=None, **kwargs):
    """Grant the moderation permissions and make sure a default rating set exists (also after
    a test database flush)."""
    from ratings.roles import grant_group_permissions
    from ratings.services import rating_set_ensure_default

    grant_group_permissions(app_config, using=using, apps=apps)
    if using == "default":
        rating_set_ensure_default()


class RatingsConfig(AppConfig):
    name = "ratings"
    verbose_name = "Reader ratings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ratings import checks  # noqa: F401

        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="ratings.after_migrate")
