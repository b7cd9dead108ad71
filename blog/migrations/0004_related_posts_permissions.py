from django.db import migrations


def grant(apps, schema_editor):
    from blog.roles import grant_related_posts_permissions

    grant_related_posts_permissions(apps)


class Migration(migrations.Migration):
    dependencies = [("blog", "0003_related_posts")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
