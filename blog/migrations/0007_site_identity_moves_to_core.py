"""The site identity belongs to the project, not the blog: its row moves to ``core`` (with its
content type, so admin permissions granted on it follow) and the blog's table goes."""

from django.db import migrations


def move_identity(apps, schema_editor):
    db = schema_editor.connection.alias
    Old = apps.get_model("blog", "SiteIdentity")
    New = apps.get_model("core", "SiteIdentity")
    for row in Old.objects.using(db).all():
        New.objects.using(db).update_or_create(
            pk=row.pk,
            defaults={"name": row.name, "tagline": row.tagline, "description": row.description},
        )
    ContentType = apps.get_model("contenttypes", "ContentType")
    old_type = ContentType.objects.using(db).filter(app_label="blog", model="siteidentity")
    if ContentType.objects.using(db).filter(app_label="core", model="siteidentity").exists():
        old_type.delete()
    else:
        old_type.update(app_label="core")


def restore_identity(apps, schema_editor):
    db = schema_editor.connection.alias
    Old = apps.get_model("blog", "SiteIdentity")
    New = apps.get_model("core", "SiteIdentity")
    for row in New.objects.using(db).all():
        Old.objects.using(db).update_or_create(
            pk=row.pk,
            defaults={"name": row.name, "tagline": row.tagline, "description": row.description},
        )
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(db).filter(app_label="core", model="siteidentity").update(
        app_label="blog"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0006_post_redirects"),
        ("core", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(move_identity, restore_identity),
        migrations.DeleteModel(name="SiteIdentity"),
    ]
