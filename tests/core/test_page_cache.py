"""The anonymous page cache: what it stores and serves, to whom, and that every change readers
should see is on the very next view, in every process (the generation lives in the database)."""

import datetime
import os
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import transaction
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from authors.models import AuthorProfile
from blog.models import Category, Post
from core import pagecache
from core.models import ContentGeneration, SiteIdentity
from ratings.models import Vote
from tests.factories import CategoryFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def redis_available() -> bool:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.3).ping()
    except Exception:
        return False
    return True


@pytest.fixture(params=["memory", "redis"])
def store(request, settings):
    """The default install (each process keeps its pages) and an install with REDIS_URL."""
    if request.param == "redis":
        if not redis_available():
            pytest.skip("no Redis at " + REDIS_URL)
        settings.CACHES = {
            **settings.CACHES,
            "pages": {
                "BACKEND": "core.cache.FaultTolerantRedisCache",
                "LOCATION": REDIS_URL,
                # A prefix of its own instead of emptying Redis, which test runs share.
                "KEY_PREFIX": f"test-pages-{uuid.uuid4().hex}",
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            },
        }
        yield request.param
    else:
        yield request.param


@pytest.fixture
def world(db):
    category = CategoryFactory(name="Surveillance")
    post = PostFactory(
        title="Spyware markets", categories=[category], tags=["spyware"], excerpt="Vendors."
    )
    return post


def another_process():
    """What a request in another worker starts from: no memory of this one's generation."""
    pagecache._current.set(None)


def view(path, client=None, **extra):
    response = (client or Client()).get(path, **extra)
    another_process()
    return response


def state(response) -> str | None:
    return response.headers.get("X-Page-Cache")


# -- Stored and served ------------------------------------------------------------------------


def public_paths(post):
    when = post.published_at
    return [
        "/",
        "/?page=1",
        post.get_absolute_url(),
        f"/{when:%Y}/",
        f"/{when:%Y}/{when:%m}/",
        "/category/surveillance/",
        "/tag/spyware/",
        "/tags/",
        f"/author/{post.author.username}/",
        "/authors/",
        "/top-rated/",
        "/feed/",
        "/feed/rss/",
        "/tag/spyware/feed/",
        "/sitemap.xml",
        "/robots.txt",
    ]


def test_every_public_page_is_stored_then_served_from_the_cache(world, store):
    for path in public_paths(world):
        first = view(path)
        assert first.status_code == 200, path
        assert state(first) == "miss", path
        second = view(path)
        assert state(second) == "hit", path
        assert second.content == first.content, path


def test_a_hit_costs_one_query_and_no_rendering(world, django_assert_num_queries):
    view(world.get_absolute_url())
    with django_assert_num_queries(1):  # the content generation
        response = Client().get(world.get_absolute_url())
    assert state(response) == "hit"


def test_head_is_answered_from_the_page_a_get_stored(world):
    view("/")
    assert state(Client().head("/")) == "hit"


@pytest.mark.parametrize(
    "path",
    [
        "/?utm_source=x",  # any parameter but a page number
        "/?page=abc",
        "/?page=1&page=2",
        "/search/?q=spyware",
        "/admin/login/",
        "/no-such-page/",  # a 404
        reverse("ratings:rate", args=["blog.post", 1]),
    ],
)
def test_other_requests_are_rendered_and_never_stored(world, path):
    path = path.replace("/1/", f"/{world.pk}/")
    first, second = view(path), view(path)
    assert state(first) is None and state(second) is None


def test_hosts_are_kept_apart_and_a_forged_host_is_refused(world, settings):
    settings.ALLOWED_HOSTS = ["blog.example.org", "testserver"]
    view("/", HTTP_HOST="blog.example.org")
    other = view("/")
    assert state(other) == "miss"
    assert "blog.example.org" not in other.content.decode()
    assert Client().get("/", HTTP_HOST="evil.example").status_code == 400


def test_query_strings_are_normalized_for_page_numbers(world):
    view("/?page=1")
    assert state(view("/?page=01")) == "hit"


# -- Signed-in users and personal requests ----------------------------------------------------


def test_signed_in_users_never_get_or_fill_a_shared_page(world):
    editor = UserFactory(is_staff=True)
    signed_in = Client()
    signed_in.force_login(editor)
    mine = view(world.get_absolute_url(), signed_in)
    assert state(mine) is None
    assert mine["Cache-Control"] == "private, no-store"
    # What the editor saw was not stored: the first anonymous view renders.
    assert state(view(world.get_absolute_url())) == "miss"
    again = view(world.get_absolute_url(), signed_in)
    assert state(again) is None and "csrfmiddlewaretoken" in again.content.decode()


def test_a_reader_with_a_message_to_read_gets_a_fresh_page(world):
    view(world.get_absolute_url())
    client = Client()
    client.cookies["messages"] = "anything"
    assert state(view(world.get_absolute_url(), client)) is None


