"""A quote's attribution typed without its own ``>`` (``> text`` then ``-- Name``): the stored HTML
of existing posts is rendered again, so old posts show such names as attributions rather than at
the end of the quote's last sentence. The body's help text names every accepted dash.

Like 0014, it runs today's renderer on purpose (``blog.rendering.bodies_rerender``) and touches
only ``body_html`` (no save(), no new version or revision). Reversing it leaves the HTML as it is.
"""

from django.db import migrations, models

from blog.rendering import bodies_rerender


def rerender(apps, schema_editor):
    Post = apps.get_model("blog", "Post")
    bodies_rerender(Post, using=schema_editor.connection.alias, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("blog", "0015_post_shown_changed_at")]

    operations = [
        migrations.AlterField(
            model_name="post",
            name="body",
            field=models.TextField(
                help_text="Markdown. Raw HTML is allowed but scripts, event handlers and "
                "javascript: links are removed. A quote's last line starting with —, –, -- or ~ "
                "is its attribution."
            ),
        ),
        migrations.RunPython(rerender, migrations.RunPython.noop, elidable=True),
    ]
