"""Editors pin and exclude related posts; both roles see the computed suggestions and why they
were made. (These models have since moved to the ``related`` app, whose first migration carries
their content types, and so these grants, along.)"""

from django.db import migrations

ROLES = {
    "Authors": [("relatedpost", "view_relatedpost", "Can view suggested related post")],
    "Editors": [
        ("relatedpost", "view_relatedpost", "Can view suggested related post"),
        ("relatedpostoverride", "add_relatedpostoverride", "Can add related-post pin or exclusion"),
        ("relatedpostoverride", "change_relatedpostoverride", "Can change related-post pin or exclusion"),
        ("relatedpostoverride", "delete_relatedpostoverride", "Can delete related-post pin or exclusion"),
        ("relatedpostoverride", "view_relatedpostoverride", "Can view related-post pin or exclusion"),
    ],
}


def grant(apps, schema_editor):
    db = schema_editor.connection.alias
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group_name, permissions in ROLES.items():
        group, _ = Group.objects.using(db).get_or_create(name=group_name)
        for model, codename, name in permissions:
            content_type, _ = ContentType.objects.using(db).get_or_create(
                app_label="blog", model=model
            )
            permission, _ = Permission.objects.using(db).get_or_create(
                content_type=content_type, codename=codename, defaults={"name": name}
            )
            group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("blog", "0003_related_posts")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