def test_post_and_preview_are_never_stored(world):
    assert state(Client().post("/", {})) is None
    editor = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(editor)
    assert state(view(reverse("blog:post_preview", args=[world.pk]), client)) is None


def test_cached_pages_carry_nothing_of_the_reader(world):
    voter = Client()
    url = reverse("ratings:vote", args=["blog.post", world.pk])
    voter.post(url, {"score": "4"}, HTTP_ACCEPT="application/json")
    page = view(world.get_absolute_url(), voter)
    html = page.content.decode()
    assert state(page) == "miss"
    assert "csrfmiddlewaretoken" not in html and "rating__yours" not in html
    assert not page.cookies
    # The widget fetches the reader's own state and a token from the rate endpoint.
    own = voter.get(
        reverse("ratings:rate", args=["blog.post", world.pk]), HTTP_ACCEPT="application/json"
    )
    assert "Your rating: <strong>4 stars</strong>" in own.json()["html"]
    assert "csrfmiddlewaretoken" in own.json()["html"]
    assert own["Cache-Control"].startswith("max-age=0") and "private" in own["Cache-Control"]


def test_vote_without_javascript_on_a_cached_page(world):
    reader = Client(enforce_csrf_checks=True)
    view(world.get_absolute_url())  # stored by someone else
    page = view(world.get_absolute_url(), reader)
    assert state(page) == "hit"
    html = page.content.decode()
    rate_url = reverse("ratings:rate", args=["blog.post", world.pk])
    assert f'method="get" action="{rate_url}"' in html
    # The form opens the rate page with the choice checked and a token ...
    confirm = reader.get(rate_url, {"score": "4"})
    assert 'value="4" checked' in confirm.content.decode()
    assert not Vote.objects.exists()
    token = confirm.context["csrf_token"]
    # ... and its button records the vote and goes back to the post with a thank-you.
    done = reader.post(
        reverse("ratings:vote", args=["blog.post", world.pk]),
        {"score": "4", "csrfmiddlewaretoken": str(token)},
    )
    assert done.status_code == 302 and Vote.objects.count() == 1
    another_process()
    back = reader.get(world.get_absolute_url())
    assert state(back) is None  # the message makes it personal
    assert "Thank you — your rating was saved." in back.content.decode()
    assert "(1 vote cast)" in view(world.get_absolute_url()).content.decode()


# -- Exact invalidation -----------------------------------------------------------------------


def publish(world):
    PostFactory(title="Breaking: export rules")
    return "/", "Breaking: export rules"


def edit(world):
    world.title = "Spyware markets, revised"
    world.save()
    return world.get_absolute_url(), "Spyware markets, revised"


def unpublish(world):
    world.status = Post.Status.DRAFT
    world.save()
    return "/", "No posts have been published here yet."


def delete(world):
    world.delete()
    return "/", "No posts have been published here yet."


def vote(world):
    Client().post(
        reverse("ratings:vote", args=["blog.post", world.pk]),
        {"score": "5"},
        HTTP_ACCEPT="application/json",
    )
    return world.get_absolute_url(), "(1 vote cast)"


def revote(world):
    """A reader changing their score saves no row (the vote service updates in place)."""
    reader = Client()
    url = reverse("ratings:vote", args=["blog.post", world.pk])
    reader.post(url, {"score": "5"}, HTTP_ACCEPT="application/json")
    another_process()
    view(world.get_absolute_url())
    assert state(view(world.get_absolute_url())) == "hit"
    reader.post(url, {"score": "2"}, HTTP_ACCEPT="application/json")
    return world.get_absolute_url(), "2.0"


def profile_change(world):
    profile = AuthorProfile.objects.get(user=world.author)
    profile.display_name = "Grace Hopper"
    profile.save()
    return world.get_absolute_url(), "Grace Hopper"


def category_rename(world):
    category = Category.objects.get(name="Surveillance")
    category.name = "Mass surveillance"
    category.save()
    return "/", "Mass surveillance"


def tag_rename(world):
    tag = Tag.objects.get(name="spyware")
    tag.name = "stalkerware"
    tag.save()
    return "/", "#stalkerware"


def post_retagged(world):
    world.tags.add("zero-days")
    return "/", "#zero-days"


def site_identity(world):
    identity = SiteIdentity.current()
    identity.name = "The Policy Ledger"
    identity.save()
    return "/tags/", "The Policy Ledger"


def author_renamed(world):
    user = world.author
    AuthorProfile.objects.filter(user=user).delete()
    get_user_model().objects.filter(pk=user.pk).update(first_name="Ada", last_name="Byron")
    user.refresh_from_db()
    user.save()
    return "/", "Ada Byron"


EVENTS = [
    publish,
    edit,
    unpublish,
    delete,
    vote,
    revote,
    profile_change,
    category_rename,
    tag_rename,
    post_retagged,
    site_identity,
    author_renamed,
]


