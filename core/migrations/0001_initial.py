from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="SiteIdentity",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(default="Group Blog", max_length=100)),
                ("tagline", models.CharField(blank=True, default="", max_length=200)),
                ("description", models.TextField(blank=True, help_text="Shown in feeds and search-engine descriptions of the home page.")),
            ],
            options={
                "verbose_name": "site identity",
                "verbose_name_plural": "site identity",
            },
        ),
    ]
