"""Quote attributions as people type them (``> text`` directly followed by ``> -- Name``, en
dashes, tildes): the stored HTML of existing posts is rendered again with the new rule, so old
posts show their attributions like new ones.

Rendering is the one piece of live code this migration runs, on purpose: its job is to apply
today's rendering rules (``blog.rendering``) to stored bodies, which only the live renderer knows.
It reads and writes the historical model's ``body`` and ``body_html`` only (``bulk_update``: no
save(), so no new version, revision, signal or modification time). ``manage.py rerender_bodies``
does the same whenever the rules change again. Reversing it leaves the HTML as it is: the old
rendering cannot be recovered and needs not be.
"""

from django.db import migrations

from blog.rendering import bodies_rerender


def rerender(apps, schema_editor):
    Post = apps.get_model("blog", "Post")
    bodies_rerender(Post, using=schema_editor.connection.alias, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("blog", "0013_featured_images_move_to_library")]

    operations = [migrations.RunPython(rerender, migrations.RunPython.noop, elidable=True)]