@pytest.mark.parametrize("event", EVENTS, ids=[e.__name__ for e in EVENTS])
def test_each_change_is_on_the_next_view(world, store, event):
    for path in ("/", world.get_absolute_url(), "/tags/"):
        view(path)
        assert state(view(path)) == "hit"
    path, expected = event(world)
    another_process()
    response = view(path)
    assert expected in response.content.decode()
    assert state(response) == "miss"


def test_a_scheduled_post_appears_when_its_time_comes(world, store, monkeypatch):
    later = timezone.now() + datetime.timedelta(hours=1)
    PostFactory(title="Embargoed analysis", published_at=later)
    assert "Embargoed analysis" not in view("/").content.decode()
    assert state(view("/")) == "hit"
    monkeypatch.setattr(timezone, "now", lambda: later + datetime.timedelta(seconds=1))
    assert "Embargoed analysis" in view("/").content.decode()


def test_a_cached_page_stops_offering_the_vote_when_voting_closes(
    world, store, settings, monkeypatch
):
    settings.RATINGS_CLOSE_AFTER_DAYS = 30
    closes = timezone.now() + datetime.timedelta(hours=1)
    Post.objects.filter(pk=world.pk).update(published_at=closes - datetime.timedelta(days=30))
    pagecache.content_changed()
    world.refresh_from_db()
    address = world.get_absolute_url()
    assert "closed 30 days after publication" not in view(address).content.decode()
    assert state(view(address)) == "hit"
    monkeypatch.setattr(timezone, "now", lambda: closes + datetime.timedelta(seconds=1))
    page = view(address)
    assert state(page) != "hit"
    assert "closed 30 days after publication" in page.content.decode()


def test_a_change_committed_by_another_process_is_seen(world, store):
    """The other process wrote without signals here and moved the generation (as its
    ``content_changed()`` does: pages and fragments): this process keeps nothing that would
    hide it."""
    view("/")
    Post.objects.filter(pk=world.pk).update(title="Changed elsewhere")
    now = timezone.now()
    ContentGeneration.objects.filter(pk=1).update(
        value=F("value") + 1,
        changed_at=now,
        fragments_value=F("value") + 1,
        fragments_changed_at=now,
    )
    assert "Changed elsewhere" in view("/").content.decode()


def test_bulk_writes_are_seen_after_content_changed(world):
    view("/")
    Post.objects.filter(pk=world.pk).update(title="Imported title")
    assert "Imported title" not in view("/").content.decode()  # no signal: still the copy
    pagecache.content_changed()
    assert "Imported title" in view("/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_generation_moves_when_the_transaction_commits():
    start = pagecache.generation().value
    with transaction.atomic():
        PostFactory()
        pagecache._current.set(None)
        assert pagecache.generation().value == start  # nobody may cache under the new one yet
    pagecache._current.set(None)
    assert pagecache.generation().value > start


def test_sign_ins_do_not_empty_the_cache(world):
    before = pagecache.generation().value
    user = UserFactory()
    another_process()
    before = pagecache.generation().value
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    another_process()
    assert pagecache.generation().value == before


# -- Outages and the switch -------------------------------------------------------------------


def test_a_redis_outage_renders_fresh_pages(world, settings):
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "core.cache.FaultTolerantRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    assert view("/").status_code == 200
    world.title = "Still fresh"
    world.save()
    response = view("/")
    assert response.status_code == 200 and "Still fresh" in response.content.decode()


def test_a_broken_cache_renders(world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("cache server on fire")

    monkeypatch.setattr(caches["pages"], "get", broken)
    monkeypatch.setattr(caches["pages"], "set", broken)
    assert view("/").status_code == 200
    assert view("/").status_code == 200


def test_the_switch_turns_the_cache_off(world, settings):
    settings.PAGE_CACHE = False
    first, second = view("/"), view("/")
    assert state(first) is None and state(second) is None
    assert "ETag" not in second


# -- HTTP caching ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["post", "list", "feed"])
def test_revalidation_answers_304(world, kind):
    path = {"post": world.get_absolute_url(), "list": "/tag/spyware/", "feed": "/feed/"}[kind]
    for attempt in ("miss", "hit"):
        response = view(path)
        assert state(response) == attempt
        etag, modified = response["ETag"], response["Last-Modified"]
        assert view(path, HTTP_IF_NONE_MATCH=etag).status_code == 304
        assert view(path, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    world.title = "New title"
    world.save()
    assert view(path, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_anonymous_pages_may_be_kept_by_a_cdn_only_while_revalidated(world, settings):
    response = view("/")
    assert response["Cache-Control"] == "public, max-age=0, must-revalidate"
    settings.PAGE_CACHE_MAX_AGE = 60
    pagecache.content_changed()
    assert view("/")["Cache-Control"] == "public, max-age=60, must-revalidate"
