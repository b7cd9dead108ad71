"""Term statistics become a snapshot taken by each full rebuild (no longer counted live), and
each post's look-up terms are flagged in the index. An existing site's lists keep being shown;
its statistics are marked as never taken, so the next change rebuilds them on a small blog, and
``manage.py rebuild_related`` does it on a large one."""

from django.db import migrations, models




def record_index_size(apps, schema_editor):
    db = schema_editor.connection.alias
    TermStat = apps.get_model("related", "TermStat")
    TermStat.objects.using(db).filter(term="#all").delete()  # the old live post count
    PostIndex = apps.get_model("related", "PostIndex")
    CorpusStatistics = apps.get_model("related", "CorpusStatistics")
    CorpusStatistics.objects.using(db).update_or_create(
        pk=1, defaults={"indexed_posts": PostIndex.objects.using(db).count(), "taken_at": None}
    )


class Migration(migrations.Migration):

    dependencies = [
        ('blog', '0008_related_posts_move_to_their_app'),
        ('related', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='CorpusStatistics',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('posts', models.PositiveIntegerField(default=0, help_text='Published posts the statistics were counted on.')),
                ('indexed_posts', models.PositiveIntegerField(default=0, help_text='Posts indexed now.')),
                ('taken_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'verbose_name': 'related-posts term statistics',
                'verbose_name_plural': 'related-posts term statistics',
            },
        ),
        migrations.RemoveIndex(
            model_name='postterm',
            name='related_term_postings',
        ),
        migrations.RemoveField(
            model_name='postindex',
            name='terms',
        ),
        migrations.AddField(
            model_name='postterm',
            name='lookup',
            field=models.BooleanField(default=False, help_text="One of the post's most telling terms, used to find candidates."),
        ),
        migrations.AddIndex(
            model_name='postterm',
            index=models.Index(condition=models.Q(('lookup', True)), fields=['term', 'post', 'weight'], name='related_lookup_postings'),
        ),
        migrations.RunPython(record_index_size, migrations.RunPython.noop),
    ]
