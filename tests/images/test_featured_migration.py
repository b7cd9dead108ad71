"""Upgrading a site from before the media library: each post's own featured image becomes a
library picture with its description, caption and credit; a post whose file is gone keeps its
old field; rebuild_renditions --missing-only then makes the renditions."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from blog.models import Post
from tests.images.conftest import picture_bytes

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("blog", "0012_search_ranking")]


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


def test_featured_images_move_into_the_library(django_user_model):
    apps = migrate(BEFORE)
    try:
        OldPost = apps.get_model("blog", "Post")
        User = apps.get_model(*django_user_model._meta.label.split("."))
        author = User.objects.create(username="old-author")
        name = default_storage.save("featured/2024/01/harbour.jpg", ContentFile(picture_bytes()))
        common = {"author_id": author.pk, "body": "Body", "body_html": "<p>Body</p>"}
        kept = OldPost.objects.create(
            title="With picture",
            slug="with-picture",
            featured_image=name,
            featured_image_alt="Boats",
            featured_image_caption="Dawn",
            featured_image_credit="Jane",
            **common,
        )
        lost = OldPost.objects.create(
            title="Lost file", slug="lost-file", featured_image="featured/gone.jpg", **common
        )
        bare = OldPost.objects.create(title="No picture", slug="no-picture", **common)
    finally:
        migrate(latest())

    moved = Post.objects.select_related("featured").get(pk=kept.pk)
    image = moved.featured
    assert image.file.name == name and (image.width, image.height) == (2000, 1000)
    assert (image.alt_text, image.caption, image.credit) == ("Boats", "Dawn", "Jane")
    assert image.uploaded_by_id == author.pk and image.renditions == []
    assert not moved.featured_image and moved.featured_image_caption == ""
    assert moved.image_alt == "Boats" and moved.image_caption == "Dawn"
    untouched = Post.objects.get(pk=lost.pk)
    assert untouched.featured_id is None and untouched.featured_image.name == "featured/gone.jpg"
    assert Post.objects.get(pk=bare.pk).featured_id is None

    call_command("rebuild_renditions", "--missing-only", stdout=io.StringIO(), stderr=io.StringIO())
    image.refresh_from_db()
    assert image.renditions and all(default_storage.exists(r["name"]) for r in image.renditions)


def test_avatars_move_into_the_library(django_user_model):
    apps = migrate([("authors", "0003_contributor_profiles")])
    try:
        OldProfile = apps.get_model("authors", "AuthorProfile")
        User = apps.get_model(*django_user_model._meta.label.split("."))
        user = User.objects.create(username="ada")
        name = default_storage.save(
            "avatars/ada.png", ContentFile(picture_bytes("PNG", (256, 256)))
        )
        profile = OldProfile.objects.create(user=user, display_name="Ada", avatar=name)
    finally:
        migrate(latest())

    from authors.models import AuthorProfile

    moved = AuthorProfile.objects.select_related("avatar_picture").get(pk=profile.pk)
    assert not moved.avatar and moved.avatar_picture.file.name == name
    assert moved.avatar_picture.alt_text == "Ada" and moved.avatar_picture.uploaded_by_id == user.pk
