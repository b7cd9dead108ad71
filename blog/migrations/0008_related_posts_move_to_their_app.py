"""The related-posts engine is an app of its own (``related``). Its five tables leave the blog's
models here; ``related``'s first migration adopts them with their rows (pins, exclusions, lists),
so an existing site loses nothing. A site that runs without the ``related`` app drops them: a
table left behind would still hold foreign keys to posts."""

from django.apps import apps as installed_apps
from django.db import migrations

MODELS = ["RelatedPostOverride", "RelatedPost", "PostTerm", "TermStat", "PostIndex"]


def drop_when_unused(apps, schema_editor):
    if installed_apps.is_installed("related"):
        return  # related.0001 renames and keeps them
    existing = set(schema_editor.connection.introspection.table_names())
    for name in MODELS:
        table = f"blog_{name.lower()}"
        if table in existing:
            schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(table)}")


class Migration(migrations.Migration):
    dependencies = [("blog", "0007_site_identity_moves_to_core")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name=name) for name in MODELS],
            database_operations=[migrations.RunPython(drop_when_unused, migrations.RunPython.noop)],
        ),
    ]
