"""The two staff roles as groups, with exactly the blog's permissions they need. The data is
written out here (not imported from live code) so this migration means the same thing forever;
each app grants its own models' permissions in its own migrations (authors.0002)."""

from django.db import migrations

AUTHORS = "Authors"
EDITORS = "Editors"

POST = [
    ("add_post", "Can add post"),
    ("change_post", "Can change post"),
    ("delete_post", "Can delete post"),
    ("view_post", "Can view post"),
]
ROLES = {
    AUTHORS: [
        *(("blog", "post", codename, name) for codename, name in POST),
        ("blog", "category", "view_category", "Can view category"),
    ],
    EDITORS: [
        *(("blog", "post", codename, name) for codename, name in POST),
        ("blog", "post", "publish_post", "Can publish posts"),
        ("blog", "post", "edit_others_posts", "Can see and edit other authors' posts"),
        ("blog", "category", "add_category", "Can add category"),
        ("blog", "category", "change_category", "Can change category"),
        ("blog", "category", "delete_category", "Can delete category"),
        ("blog", "category", "view_category", "Can view category"),
        ("taggit", "tag", "add_tag", "Can add tag"),
        ("taggit", "tag", "change_tag", "Can change tag"),
        ("taggit", "tag", "delete_tag", "Can delete tag"),
        ("taggit", "tag", "view_tag", "Can view tag"),
    ],
}


def grant(apps, schema_editor):
    db = schema_editor.connection.alias
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group_name, permissions in ROLES.items():
        group, _ = Group.objects.using(db).get_or_create(name=group_name)
        for app_label, model, codename, name in permissions:
            content_type, _ = ContentType.objects.using(db).get_or_create(
                app_label=app_label, model=model
            )
            permission, _ = Permission.objects.using(db).get_or_create(
                content_type=content_type, codename=codename, defaults={"name": name}
            )
            group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0001_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
