"""Editorial roles and the workflow's history.

Schema: a "changes requested" status, the permissions to edit published posts and to upload to
the media library, and the table of workflow moves (``PostTransition``).

Roles: the earlier "Authors" group could not publish. Its members keep exactly the powers they
had: the group's permissions and members move to a "Contributors" group (created, or merged
into one that exists), and "Authors" becomes the new role that may also publish and schedule its
own posts, edit them once published and upload media. Editors gain the two new permissions.
Reversed, Contributors' members go back to a non-publishing "Authors" group (new Authors
members lose their publishing powers: the safe direction), and the Contributors group goes.

The data is written out here, not imported from live code, so the migration means the same thing
forever.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


CONTRIBUTORS = "Contributors"
AUTHORS = "Authors"
EDITORS = "Editors"

PUBLISH = ("publish_post", "Can publish posts")
EDIT_PUBLISHED = ("edit_published_posts", "Can edit posts after publication")
UPLOAD_MEDIA = ("upload_media", "Can upload files to the media library")
AUTHORS_GAIN = [PUBLISH, EDIT_PUBLISHED, UPLOAD_MEDIA]
EDITORS_GAIN = [EDIT_PUBLISHED, UPLOAD_MEDIA]

# What a fresh Contributors group holds when there was no Authors group to take over.
CONTRIBUTOR_BASE = [
    ("blog", "post", "add_post", "Can add post"),
    ("blog", "post", "change_post", "Can change post"),
    ("blog", "post", "delete_post", "Can delete post"),
    ("blog", "post", "view_post", "Can view post"),
    ("blog", "category", "view_category", "Can view category"),
]


def post_permission(apps, db, codename, name):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.using(db).get_or_create(app_label="blog", model="post")
    permission, _ = Permission.objects.using(db).get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def split_roles(apps, schema_editor):
    db = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    contributors, _ = Group.objects.using(db).get_or_create(name=CONTRIBUTORS)
    old_authors = Group.objects.using(db).filter(name=AUTHORS).first()
    if old_authors is None:
        for app_label, model, codename, name in CONTRIBUTOR_BASE:
            content_type, _ = ContentType.objects.using(db).get_or_create(
                app_label=app_label, model=model
            )
            permission, _ = Permission.objects.using(db).get_or_create(
                content_type=content_type, codename=codename, defaults={"name": name}
            )
            contributors.permissions.add(permission)
        authors = Group.objects.using(db).create(name=AUTHORS)
        authors.permissions.set(contributors.permissions.all())
    else:
        # Whatever the old Authors could do (site-specific grants included), Contributors can.
        authors = old_authors
        contributors.permissions.add(*authors.permissions.all())
        contributors.user_set.add(*authors.user_set.all())
        authors.user_set.clear()
    authors.permissions.add(
        *(post_permission(apps, db, codename, name) for codename, name in AUTHORS_GAIN)
    )
    editors, _ = Group.objects.using(db).get_or_create(name=EDITORS)
    editors.permissions.add(
        *(post_permission(apps, db, codename, name) for codename, name in EDITORS_GAIN)
    )


def changes_requested_to_draft(apps, schema_editor):
    Post = apps.get_model("blog", "Post")
    Post.objects.using(schema_editor.connection.alias).filter(status="changes").update(
        status="draft"
    )


def merge_roles(apps, schema_editor):
    db = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    contributors = Group.objects.using(db).filter(name=CONTRIBUTORS).first()
    authors, _ = Group.objects.using(db).get_or_create(name=AUTHORS)
    gained = Permission.objects.using(db).filter(
        content_type__app_label="blog",
        codename__in=[codename for codename, _ in AUTHORS_GAIN],
    )
    authors.permissions.remove(*gained)
    if contributors is not None:
        authors.permissions.add(*contributors.permissions.all())
        authors.user_set.add(*contributors.user_set.all())
        contributors.delete()


class Migration(migrations.Migration):

    dependencies = [
        ('blog', '0009_search_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='post',
            options={'ordering': ['-published_at', '-pk'], 'permissions': [('publish_post', 'Can publish posts'), ('edit_others_posts', "Can see and edit other authors' posts"), ('edit_published_posts', 'Can edit posts after publication'), ('upload_media', 'Can upload files to the media library')]},
        ),
        migrations.AlterField(
            model_name='post',
            name='published_at',
            field=models.DateTimeField(blank=True, db_index=True, help_text='Set by publishing or scheduling: a published post dated in the future stays hidden until then.', null=True),
        ),
        migrations.AlterField(
            model_name='post',
            name='status',
            field=models.CharField(choices=[('draft', 'Draft'), ('changes', 'Changes requested'), ('pending', 'Pending review'), ('published', 'Published')], db_index=True, default='draft', max_length=10),
        ),
        migrations.CreateModel(
            name='PostTransition',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(max_length=20)),
                ('from_state', models.CharField(max_length=10)),
                ('to_state', models.CharField(max_length=10)),
                ('note', models.TextField(blank=True)),
                ('publish_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('post', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='transitions', to='blog.post')),
            ],
            options={
                'ordering': ['-created_at', '-pk'],
                'indexes': [models.Index(fields=['post', '-created_at'], name='post_transition_latest')],
            },
        ),
        migrations.RunPython(split_roles, merge_roles),
        # Before this migration there was no "changes requested": such posts go back to drafts.
        migrations.RunPython(migrations.RunPython.noop, changes_requested_to_draft),
    ]
