"""What the staff roles may do with author profiles: Authors edit their own (the admin limits
them to it), Editors manage everyone's. Granted here, by the app that owns the model."""

from django.db import migrations

PROFILE = {
    "add": "Can add author profile",
    "change": "Can change author profile",
    "delete": "Can delete author profile",
    "view": "Can view author profile",
}
ROLES = {"Authors": ["view", "change"], "Editors": ["add", "change", "delete", "view"]}


def grant(apps, schema_editor):
    db = schema_editor.connection.alias
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.using(db).get_or_create(
        app_label="authors", model="authorprofile"
    )
    for group_name, actions in ROLES.items():
        group, _ = Group.objects.using(db).get_or_create(name=group_name)
        for action in actions:
            permission, _ = Permission.objects.using(db).get_or_create(
                content_type=content_type,
                codename=f"{action}_authorprofile",
                defaults={"name": PROFILE[action]},
            )
            group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("authors", "0001_initial"),
        ("blog", "0002_staff_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
