from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, router
from django.db.models.signals import post_migrate


def _after_migrate(app_config, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs):
    """Grant the moderation permissions and make sure a default rating set exists — after every
    migrate, and after the flush that ends each transactional test — in the database migrated,
    with the models as they are at that point of the migrations."""
    from ratings.roles import grant_group_permissions
    from ratings.services import rating_set_ensure_default

    grant_group_permissions(app_config, using=using, apps=apps)
    try:
        rating_set = apps.get_model("ratings", "RatingSet")
        apps.get_model("ratings", "Criterion")
    except LookupError:  # migrated back before the ratings tables exist
        return
    if router.allow_migrate_model(using, rating_set):
        rating_set_ensure_default(apps=apps, using=using)


class RatingsConfig(AppConfig):
    name = "ratings"
    verbose_name = "Reader ratings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ratings import checks  # noqa: F401

        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="ratings.after_migrate")
