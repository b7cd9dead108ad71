"""Post cards are cached under the versions of what they show (blog.views.post_cards and
blog.versions): a change to one post, its author, its terms or its rating makes only the cards
that show it render again; the others stay cached, and every card shown is current."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from taggit.models import Tag

from authors.models import AuthorProfile
from blog.models import Category, Post
from blog.views import CARD_VERSIONS, post_cards
from core import pagecache
from ratings.templatetags.ratings_tags import top_rated_version
from tests.factories import CategoryFactory, PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def posts(settings):
    settings.PAGE_CACHE = False  # the pages themselves rendered each time: cards are measured
    category = CategoryFactory(name="Surveillance")
    shown = PostFactory(title="Spyware markets", categories=[category], tags=["spyware"])
    other = PostFactory(title="Export rules", categories=[CategoryFactory()], tags=["trade"])
    return shown, other


def card_keys() -> dict[int, str]:
    pagecache._current.set(None)  # the generation as the next request reads it
    rows = Post.objects.published().values_list(*CARD_VERSIONS)
    return {card.pk: card.key for card in post_cards(rows)}


def home() -> str:
    return Client().get("/").content.decode()


def edit(shown):
    shown.title = "Spyware markets, revised"
    shown.save()
    return "Spyware markets, revised"


def vote(shown):
    Client().post(
        reverse("ratings:vote", args=["blog.post", shown.pk]),
        {"score": "5"},
        HTTP_ACCEPT="application/json",
    )
    return "(1)"


def revote(shown):
    reader = Client()
    url = reverse("ratings:vote", args=["blog.post", shown.pk])
    reader.post(url, {"score": "5"}, HTTP_ACCEPT="application/json")
    home()
    before = card_keys()[shown.pk]
    reader.post(url, {"score": "2"}, HTTP_ACCEPT="application/json")  # saves no row
    assert card_keys()[shown.pk] != before
    return "2.0"


def profile_change(shown):
    profile = AuthorProfile.objects.get(user=shown.author)
    profile.display_name = "Grace Hopper"
    profile.save()
    return "Grace Hopper"


def profile_removed(shown):
    user = get_user_model().objects.get(pk=shown.author_id)
    user.first_name, user.last_name = "Ada", "Byron"
    user.save()
    AuthorProfile.objects.filter(user=user).delete()
    return "Ada Byron"


def category_rename(shown):
    category = Category.objects.get(name="Surveillance")
    category.name = "Mass surveillance"
    category.save()
    return "Mass surveillance"


def category_deleted(shown):
    Category.objects.get(name="Surveillance").delete()
    return None


def filed_from_the_category(shown):
    Category.objects.create(name="Privacy", slug="privacy").posts.add(shown)
    return ">Privacy<"


def tag_rename(shown):
    tag = Tag.objects.get(name="spyware")
    tag.name = "stalkerware"
    tag.save()
    return "#stalkerware"


def retagged(shown):
    shown.tags.add("zero-days")
    return "#zero-days"


EVENTS = [
    edit,
    vote,
    revote,
    profile_change,
    profile_removed,
    category_rename,
    category_deleted,
    filed_from_the_category,
    tag_rename,
    retagged,
]


@pytest.mark.parametrize("event", EVENTS, ids=[e.__name__ for e in EVENTS])
def test_a_change_renders_only_the_cards_that_show_it(posts, event):
    shown, other = posts
    page = home()
    before = card_keys()
    assert all(cache.get(key) for key in before.values())  # both cards stored
    expected = event(shown)
    after = card_keys()
    assert after[shown.pk] != before[shown.pk]
    assert after[other.pk] == before[other.pk]  # still cached, still current
    changed = home()
    assert changed != page
    if expected:
        assert expected in changed
    assert cache.get(after[shown.pk]) is not None


def test_category_deleted_leaves_the_card(posts):
    shown, _ = posts
    category_deleted(shown)
    assert ">Surveillance<" not in home()


def test_bulk_writes_make_every_card_render_after_content_changed(posts):
    shown, other = posts
    home()
    before = card_keys()
    Post.objects.filter(pk=other.pk).update(title="Imported title")
    assert card_keys() == before  # no signal: no way to know
    pagecache.content_changed()
    after = card_keys()
    assert after[shown.pk] != before[shown.pk] and after[other.pk] != before[other.pk]
    assert "Imported title" in home()


def test_a_vote_keeps_the_fragment_generation(posts):
    shown, _ = posts
    start = pagecache.generation()
    vote(shown)
    pagecache._current.set(None)
    now = pagecache.generation()
    assert now.value > start.value  # pages are rendered again
    assert now.fragments_token == start.fragments_token  # other fragments stay


def test_a_featured_picture_rebuilt_or_described_renders_its_cards(
    posts, django_capture_on_commit_callbacks
):
    from images.services import image_create, image_update, renditions_rebuild
    from tests.images.conftest import picture_bytes

    shown, other = posts
    picture = image_create(data=picture_bytes(size=(800, 600)), name="harbour.jpg")
    Post.objects.filter(pk=shown.pk).update(featured=picture)
    pagecache.content_changed()
    home()
    before = card_keys()
    with django_capture_on_commit_callbacks(execute=True):
        renditions_rebuild(image=picture)  # updates the row: no save, no post_save
    after = card_keys()
    assert after[shown.pk] != before[shown.pk] and after[other.pk] == before[other.pk]
    with django_capture_on_commit_callbacks(execute=True):
        image_update(image=picture, alt_text="A harbour at dawn")
    assert card_keys()[shown.pk] != after[shown.pk]


def sidebar(html: str) -> str:
    return html.split('<aside class="sidebar"', 1)[1].split("</aside>", 1)[0]


def lists_token() -> str:
    pagecache._current.set(None)
    return pagecache.generation().lists_token


@pytest.mark.parametrize("event", [vote, revote, profile_change, profile_removed])
def test_changes_no_list_shows_keep_the_sidebar_data(posts, event):
    shown, _ = posts
    home()
    before = lists_token()
    event(shown)
    assert lists_token() == before
    assert "Spyware markets" in sidebar(home())


@pytest.mark.parametrize(
    "event, expected",
    [
        (edit, "Spyware markets, revised"),
        (category_rename, "Mass surveillance"),
        (tag_rename, "stalkerware"),
        (retagged, "zero-days"),
        (lambda shown: PostFactory(title="Breaking news").title, "Breaking news"),
    ],
)
def test_changes_lists_show_are_in_the_sidebar_at_once(posts, event, expected):
    shown, _ = posts
    home()
    before = lists_token()
    event(shown)
    assert lists_token() != before
    assert expected in sidebar(home())


def test_a_vote_leaves_the_sidebar_lists_cached_and_moves_top_rated(posts):
    """The sidebar's lists are rendered once per list generation; the top-rated block beside
    them again when a vote changes the figures of a post it considers, and not for a vote on
    any other post."""
    from django.core.cache import cache

    shown, other = posts
    reader = Client()
    url = reverse("ratings:vote", args=["blog.post", shown.pk])
    reader.post(url, {"score": "5"}, HTTP_ACCEPT="application/json")
    page = sidebar(home())
    assert "Spyware markets" in page.split('id="widget-top-rated"', 1)[1]

    def keys():
        pagecache._current.set(None)
        return pagecache.lists_key("sidebar"), pagecache.lists_key(
            "sidebar-top-rated", top_rated_version()
        )

    lists, top = keys()
    assert cache.get(lists) is not None and cache.get(top) is not None
    vote(other)  # not among the block's candidates (they are cached for a few minutes)
    assert keys() == (lists, top)
    reader.post(url, {"score": "2"}, HTTP_ACCEPT="application/json")  # changes a shown figure
    assert keys()[0] == lists and keys()[1] != top
    assert "2.0/5" in sidebar(home()).split('id="widget-top-rated"', 1)[1]
