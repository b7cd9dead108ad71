"""A site upgrading to the search index finds its existing posts at once: the migration fills
the index from the posts, their tags and categories and their authors' names."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from blog.models import Post
from blog.search import parse_query, search_posts

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("blog", "0008_related_posts_move_to_their_app")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor = MigrationExecutor(connection)
    applied = [
        key for key in executor.loader.graph.nodes if key in executor.loader.applied_migrations
    ]
    return executor.loader.project_state(applied, at_end=True).apps


def found(query: str) -> list[str]:
    results = search_posts(parse_query(query), listing=Post.objects.published().for_listing())
    return [post.title for post in results[0:20]]


@pytest.fixture
def site_before_search():
    apps = migrate(BEFORE)
    yield apps
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_the_migration_indexes_existing_posts_with_tags_categories_and_author(site_before_search):
    apps = site_before_search
    User = apps.get_model("auth", "User")
    Post = apps.get_model("blog", "Post")
    writer = User.objects.create(username="writer", first_name="M", last_name="O")
    apps.get_model("authors", "AuthorProfile").objects.create(
        user=writer, display_name="Margaret Okafor"
    )
    when = timezone.now() - datetime.timedelta(days=2)
    post = Post.objects.create(
        title="Botnet takedowns", slug="botnet-takedowns", author=writer, body="x",
        body_html="<p>Servers were <em>seized</em> &amp; sinkholed.</p>",
        status="published", published_at=when,
    )  # fmt: skip
    Post.objects.create(
        title="Draft takedowns", slug="draft", author=writer, body="x", status="draft"
    )
    post.categories.add(apps.get_model("blog", "Category").objects.create(name="Cyber", slug="c"))
    tag = apps.get_model("taggit", "Tag").objects.create(name="Law Enforcement", slug="law")
    post_type = apps.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="blog", model="post"
    )[0]
    apps.get_model("taggit", "TaggedItem").objects.create(
        tag=tag, content_type_id=post_type.pk, object_id=post.pk
    )

    migrate([("blog", "0009_search_index")])
    # The later migrations (0012 reshapes the PostgreSQL table) keep what 0009 indexed.
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    for query in ["takedown", "seized", "sinkholed", "okafor", "enforcement", "cyber"]:
        assert found(query) == ["Botnet takedowns"], query
