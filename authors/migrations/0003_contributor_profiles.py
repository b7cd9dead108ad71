"""Contributors (the staff role that may not publish, blog.0010) manage their own author
profile, as the earlier Authors group did."""

from django.db import migrations

PROFILE = {"change": "Can change author profile", "view": "Can view author profile"}


def grant(apps, schema_editor):
    db = schema_editor.connection.alias
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.using(db).get_or_create(
        app_label="authors", model="authorprofile"
    )
    group, _ = Group.objects.using(db).get_or_create(name="Contributors")
    for action, name in PROFILE.items():
        permission, _ = Permission.objects.using(db).get_or_create(
            content_type=content_type, codename=f"{action}_authorprofile", defaults={"name": name}
        )
        group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("authors", "0002_role_permissions"),
        ("blog", "0010_editorial_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
