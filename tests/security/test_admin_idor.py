"""Typing an address in the admin reaches no more than the menus do.

An Author manages their own posts and profile only: another author's post or profile, opened,
changed, deleted, previewed, looked up in its history or acted on from a list by typing its
address or crafting the form, is answered as if it did not exist and stays as it was. Models a
role is not granted (users, groups, categories' changes, tags, site identity, ratings moderation)
refuse every page and every write, whatever the address.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from authors.models import AuthorProfile
from blog.models import Category, Post
from core.models import SiteIdentity
from ratings.models import RatingAggregate, RatingRule, RatingSet, Vote
from tests.admin_forms import inline_management_data
from tests.factories import AuthorProfileFactory, CategoryFactory, PostFactory, UserFactory

SECRET_TITLE = "Unannounced merger with Initech"


@pytest.fixture
def rival(db):
    user = UserFactory(username="rival", is_staff=True, groups=["Authors"])
    AuthorProfileFactory(user=user, display_name="Rita Rival", bio="Rival's own words.")
    return user


@pytest.fixture
def rivals_draft(rival):
    return PostFactory(
        title=SECRET_TITLE,
        slug="unannounced-merger",
        author=rival,
        status=Post.Status.DRAFT,
        published_at=None,
        excerpt="Embargoed until Monday.",
    )


@pytest.fixture
def rivals_post(rival):
    return PostFactory(title="Rival's published post", author=rival)


def post_form(**fields) -> dict:
    data = {
        "title": "Hijacked", "slug": "", "excerpt": "", "body": "Hijacked body.",
        "featured_image_alt": "", "featured_image_caption": "", "featured_image_credit": "",
        "source_name": "", "source_url": "", "tags": "", "status": "draft",
        "published_at_0": "", "published_at_1": "",
    }  # fmt: skip
    data.update(fields)
    return data


def assert_nothing_shown(response, post, *, refused=True):
    """Neither the post's words nor its address come back, on the page or in a redirect."""
    body = response.content.decode(errors="replace")
    location = response.get("Location", "")
    if refused:
        assert response.status_code in (302, 403, 404), response.status_code
    for secret in (post.title, post.slug, post.excerpt):
        assert secret not in body
        assert secret not in location


def shortcut_url(post) -> str:
    return reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(Post).pk, post.pk])


READS = {
    "change form": lambda p: reverse("admin:blog_post_change", args=[p.pk]),
    "delete confirmation": lambda p: reverse("admin:blog_post_delete", args=[p.pk]),
    "history": lambda p: reverse("admin:blog_post_history", args=[p.pk]),
    "change form as popup": lambda p: (
        reverse("admin:blog_post_change", args=[p.pk]) + "?_popup=1&_to_field=id"
    ),
    "preview": lambda p: reverse("blog:post_preview", args=[p.pk]),
    "view-on-site shortcut": shortcut_url,
}


@pytest.mark.parametrize("door", list(READS))
def test_author_typing_the_address_of_anothers_draft_learns_nothing(
    client, author, rivals_draft, door
):
    client.force_login(author)
    response = client.get(READS[door](rivals_draft))
    assert_nothing_shown(response, rivals_draft)
    if response.status_code == 302 and not response["Location"].startswith("http"):
        assert_nothing_shown(client.get(response["Location"]), rivals_draft, refused=False)


@pytest.mark.parametrize(
    "query",
    [
        {"q": SECRET_TITLE},
        {"q": "merger"},
        {"author__id__exact": "{rival}"},
        {"status__exact": "draft"},
        {"_popup": "1", "_to_field": "id"},
        {"o": "1"},
    ],
    ids=["by title", "by word", "by author", "by status", "popup", "sorted"],
)
def test_author_searching_and_filtering_the_post_list_sees_only_their_own(
    client, author, rival, rivals_draft, query
):
    mine = PostFactory(title="My own draft", author=author, status=Post.Status.DRAFT,
                       published_at=None)  # fmt: skip
    client.force_login(author)
    params = {k: v.format(rival=rival.pk) for k, v in query.items()}
    response = client.get(reverse("admin:blog_post_changelist"), params)
    assert response.status_code == 200
    listed = set(response.context["cl"].result_list)
    assert rivals_draft not in listed
    body = response.content.decode()
    assert rivals_draft.slug not in body and "Rita Rival" not in body
    if "author__id__exact" not in query and "q" not in query:
        assert listed == {mine}


