"""A body's first figure near its top loads at once when the post has no featured picture (it is
then the first thing readers see); every other figure stays lazy. The stored HTML of existing
posts is rendered again to say so.

Like 0014 and 0016, it runs today's renderer on purpose (``blog.rendering.bodies_rerender``)
and touches only ``body_html`` (no save(), no new version or revision). Reversing it leaves the
HTML as it is.
"""

from django.db import migrations

from blog.rendering import bodies_rerender


def rerender(apps, schema_editor):
    Post = apps.get_model("blog", "Post")
    bodies_rerender(Post, using=schema_editor.connection.alias, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("blog", "0016_body_help_attribution")]

    operations = [migrations.RunPython(rerender, migrations.RunPython.noop, elidable=True)]
