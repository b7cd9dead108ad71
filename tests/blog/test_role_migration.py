"""Upgrading a site from before the editorial roles: members of the old "Authors" group, who
could not publish, become Contributors with exactly their old powers; the new Authors group may
publish its own posts; Editors keep theirs and gain the new ones."""

import importlib
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("blog", "0008_related_posts_move_to_their_app"), ("authors", "0002_role_permissions")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor = MigrationExecutor(connection)
    applied = [
        key for key in executor.loader.graph.nodes if key in executor.loader.applied_migrations
    ]
    return executor.loader.project_state(applied, at_end=True).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def old_groups(apps):
    """The role groups as the earlier migrations made them (a transactional test before this one
    may have emptied the tables)."""
    editor = SimpleNamespace(connection=connection)
    for module in ("blog.migrations.0002_staff_roles", "authors.migrations.0002_role_permissions"):
        importlib.import_module(module).grant(apps, editor)


@pytest.fixture
def old_site():
    apps = migrate(BEFORE)
    old_groups(apps)
    yield apps
    migrate(latest())


def codenames(group):
    return set(group.permissions.values_list("codename", flat=True))


def test_old_authors_become_contributors_and_keep_exactly_their_powers(old_site):
    apps = old_site
    OldGroup = apps.get_model("auth", "Group")
    OldUser = apps.get_model("auth", "User")
    Permission = apps.get_model("auth", "Permission")
    old_authors = OldGroup.objects.get(name="Authors")
    # A site-specific grant on the old group travels with its members.
    extra = Permission.objects.get(codename="view_tag")
    old_authors.permissions.add(extra)
    before = codenames(old_authors)
    assert "publish_post" not in before
    writer = OldUser.objects.create(username="writer", is_staff=True)
    writer.groups.add(old_authors)
    chief = OldUser.objects.create(username="chief", is_staff=True)
    chief.groups.add(OldGroup.objects.get(name="Editors"), old_authors)
    Post = apps.get_model("blog", "Post")
    post = Post.objects.create(title="Old", slug="old", author=writer, body="b", status="pending")

    migrate(latest())

    contributors = Group.objects.get(name="Contributors")
    authors = Group.objects.get(name="Authors")
    editors = Group.objects.get(name="Editors")
    assert codenames(contributors) == before
    assert set(contributors.user_set.values_list("username", flat=True)) == {"writer", "chief"}
    assert not authors.user_set.exists()
    assert codenames(authors) == before | {"publish_post", "edit_published_posts", "upload_media"}
    assert {"edit_published_posts", "upload_media", "publish_post"} <= codenames(editors)
    writer = User.objects.get(username="writer")
    assert not writer.has_perm("blog.publish_post")
    assert not writer.has_perm("blog.edit_published_posts")
    assert writer.has_perm("blog.change_post") and writer.has_perm("taggit.view_tag")
    assert User.objects.get(username="chief").has_perm("blog.publish_post")
    from blog.models import Post as LivePost

    assert LivePost.objects.get(pk=post.pk).status == "pending"


def test_going_back_returns_contributors_to_a_non_publishing_authors_group(old_site):
    apps = old_site
    writer = apps.get_model("auth", "User").objects.create(username="writer", is_staff=True)
    writer.groups.add(apps.get_model("auth", "Group").objects.get(name="Authors"))
    migrate(latest())
    promoted = User.objects.create(username="promoted", is_staff=True)
    promoted.groups.add(Group.objects.get(name="Authors"))
    from blog.models import Post

    Post.objects.create(title="Sent back", slug="sent-back", author=promoted, body="b",
                        status="changes")  # fmt: skip

    apps = migrate(BEFORE)

    OldGroup = apps.get_model("auth", "Group")
    assert not OldGroup.objects.filter(name="Contributors").exists()
    authors = OldGroup.objects.get(name="Authors")
    assert set(authors.user_set.values_list("username", flat=True)) == {"writer", "promoted"}
    assert not {"publish_post", "edit_published_posts", "upload_media"} & codenames(authors)
    assert apps.get_model("blog", "Post").objects.get(slug="sent-back").status == "draft"
