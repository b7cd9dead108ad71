"""The related-posts engine's tables, taken over from the blog app where they were created
(``blog_*`` tables are renamed, rows kept) or created afresh on a new site. Their content types
move too, so the permissions editors and authors hold on them stay granted."""

import django.db.models.deletion
from django.db import migrations, models

MODELS = ["PostIndex", "TermStat", "PostTerm", "RelatedPost", "RelatedPostOverride"]


def adopt_tables(apps, schema_editor):
    existing = set(schema_editor.connection.introspection.table_names())
    for name in MODELS:
        model = apps.get_model("related", name)
        old_table = f"blog_{name.lower()}"
        if old_table in existing:
            schema_editor.alter_db_table(model, old_table, model._meta.db_table)
        else:
            schema_editor.create_model(model)
    db = schema_editor.connection.alias
    ContentType = apps.get_model("contenttypes", "ContentType")
    for name in MODELS:
        old = ContentType.objects.using(db).filter(app_label="blog", model=name.lower())
        if ContentType.objects.using(db).filter(app_label="related", model=name.lower()).exists():
            old.delete()
        else:
            old.update(app_label="related")


def return_tables(apps, schema_editor):
    for name in reversed(MODELS):
        model = apps.get_model("related", name)
        schema_editor.alter_db_table(model, model._meta.db_table, f"blog_{name.lower()}")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(
        app_label="related", model__in=[name.lower() for name in MODELS]
    ).update(app_label="blog")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("blog", "0008_related_posts_move_to_their_app"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PostIndex",
                    fields=[
                        ("post_id", models.BigIntegerField(primary_key=True, serialize=False)),
                        ("terms", models.TextField(help_text="Space-separated distinct terms, tags and categories.")),
                        ("signature", models.CharField(max_length=40)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        "verbose_name": "related-posts index entry",
                        "verbose_name_plural": "related-posts index entries",
                    },
                ),
                migrations.CreateModel(
                    name="TermStat",
                    fields=[
                        ("term", models.CharField(max_length=64, primary_key=True, serialize=False)),
                        ("df", models.PositiveIntegerField(default=0)),
                    ],
                ),
                migrations.CreateModel(
                    name="PostTerm",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("term", models.CharField(max_length=64)),
                        ("weight", models.FloatField()),
                        ("post", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="related_terms", to="blog.post")),
                    ],
                    options={
                        "indexes": [models.Index(fields=["term", "post", "weight"], name="related_term_postings")],
                        "constraints": [models.UniqueConstraint(fields=("post", "term"), name="related_term_once_per_post")],
                    },
                ),
                migrations.CreateModel(
                    name="RelatedPost",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("score", models.FloatField()),
                        ("rank", models.PositiveSmallIntegerField()),
                        ("pinned", models.BooleanField(default=False)),
                        ("reason", models.CharField(blank=True, max_length=300)),
                        ("post", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="related_suggestions", to="blog.post")),
                        ("related", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="suggested_in", to="blog.post")),
                    ],
                    options={
                        "verbose_name": "suggested related post",
                        "ordering": ["post", "rank"],
                        "constraints": [
                            models.UniqueConstraint(fields=("post", "rank"), name="related_rank_once_per_post"),
                            models.UniqueConstraint(fields=("post", "related"), name="related_pair_once"),
                            models.CheckConstraint(condition=models.Q(("post", models.F("related")), _negated=True), name="related_not_itself"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="RelatedPostOverride",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(choices=[("pin", "Pin to the top"), ("exclude", "Never suggest")], default="pin", max_length=10)),
                        ("position", models.PositiveSmallIntegerField(default=0, help_text="Order of pinned posts, lowest first.")),
                        ("other", models.ForeignKey(help_text="The post to pin to the top of the list or to keep out of it.", on_delete=django.db.models.deletion.CASCADE, related_name="+", to="blog.post", verbose_name="related post")),
                        ("post", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="related_overrides", to="blog.post")),
                    ],
                    options={
                        "verbose_name": "related-post pin or exclusion",
                        "verbose_name_plural": "related-post pins and exclusions",
                        "ordering": ["post", "position", "pk"],
                        "constraints": [
                            models.UniqueConstraint(fields=("post", "other"), name="related_override_once"),
                            models.CheckConstraint(condition=models.Q(("post", models.F("other")), _negated=True), name="related_override_not_itself"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(adopt_tables, return_tables),
    ]
