"""Rate limits count votes in their own counters (ratings.limits) instead of counting past votes
per address, which let one address stuff a single object and overshoot under concurrency. The
votes' (address, date) index served only that count.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ratings', '0003_vote_dates_keep_imported_values'),
    ]

    operations = [
        migrations.CreateModel(
            name='RateCounter',
            fields=[
                ('key', models.CharField(max_length=128, primary_key=True, serialize=False)),
                ('count', models.PositiveIntegerField(default=0)),
                ('ends_at', models.DateTimeField(db_index=True)),
            ],
            options={
                'verbose_name': 'rate-limit counter',
                'default_permissions': (),
            },
        ),
        migrations.RemoveIndex(
            model_name='vote',
            name='vote_ip_recent',
        ),
    ]
