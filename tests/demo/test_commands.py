import io
import re
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from PIL import Image
from taggit.models import Tag

from authors.models import AuthorProfile
from blog import revisions
from blog.models import Category, Post
from core.models import SiteIdentity
from demo.management.commands import quickstart, seed_demo
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

PASSWORD_LINE = re.compile(r"password: (\S+)")


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def run_quickstart(*args) -> str:
    out = io.StringIO()
    call_command("quickstart", *args, stdout=out)
    return out.getvalue()


def titles() -> list[str]:
    return list(Post.objects.order_by("pk").values_list("title", flat=True))


def test_seed_demo_creates_authors_categories_tags_and_posts_of_every_status():
    seed(posts=12, seed=3)

    profiles = AuthorProfile.objects.select_related("user")
    assert profiles.count() == 10
    assert all(p.user.is_staff and p.user.groups.count() == 1 for p in profiles)
    users = get_user_model().objects
    assert users.filter(groups__name="Editors").count() == 2
    assert users.filter(groups__name="Authors").count() == 4
    assert users.filter(groups__name="Contributors").count() == 4
    assert not any(p.user.has_usable_password() for p in profiles)
    assert all(p.bio_html.startswith("<p>") and p.website for p in profiles)
    for profile in profiles:
        with default_storage.open(profile.avatar_picture.file.name) as f, Image.open(f) as image:
            assert (image.format, image.size) == ("PNG", (256, 256))
        assert {r["kind"] for r in profile.avatar_picture.renditions} >= {"sq96", "sq192"}

    assert Category.objects.count() == 8
    assert not Category.objects.filter(description="").exists()
    assert Tag.objects.count() >= 200

    now = timezone.now()
    assert Post.objects.published().count() == 12
    assert Post.objects.filter(status="draft").count() == 2
    assert Post.objects.filter(status="pending").count() == 2
    changes = Post.objects.get(status="changes")
    request = changes.transitions.get(action="request_changes")
    assert request.note and request.actor.groups.filter(name="Editors").exists()
    assert all(
        p.transitions.filter(action="submit").exists() for p in Post.objects.in_state("pending")
    )
    assert Post.objects.filter(status="published", published_at__gt=now).count() == 1
    assert all(p.post_count >= 1 for p in AuthorProfile.objects.with_post_counts())
    oldest = Post.objects.published().order_by("published_at").first().published_at
    assert (now - oldest).days > 60


def test_seeded_posts_have_images_credits_sources_and_attributed_quotes():
    seed(posts=20, seed=4)

    posts = list(Post.objects.published().prefetch_related("categories", "tags"))
    for post in posts:
        assert '<footer class="attribution">— ' in post.body_html
        assert "<h2>" in post.body_html
        assert "<li><strong>" in post.body_html
        assert '<a href="https://' in post.body_html
        assert "<script" not in post.body_html
        assert post.excerpt
        assert post.categories.all()
        assert len(post.tags.all()) >= 4
    with_image = [p for p in posts if p.featured_id]
    assert len(with_image) > len(posts) / 2
    for post in with_image:
        assert post.image_caption and post.image_credit and post.image_alt != post.title
        with default_storage.open(post.featured.file.name) as f, Image.open(f) as image:
            assert (image.format, image.size) == ("JPEG", (1200, 630))
        assert post.featured.renditions
    with_figure = [p for p in posts if "<figure>" in p.body_html]
    assert with_figure
    for post in with_figure:
        assert 'class="credit"' in post.body_html and "srcset=" in post.body_html
        assert post.body_images.exists()
    assert any(p.source_name and p.source_url.startswith("https://") for p in posts)


def test_same_seed_writes_the_same_posts_and_another_seed_different_ones():
    seed(posts=8, seed=5)
    first = titles()
    first_bodies = list(Post.objects.order_by("pk").values_list("body", flat=True))
    Post.objects.all().delete()

    seed(posts=8, seed=5)
    assert titles() == first
    assert list(Post.objects.order_by("pk").values_list("body", flat=True)) == first_bodies
    Post.objects.all().delete()

    seed(posts=8, seed=6)
    assert titles() != first


def test_running_seed_demo_twice_reuses_authors_and_tags_and_adds_posts_with_new_slugs():
    seed(posts=5, seed=1)
    tag_count, post_count = Tag.objects.count(), Post.objects.count()

    seed(posts=5, seed=1)

    assert AuthorProfile.objects.count() == 10
    assert Category.objects.count() == 8
    assert Tag.objects.count() == tag_count
    assert Post.objects.count() == 2 * post_count
    assert Post.objects.filter(slug__endswith="-2").count() == post_count


