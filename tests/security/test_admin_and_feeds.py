"""Attacks on the admin and the feeds, each sent as an attacker would and shown to fail.

The admin never reveals what the public side hides (nothing of other authors' unpublished posts in
any author-facing page or widget), authors cannot take another post's address or create tags,
feeds type every field (text as text, HTML sanitized as HTML), and no query string makes an admin
page fail with a server error.
"""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from blog.admin import PostAdmin
from blog.models import Post, PostRedirect
from blog.services import post_slug_change
from related.models import RelatedPost, RelatedPostOverride
from tests.admin_forms import inline_management_data
from tests.factories import AuthorProfileFactory, CategoryFactory, PostFactory, UserFactory

TOPIC = "Passkeys and phishing-resistant logins replace passwords"
SECRET = "Embargoed passkeys merger"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def other_author(db):
    return UserFactory(username="other", is_staff=True, groups=["Authors"])


@pytest.fixture
def topic_posts(author, other_author, django_capture_on_commit_callbacks):
    """The author's published post, and on the same topic another author's public post and
    another author's scheduled one: the related lists of both published posts hold all three."""
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(4):
            PostFactory(title=f"Garden diary {n}", body="Tomatoes, beans and weather.")
        mine = PostFactory(title="Passkeys, mine", body=TOPIC, tags=["passkeys"], author=author)
        public = PostFactory(
            title="Passkeys, public", body=TOPIC, tags=["passkeys"], author=other_author
        )
        scheduled = PostFactory(
            title=SECRET,
            body=TOPIC,
            tags=["passkeys"],
            author=other_author,
            published_at=timezone.now() + datetime.timedelta(days=3),
        )
    assert RelatedPost.objects.filter(post=mine, related=scheduled).exists()
    assert RelatedPost.objects.filter(post=scheduled, related=mine).exists()
    return mine, public, scheduled


def browser_inline_data(client, url) -> dict:
    """The inline formsets of the page as a browser posts them back unchanged: management fields
    and each shown row's fields (its hidden id among them)."""
    data = inline_management_data(client, url)
    for inline in client.get(url).context["inline_admin_formsets"]:
        for form in inline.formset.forms:
            for field in form:
                value = field.value()
                if value not in (None, False):
                    data[field.html_name] = "on" if value is True else str(value)
    return data


def post_form(post, **overrides):
    """The change form of a post as the browser sends it (authors have no author field)."""
    data = {
        "title": post.title, "slug": post.slug, "excerpt": post.excerpt, "body": post.body,
        "featured_image_alt": "", "featured_image_caption": "", "featured_image_credit": "",
        "source_name": "", "source_url": "", "tags": "", "status": post.status,
        "published_at_0": post.published_at.strftime("%Y-%m-%d") if post.published_at else "",
        "published_at_1": post.published_at.strftime("%H:%M:%S") if post.published_at else "",
    }  # fmt: skip
    data.update(overrides)
    return data


def change_url(post):
    return reverse("admin:blog_post_change", args=[post.pk])


# Other authors' unpublished posts never appear in an author's admin.


def test_related_posts_inline_never_names_another_authors_scheduled_post(
    client, author, editor, topic_posts
):
    mine, public, scheduled = topic_posts
    client.force_login(author)
    html = client.get(change_url(mine)).content.decode()
    assert "Passkeys, public" in html  # public posts are listed, with their reasons
    assert SECRET not in html
    assert change_url(scheduled) not in html
    client.force_login(editor)
    assert SECRET in client.get(change_url(mine)).content.decode()


@pytest.fixture
def pinning_author(author):
    """An author who may also pin and exclude related posts (a custom role), but not edit or see
    other authors' posts."""
    codenames = [f"{action}_relatedpostoverride" for action in ("add", "change", "view")]
    author.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return type(author).objects.get(pk=author.pk)  # no cached permissions


def test_pins_inline_never_shows_a_pin_of_another_authors_scheduled_post(
    client, pinning_author, topic_posts
):
    mine, public, scheduled = topic_posts
    RelatedPostOverride.objects.create(post=mine, other=scheduled, kind="pin")
    RelatedPostOverride.objects.create(post=mine, other=public, kind="exclude", position=1)
    client.force_login(pinning_author)
    html = client.get(change_url(mine)).content.decode()
    assert "Related posts: pins and exclusions" in html
    assert "Passkeys, public" in html
    assert SECRET not in html


