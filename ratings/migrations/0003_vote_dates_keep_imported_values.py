"""Vote dates are filled by the model's default instead of auto_now/auto_now_add, so that
imported history (ratings.services.votes_import) keeps the dates it brings.

Only Django's model state changes: the columns are the same (Python-side defaults never reach
the database), so no SQL runs. Without SeparateDatabaseAndState, SQLite would copy the whole
votes table twice for nothing.
"""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("ratings", "0002_default_rating_set")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="vote",
                    name="created_at",
                    field=models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                migrations.AlterField(
                    model_name="vote",
                    name="updated_at",
                    field=models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
            ],
        )
    ]
