from django.db import migrations


def create_default_set(apps, schema_editor):
    RatingSet = apps.get_model("ratings", "RatingSet")
    Criterion = apps.get_model("ratings", "Criterion")
    if RatingSet.objects.filter(is_default=True).exists():
        return
    overall = RatingSet.objects.create(name="Overall", mode="stars", is_default=True)
    Criterion.objects.create(rating_set=overall, name="Overall", key="overall", position=0)


class Migration(migrations.Migration):
    dependencies = [("ratings", "0001_initial")]

    operations = [migrations.RunPython(create_default_set, migrations.RunPython.noop)]