def test_pins_inline_refuses_and_does_not_label_another_authors_scheduled_post_by_id(
    client, pinning_author, topic_posts
):
    mine, public, scheduled = topic_posts
    client.force_login(pinning_author)
    url = change_url(mine)
    prefix = "related_overrides"
    data = {
        **post_form(mine, tags="passkeys"),
        **browser_inline_data(client, url),
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-0-kind": "pin",
        f"{prefix}-0-other": str(scheduled.pk),
        f"{prefix}-0-position": "0",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert SECRET not in response.content.decode()
    assert not RelatedPostOverride.objects.filter(post=mine).exists()


def test_raw_id_popup_lists_only_the_authors_own_posts(client, author, topic_posts):
    mine, public, scheduled = topic_posts
    client.force_login(author)
    response = client.get(reverse("admin:blog_post_changelist") + "?_to_field=id&_popup=1")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Passkeys, mine" in html
    assert SECRET not in html and "Passkeys, public" not in html


@pytest.mark.parametrize(
    "source", [("related", "relatedpostoverride", "other"), ("related", "relatedpost", "related")]
)
def test_autocomplete_offers_only_the_authors_own_posts(client, author, topic_posts, source):
    app_label, model_name, field_name = source
    client.force_login(author)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": "P"},
    )
    assert [r["text"] for r in response.json()["results"]] == ["Passkeys, mine"]