def test_author_cannot_save_over_anothers_draft_by_posting_its_form(client, author, rivals_draft):
    client.force_login(author)
    url = reverse("admin:blog_post_change", args=[rivals_draft.pk])
    own = reverse("admin:blog_post_add")
    response = client.post(url, {**post_form(), **inline_management_data(client, own)})
    assert_nothing_shown(response, rivals_draft)
    rivals_draft.refresh_from_db()
    assert rivals_draft.title == SECRET_TITLE and rivals_draft.body != "Hijacked body."


def test_author_cannot_delete_anothers_draft_by_posting_the_confirmation(
    client, author, rivals_draft
):
    client.force_login(author)
    url = reverse("admin:blog_post_delete", args=[rivals_draft.pk])
    response = client.post(url, {"post": "yes"})
    assert_nothing_shown(response, rivals_draft)
    assert Post.objects.filter(pk=rivals_draft.pk).exists()


@pytest.mark.parametrize("action", ["delete_selected", "publish_selected"])
def test_author_cannot_act_on_anothers_posts_from_the_list(
    client, author, rivals_draft, rivals_post, action
):
    client.force_login(author)
    client.post(
        reverse("admin:blog_post_changelist"),
        {"action": action, "_selected_action": [rivals_draft.pk, rivals_post.pk], "post": "yes"},
    )
    rivals_draft.refresh_from_db()
    assert rivals_draft.status == Post.Status.DRAFT
    assert Post.objects.filter(pk__in=[rivals_draft.pk, rivals_post.pk]).count() == 2


def test_author_cannot_move_their_post_onto_anothers_address(client, author, rivals_draft):
    """Posting a form with another post's id in a hidden field changes nothing of theirs."""
    mine = PostFactory(title="Mine", author=author, status=Post.Status.DRAFT, published_at=None)
    client.force_login(author)
    url = reverse("admin:blog_post_change", args=[mine.pk])
    form = {**post_form(title="Mine"), **inline_management_data(client, url), "id": rivals_draft.pk}
    client.post(url, form)
    rivals_draft.refresh_from_db()
    assert rivals_draft.title == SECRET_TITLE and rivals_draft.author_id != author.pk


# -- Profiles -----------------------------------------------------------------------------------


def profile_form(**fields) -> dict:
    data = {"display_name": "Hijacked", "bio": "", "website": "https://evil.example/",
            "mastodon": "", "bluesky": "", "linkedin": "", "github": ""}  # fmt: skip
    data.update(fields)
    return data


@pytest.mark.parametrize("page", ["change", "history", "delete"])
def test_author_cannot_open_anothers_profile_by_address(client, author, rival, page):
    profile = AuthorProfile.objects.get(user=rival)
    client.force_login(author)
    response = client.get(reverse(f"admin:authors_authorprofile_{page}", args=[profile.pk]))
    assert response.status_code in (302, 403)
    assert "Rival's own words." not in response.content.decode()


@pytest.mark.parametrize("page", ["change", "delete"])
def test_author_cannot_write_anothers_profile_by_address(client, author, rival, page):
    profile = AuthorProfile.objects.get(user=rival)
    client.force_login(author)
    client.post(
        reverse(f"admin:authors_authorprofile_{page}", args=[profile.pk]),
        {**profile_form(), "post": "yes"},
    )
    profile.refresh_from_db()
    assert profile.display_name == "Rita Rival" and profile.website == ""


def test_author_cannot_hand_their_profile_to_another_account(client, author, rival):
    profile = AuthorProfileFactory(user=author, display_name="Own name")
    client.force_login(author)
    url = reverse("admin:authors_authorprofile_change", args=[profile.pk])
    response = client.post(url, profile_form(display_name="Own name", user=rival.pk, website=""))
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.user_id == author.pk
    assert AuthorProfile.objects.get(user=rival).display_name == "Rita Rival"


# -- Models a role is not granted ---------------------------------------------------------------

# What each role may do per admin model; every registered model must be listed, so a new admin
# screen gets a deliberate decision (its absence fails test_every_admin_model_has_a_decision).
GRANTED = {
    "Authors": {
        "blog.post": {"view", "add", "change", "delete"},
        "blog.category": {"view"},
        "authors.authorprofile": {"view", "change"},
        # Their own pictures only (object-level: tests/images/test_admin.py).
        "images.image": {"view", "add", "change", "delete"},
    },
    "Editors": {
        "blog.post": {"view", "add", "change", "delete"},
        "blog.category": {"view", "add", "change", "delete"},
        "taggit.tag": {"view", "add", "change", "delete"},
        "authors.authorprofile": {"view", "add", "change", "delete"},
        "ratings.vote": {"view", "delete"},
        "ratings.ratingaggregate": {"view"},
        "ratings.ratingset": {"view", "add", "change", "delete"},
        "ratings.ratingrule": {"view", "add", "change", "delete"},
        "images.image": {"view", "add", "change", "delete"},
    },
}
OWNER_ONLY = {"auth.user", "auth.group", "core.siteidentity"}
EVERY_MODEL = {*GRANTED["Editors"], *OWNER_ONLY}


