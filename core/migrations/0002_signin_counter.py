from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="SignInCounter",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=80, unique=True)),
                ("account", models.CharField(db_index=True, help_text="Keyed hash of the account name, for unlocking.", max_length=64)),
                ("failures", models.PositiveIntegerField(default=0)),
                ("window_start", models.DateTimeField(db_index=True)),
            ],
            options={
                "verbose_name": "sign-in counter",
            },
        ),
    ]
