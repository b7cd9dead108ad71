"""Every account gets its author profile (new ones get theirs when they are created, see
authors.signals): the author box and author page of someone whose profile was never opened in
the admin showed the account name, and the author page was not found at all."""

from django.conf import settings
from django.db import migrations


def create_missing(apps, schema_editor):
    db = schema_editor.connection.alias
    User = apps.get_model(settings.AUTH_USER_MODEL)
    AuthorProfile = apps.get_model("authors", "AuthorProfile")
    missing = User.objects.using(db).filter(profile__isnull=True).order_by("pk")
    profiles = []
    for user in missing.iterator(chunk_size=500):
        full_name = f"{getattr(user, 'first_name', '')} {getattr(user, 'last_name', '')}".strip()
        # Historical models have no USERNAME_FIELD: Django's user model names it "username".
        username = str(getattr(user, getattr(User, "USERNAME_FIELD", "username"), user.pk))
        profiles.append(
            AuthorProfile(
                user=user,
                display_name=(full_name or username)[:100],
                joined=user.date_joined.date(),
            )
        )
    AuthorProfile.objects.using(db).bulk_create(profiles, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("authors", "0004_avatars_move_to_library"),
    ]

    operations = [migrations.RunPython(create_missing, migrations.RunPython.noop, elidable=True)]
