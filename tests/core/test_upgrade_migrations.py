"""A site running the earlier layout (site identity and related-posts tables inside the blog
app) upgrades with ``migrate`` and loses nothing: identity, pins, exclusions, stored lists and
the permissions editors hold on them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("blog", "0006_post_redirects"),
    ("core", None),
    ("related", None),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor = MigrationExecutor(connection)  # reads the migrations now applied
    applied = [
        key for key in executor.loader.graph.nodes if key in executor.loader.applied_migrations
    ]
    return executor.loader.project_state(applied, at_end=True).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.fixture
def old_site():
    """The database as the earlier layout left it; migrated back to the latest afterwards."""
    apps = migrate(BEFORE)
    yield apps
    migrate(latest())


def test_upgrade_keeps_identity_lists_pins_and_permissions(old_site):
    apps = old_site
    User = apps.get_model("auth", "User")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Post = apps.get_model("blog", "Post")
    apps.get_model("blog", "SiteIdentity").objects.create(
        pk=1, name="The Policy Ledger", tagline="Ours", description="About us."
    )
    writer = User.objects.create(username="writer")
    a, b, c = (
        Post.objects.create(title=t, slug=t.lower(), author=writer, body=t, status="draft")
        for t in ("Alpha", "Beta", "Gamma")
    )
    apps.get_model("blog", "RelatedPostOverride").objects.create(post=a, other=c, kind="pin")
    apps.get_model("blog", "RelatedPostOverride").objects.create(post=a, other=b, kind="exclude")
    RelatedPost = apps.get_model("blog", "RelatedPost")
    RelatedPost.objects.create(post=a, related=c, score=0.5, rank=1, pinned=True, reason="pin")
    RelatedPost.objects.create(post=b, related=a, score=0.25, rank=1, reason="terms: alpha")
    apps.get_model("blog", "PostTerm").objects.create(post=a, term="alpha", weight=0.7)
    apps.get_model("blog", "TermStat").objects.create(term="alpha", df=1)
    apps.get_model("blog", "PostIndex").objects.create(post_id=a.pk, terms="alpha", signature="x")
    override_type, _ = ContentType.objects.get_or_create(
        app_label="blog", model="relatedpostoverride"
    )
    pin_permission, _ = Permission.objects.get_or_create(
        content_type=override_type,
        codename="add_relatedpostoverride",
        defaults={"name": "Can add related-post pin or exclusion"},
    )
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(pin_permission)

    apps = migrate(latest())

    identity = apps.get_model("core", "SiteIdentity").objects.get()
    assert (identity.pk, identity.name, identity.tagline) == (1, "The Policy Ledger", "Ours")
    overrides = apps.get_model("related", "RelatedPostOverride").objects.order_by("kind")
    assert [(o.post_id, o.other_id, o.kind) for o in overrides] == [
        (a.pk, b.pk, "exclude"),
        (a.pk, c.pk, "pin"),
    ]
    lists = apps.get_model("related", "RelatedPost").objects.order_by("post_id")
    assert [(r.post_id, r.related_id, r.rank, r.pinned, r.score) for r in lists] == [
        (a.pk, c.pk, 1, True, 0.5),
        (b.pk, a.pk, 1, False, 0.25),
    ]
    assert apps.get_model("related", "PostTerm").objects.get().term == "alpha"
    # The statistics are marked as never taken: the next change (or rebuild_related) takes them.
    statistics = apps.get_model("related", "CorpusStatistics").objects.get()
    assert (statistics.indexed_posts, statistics.taken_at) == (1, None)
    editors = apps.get_model("auth", "Group").objects.get(name="Editors")
    assert editors.permissions.filter(
        content_type__app_label="related", codename="add_relatedpostoverride"
    ).exists()
    tables = set(connection.introspection.table_names())
    assert "blog_relatedpost" not in tables and "blog_siteidentity" not in tables