def test_seed_demo_names_an_unnamed_site_but_keeps_a_name_an_admin_chose():
    seed(posts=1)
    assert SiteIdentity.current().name == "Ciphers & Statecraft"
    assert SiteIdentity.current().tagline

    SiteIdentity(name="The Night Desk", tagline="Ours").save()
    seed(posts=1)
    assert SiteIdentity.current().name == "The Night Desk"


def test_seed_demo_refuses_a_negative_post_count():
    with pytest.raises(CommandError, match="--posts"):
        seed(posts=-1)
    assert not Post.objects.exists()


@pytest.mark.parametrize("installed", [True, False])
def test_seed_demo_runs_rebuild_related_only_when_that_command_exists(monkeypatch, installed):
    commands = {"rebuild_related": "blog"} if installed else {}
    calls = []
    monkeypatch.setattr(seed_demo, "get_commands", lambda: commands)
    monkeypatch.setattr(seed_demo, "call_command", lambda name, **kw: calls.append(name))

    seed(posts=1)

    assert calls == (["rebuild_related"] if installed else [])


def test_quickstart_migrates_seeds_and_prints_a_random_admin_password_once():
    output = run_quickstart("--no-serve")

    assert Post.objects.published().count() == 60
    password = PASSWORD_LINE.search(output).group(1)
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert admin.check_password(password)
    assert "http://127.0.0.1:8000/" in output
    assert "http://127.0.0.1:8000/admin/" in output
    # Every demo post has a first revision: its history has something to compare with.
    post = Post.objects.order_by("pk").last()
    [first] = revisions.post_versions(post)
    assert first.revision.get_comment() == "Added with the demo content."

    admin.delete()
    Post.objects.all().delete()
    second = PASSWORD_LINE.search(run_quickstart("--no-serve")).group(1)
    assert second != password
    assert get_user_model().objects.get(username="admin").check_password(second)


def test_quickstart_says_where_workflow_emails_go(settings):
    PostFactory()
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    output = run_quickstart("--no-serve")
    assert "Workflow emails (submitted for review, published, changes requested) are printed" in (
        output
    )
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert "Workflow emails" not in run_quickstart("--no-serve")
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and not admin.groups.exists()  # the quickstart admin stays superuser


def test_quickstart_leaves_existing_posts_and_admin_password_alone():
    PostFactory()
    admin = get_user_model().objects.create_superuser("admin", "", "chosen-by-the-owner-1")

    output = run_quickstart("--no-serve")

    assert Post.objects.count() == 1
    admin.refresh_from_db()
    assert admin.check_password("chosen-by-the-owner-1")
    assert "password:" not in output
    assert "exists already" in output
    assert "already has 1 post:" in output


def test_quickstart_serves_on_the_given_address_unless_told_not_to(monkeypatch):
    served = []

    def fake_run(command, env, check):
        served.append((command[3:], env["DJANGO_DEBUG"], env["DJANGO_SERVE_MEDIA"]))

    monkeypatch.setattr(quickstart.subprocess, "run", fake_run)
    PostFactory()

    run_quickstart("--no-serve")
    assert served == []

    output = run_quickstart("--addrport", "127.0.0.1:8510")
    # Readers' view: Django's server with DEBUG off (themed error pages, the page cache on),
    # uploads served by Django.
    assert served == [(["runserver", "127.0.0.1:8510", "--noreload"], "0", "1")]
    assert "http://127.0.0.1:8510/admin/" in output
    assert "DEBUG off, the page cache on" in output


def test_quickstart_rejects_a_bad_address_before_changing_anything():
    with pytest.raises(CommandError, match="not a port number"):
        run_quickstart("--no-serve", "--addrport", "localhost:http")
    assert not get_user_model().objects.filter(username="admin").exists()


def test_seed_demo_rates_published_posts_with_exact_aggregates():
    from ratings.models import RatingAggregate, Vote
    from ratings.services import aggregates_recount

    seed(posts=30)
    public_ids = set(Post.objects.published().values_list("pk", flat=True))
    rated_ids = set(Vote.objects.values_list("object_id", flat=True))
    assert rated_ids and rated_ids <= public_ids
    assert len(rated_ids) < len(public_ids)  # some posts wait for their first vote
    assert RatingAggregate.objects.count() == len(rated_ids)
    assert aggregates_recount() == []  # stored aggregates agree with the votes exactly


@pytest.mark.parametrize(
    ("program", "shown"),
    [
        ("/srv/blog/venv/bin/groupblog", "groupblog runserver 127.0.0.1:8000"),
        ("manage.py", "python manage.py runserver 127.0.0.1:8000"),
    ],
)
def test_quickstart_names_the_command_it_was_started_with(monkeypatch, program, shown):
    monkeypatch.setattr(sys, "argv", [program, "quickstart", "--no-serve"])
    PostFactory()
    assert f"Start the server with: {shown}" in run_quickstart("--no-serve")