def test_every_admin_model_has_a_decision():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == EVERY_MODEL


def one_of_each(editor) -> dict:
    """An existing row of every admin model, for typing its addresses."""
    post = PostFactory(title="Target post")
    from ratings.services import vote_cast

    vote_cast(target=post, user=editor, reader_key=f"u:{editor.pk}", ip_hash="x" * 64,
              scores={"overall": 5})  # fmt: skip
    return {
        "auth.user": editor,
        "auth.group": Group.objects.get(name="Editors"),
        "authors.authorprofile": AuthorProfileFactory(display_name="Target author"),
        "taggit.tag": PostFactory(tags=["target-tag"]).tags.get(),
        "core.siteidentity": SiteIdentity.objects.create(name="Target site"),
        "blog.category": CategoryFactory(name="Target category"),
        "ratings.vote": Vote.objects.get(),
        "ratings.ratingaggregate": RatingAggregate.objects.get(),
        "ratings.ratingset": RatingSet.objects.get(is_default=True),
        "ratings.ratingrule": RatingRule.objects.create(
            content_type=ContentType.objects.get_for_model(Post), object_id=post.pk, note="Target"
        ),
    }


def denied_doors():
    for role, granted in GRANTED.items():
        for label in sorted(EVERY_MODEL):
            allowed = granted.get(label, set())
            doors = []
            if not allowed:
                doors.append("changelist")
            if "add" not in allowed:
                doors.append("add")
            if not allowed & {"view", "change"}:
                doors += ["change", "history"]
            if "delete" not in allowed:
                doors.append("delete")
            for door in doors:
                yield pytest.param(role, label, door, id=f"{role}-{label}-{door}")


@pytest.mark.parametrize(("role", "label", "door"), list(denied_doors()))
def test_role_cannot_reach_what_it_was_not_granted_by_typing_the_address(
    client, editor, role, label, door
):
    target = one_of_each(editor).get(label)
    user = UserFactory(username="typist", is_staff=True, groups=[role])
    client.force_login(user)
    app, model = label.split(".")
    args = [] if door in ("changelist", "add") else [target.pk]
    url = reverse(f"admin:{app}_{model}_{door}", args=args)
    assert client.get(url).status_code == 403
    before = snapshot(label)
    response = client.post(url, {"name": "Hijacked", "post": "yes", "is_superuser": "on"})
    assert response.status_code == 403
    assert snapshot(label) == before


def snapshot(label: str) -> list:
    from django.apps import apps

    model = apps.get_model(label)
    return sorted(map(str, model._default_manager.values_list()))


@pytest.mark.parametrize("role", ["Authors", "Editors"])
def test_staff_cannot_promote_themselves(client, db, role):
    user = UserFactory(username="climber", is_staff=True, groups=[role])
    client.force_login(user)
    url = reverse("admin:auth_user_change", args=[user.pk])
    client.post(url, {"username": "climber", "is_superuser": "on", "is_staff": "on",
                      "groups": [g.pk for g in Group.objects.all()]})  # fmt: skip
    user = get_user_model().objects.get(pk=user.pk)
    assert not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == [role]


def test_author_cannot_grant_their_role_the_publish_permission(client, author):
    client.force_login(author)
    authors = Group.objects.get(name="Authors")
    before = set(authors.permissions.values_list("codename", flat=True))
    from django.contrib.auth.models import Permission

    publish = Permission.objects.get(codename="publish_post")
    response = client.post(
        reverse("admin:auth_group_change", args=[authors.pk]),
        {"name": "Authors", "permissions": [publish.pk]},
    )
    assert response.status_code == 403
    assert set(authors.permissions.values_list("codename", flat=True)) == before


def test_author_cannot_file_categories_by_editing_one(client, author):
    category = CategoryFactory(name="Politics", description="Editors' own words.")
    client.force_login(author)
    url = reverse("admin:blog_category_change", args=[category.pk])
    assert client.get(url).status_code == 200  # a read-only view: Authors may see categories
    response = client.post(url, {"name": "Renamed", "slug": "renamed", "description": ""})
    assert response.status_code == 403
    category.refresh_from_db()
    assert (category.name, category.slug) == ("Politics", "politics")
    assert Category.objects.count() == 1
