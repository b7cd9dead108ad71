"""Kept, empty, because databases have applied it: it used to create the default rating set.

The default set ("Overall", one star criterion) is now created in one place only: the ratings
app's post_migrate handler (ratings.apps → ratings.services.rating_set_ensure_default), which
runs after every migrate with the historical models, as django.contrib.sites creates its
default site, and so also restores the set after the database flush that ends each
transactional test.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("ratings", "0001_initial")]

    operations = []