def test_history_of_another_authors_post_is_not_shown(client, author, topic_posts):
    mine, public, scheduled = topic_posts
    client.force_login(author)
    response = client.get(reverse("admin:blog_post_history", args=[scheduled.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:index")
    assert SECRET not in response.content.decode()


def names_post(html: str, post) -> bool:
    """Whether a related-posts row in the page suggests this post ("#1: post 12", or its title
    when the row came with it)."""
    named = rf"(?:post {post.pk}\b|{re.escape(post.title)})"
    return re.search(rf"#\d+: {named}", html) is not None


def test_delete_confirmation_names_nothing_of_another_authors_scheduled_post(
    client, author, editor, topic_posts
):
    mine, public, scheduled = topic_posts
    url = reverse("admin:blog_post_delete", args=[mine.pk])
    client.force_login(author)
    html = client.get(url).content.decode()
    # The rows of the author's own list and of the public post's list are named (a row names
    # the post it suggests: "#1: post 12") …
    assert names_post(html, public) and names_post(html, mine)
    # … but not the rows of the scheduled post's list, nor those naming it, nor are they counted.
    assert not names_post(html, scheduled)
    assert "Suggested related posts: 2<" in html
    # The post and every row about it still go.
    client.post(url, {"post": "yes"})
    assert not Post.objects.filter(pk=mine.pk).exists()
    assert not RelatedPost.objects.filter(related_id=mine.pk).exists()
    client.force_login(editor)
    other_delete = client.get(reverse("admin:blog_post_delete", args=[public.pk])).content
    assert names_post(other_delete.decode(), scheduled)


def test_post_list_filters_name_no_other_author(client, author, topic_posts):
    AuthorProfileFactory(user=topic_posts[2].author, display_name="Orla Other")
    client.force_login(author)
    response = client.get(reverse("admin:blog_post_changelist"))
    cl = response.context["cl"]
    shown = [choice["display"] for spec in cl.filter_specs for choice in spec.choices(cl)]
    assert "Orla Other" not in shown and "other" not in shown
    assert "Orla Other" not in response.content.decode()


# Feeds type every field: text as text, HTML sanitized as HTML.


def feed_entries(client, url="/feed/"):
    response = client.get(url)
    assert response.status_code == 200
    return ET.fromstring(response.content).findall(f"{ATOM}entry")


def test_feed_gives_a_plain_text_excerpt_as_text_never_as_markup(client, db):
    excerpt = "<img src=x onerror=alert(1)> & <b>not bold</b>"
    PostFactory(excerpt=excerpt)
    (entry,) = feed_entries(client)
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "text"
    assert summary.text == excerpt


def test_feed_gives_the_body_as_sanitized_html_and_its_start_as_text(client, db):
    PostFactory(
        excerpt="",
        body='Hello <img src="x" onerror="alert(1)"> <script>alert(2)</script> **world**',
    )
    (entry,) = feed_entries(client)
    content = entry.find(f"{ATOM}content")
    assert content.get("type") == "html"
    assert "<strong>world</strong>" in content.text
    assert "onerror" not in content.text and "<script" not in content.text
    # Without an excerpt, the summary is the body's start with the markup taken off.
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "text"
    assert summary.text.startswith("Hello") and summary.text.endswith("world")
    assert "<" not in summary.text


def test_feed_gives_titles_author_names_and_categories_as_text(client, db):
    profile = AuthorProfileFactory(display_name="<i>Eve</i> & co")
    category = CategoryFactory(name="<u>Policy</u> & law")
    post = PostFactory(
        title="<b>Bold</b> & <script>x</script>", author=profile.user, categories=[category]
    )
    for url in ("/feed/", category.get_absolute_url() + "feed/"):
        (entry,) = feed_entries(client, url)
        title = entry.find(f"{ATOM}title")
        assert title.get("type") in (None, "text")
        assert title.text == post.title
        assert entry.find(f"{ATOM}author/{ATOM}name").text == "<i>Eve</i> & co"
        assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == [category.name]
        link = entry.find(f"{ATOM}link").get("href")
        assert link == "http://testserver" + post.get_absolute_url()


# An address once used by a post can't be claimed by another post.


@pytest.fixture
def renamed(editor):
    """Post A, whose slug an editor changed from a-old to a-new: a-old redirects to it."""
    post = PostFactory(title="A old", slug="a-old", author=editor)
    post.slug = "a-new"
    post.save()
    post_slug_change(post=post, old_slug="a-old")
    return post


def test_author_cannot_take_another_posts_old_address(client, author, renamed):
    old_url = reverse(
        "blog:post_detail",
        kwargs={
            "year": renamed.published_at.year,
            "month": f"{timezone.localtime(renamed.published_at).month:02d}",
            "slug": "a-old",
        },
    )
    mine = PostFactory(title="Mine", slug="mine", author=author)
    client.force_login(author)
    url = change_url(mine)
    inlines = browser_inline_data(client, url)
    response = client.post(url, {**post_form(mine, slug="a-old"), **inlines})
    assert response.status_code == 200
    assert "This is the old address of another post" in response.content.decode()
    mine.refresh_from_db()
    assert mine.slug == "mine"
    # The second step of the attack (rename again) finds nothing to take over.
    client.post(url, {**post_form(mine, slug="mine-2"), **inlines})
    assert PostRedirect.objects.get(old_slug="a-old").post == renamed
    client.logout()
    response = client.get(old_url)
    assert response.status_code == 301 and response["Location"] == renamed.get_absolute_url()


def test_slug_change_never_points_an_existing_redirect_at_another_post(renamed):
    # A post that got the address before the rule existed, renamed again.
    squatter = PostFactory(title="Squatter", slug="squatter")
    Post.objects.filter(pk=squatter.pk).update(slug="a-old-moved")
    squatter.refresh_from_db()
    post_slug_change(post=squatter, old_slug="a-old")
    assert PostRedirect.objects.get(old_slug="a-old").post == renamed


def test_slug_change_refuses_a_post_holding_another_posts_old_address(renamed):
    squatter = PostFactory(title="Squatter", slug="squatter")
    Post.objects.filter(pk=squatter.pk).update(slug="a-old")
    squatter.refresh_from_db()
    with pytest.raises(ValidationError):
        post_slug_change(post=squatter, old_slug="squatter")
    assert PostRedirect.objects.get(old_slug="a-old").post == renamed
    assert not PostRedirect.objects.filter(old_slug="squatter").exists()


def test_automatic_slug_skips_other_posts_old_addresses(renamed):
    assert PostFactory(title="A old").slug == "a-old-2"
    assert PostFactory(title="A new").slug == "a-new-2"


def test_a_post_may_take_its_own_old_address_back(client, editor, renamed):
    client.force_login(editor)
    url = change_url(renamed)
    form = {**post_form(renamed, slug="a-old", author=str(editor.pk))}
    assert client.post(url, {**form, **browser_inline_data(client, url)}).status_code == 302
    assert list(PostRedirect.objects.values_list("old_slug", "post")) == [("a-new", renamed.pk)]


# Authors choose among existing tags; only editors create tags.


def test_author_cannot_create_tags_through_the_post_form(client, author):
    Tag.objects.create(name="Policy")
    mine = PostFactory(title="Mine", author=author, status="draft", published_at=None)
    client.force_login(author)
    url = change_url(mine)
    typed = "policy, brand-new, Other new"
    response = client.post(url, {**post_form(mine, tags=typed), **browser_inline_data(client, url)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Only editors can create new tags: Other new, brand-new" in html
    assert response.context["adminform"].form["tags"].value() == typed
    assert list(Tag.objects.values_list("name", flat=True)) == ["Policy"]
    assert not mine.tags.exists()


def test_author_chooses_existing_tags_whatever_their_case(client, author):
    policy = Tag.objects.create(name="Policy")
    mine = PostFactory(title="Mine", author=author, status="draft", published_at=None)
    client.force_login(author)
    url = change_url(mine)
    form = {**post_form(mine, tags="POLICY"), **browser_inline_data(client, url)}
    assert client.post(url, form).status_code == 302
    assert list(mine.tags.all()) == [policy]
    assert Tag.objects.count() == 1


def test_editor_creates_new_tags_through_the_post_form(client, editor):
    post = PostFactory(title="Theirs", author=editor)
    client.force_login(editor)
    url = change_url(post)
    form = {**post_form(post, tags="brand-new", author=str(editor.pk))}
    assert client.post(url, {**form, **browser_inline_data(client, url)}).status_code == 302
    assert list(post.tags.names()) == ["brand-new"]


# No query string makes an admin page fail.

ABSURD_LIST_QUERIES = [
    "published_at__year=99999999999",
    "published_at__year=9999&published_at__month=12&published_at__day=31",
    "published_at__year=9999",
    "published_at__year=0",
    "published_at__year=-2024",
    "published_at__year=2024&published_at__month=13",
    "published_at__year=2024&published_at__month=1&published_at__day=0",
    "published_at__year=2024&published_at__month=99999999999999999999",
    "created_at__year=99999999999",
    "updated_at__year=-99999999999",
    "created_at__iso_year=99999999999",
    "published_at__date__year=0",
    "title__regex=(",
    "title__iregex=[",
]


@pytest.mark.parametrize("query", ABSURD_LIST_QUERIES)
def test_absurd_post_list_filters_get_a_400_page_saying_so(client, editor, query):
    PostFactory()
    client.force_login(editor)
    response = client.get(reverse("admin:blog_post_changelist") + "?" + query)
    assert response.status_code == 400
    assert "This list of posts cannot be shown" in response.content.decode()


@pytest.mark.parametrize(
    "query", ["p=99999999999", "p=-1", "o=garbage", "o=99999999999999.-.x", "status=%00", "q=%00"]
)
def test_absurd_pages_orderings_and_nul_bytes_never_fail(client, editor, query):
    PostFactory.create_batch(3)
    client.force_login(editor)
    response = client.get(reverse("admin:blog_post_changelist") + "?" + query)
    assert response.status_code in (200, 400)


def test_page_past_the_last_gets_a_400_page(client, editor, monkeypatch):
    monkeypatch.setattr(PostAdmin, "list_per_page", 2)
    PostFactory.create_batch(3)
    client.force_login(editor)
    response = client.get(reverse("admin:blog_post_changelist") + "?p=99999999999")
    assert response.status_code == 400


def admin_date_lookups():
    """(changelist URL, lookup) for every date field of every model admin of the site, ours and
    those of Django's and other apps (users, groups, tags)."""
    cases = []
    for model in admin.site._registry:
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateField):
                cases.append((url, f"{field.name}__year=99999999999"))
                cases.append((url, f"{field.name}__year=0"))
    return cases


@pytest.mark.parametrize(("url", "query"), admin_date_lookups())
def test_no_admin_list_fails_on_an_absurd_date(client, editor, url, query):
    editor.is_superuser = True  # every list, whatever the role may see
    editor.save()
    client.force_login(editor)
    response = client.get(f"{url}?{query}")
    assert response.status_code in (200, 302, 400)
    if response.status_code == 302:
        assert response["Location"].endswith("?e=1") or "/change/" in response["Location"]


def test_add_form_ignores_a_prefilled_date_it_cannot_use(client, editor):
    client.force_login(editor)
    url = reverse("admin:blog_post_add")
    assert client.get(url + "?published_at=2024-01-02").status_code == 200
    assert client.get(url + "?published_at=99999-01-01&title=Prefilled").status_code == 200


def test_search_of_thousands_of_words_reads_the_first_words(client, editor):
    PostFactory(title="needle in the haystack")
    client.force_login(editor)
    response = client.get(reverse("admin:blog_post_changelist"), {"q": "needle " * 3000})
    assert response.status_code == 200
    assert "needle in the haystack" in response.content.decode()


def test_autocomplete_search_with_a_nul_byte_does_not_fail(client, editor):
    PostFactory(title="Passkeys")
    client.force_login(editor)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "related", "model_name": "relatedpostoverride", "field_name": "other",
         "term": "Pass\x00keys"},
    )  # fmt: skip
    assert response.status_code == 400  # refused before the search runs (core.middleware)
    assert b"NUL character" in response.content
