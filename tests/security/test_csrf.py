"""Every request that changes something must prove it comes from one of the site's own forms.

Each state-changing endpoint (the vote, sign-in and sign-out, and every admin form and action
the roles use) is sent as a forged cross-site request: without the CSRF token, with another
visitor's token, and with a valid token but from another origin. Each is refused with 403 and
changes nothing; the same request with the page's own token goes through (so the refusal is the
token check's, not a missing permission's).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from taggit.models import Tag

from authors.models import AuthorProfile
from blog import revisions
from blog.models import Category, Post, PostAutosave, PostEditingPresence
from core.models import SiteIdentity
from ratings.models import RatingAggregate, RatingRule, Vote
from ratings.readers import ip_hash
from ratings.services import vote_cast
from tests.admin_forms import inline_management_data
from tests.factories import AuthorProfileFactory, CategoryFactory, PostFactory, UserFactory

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a fresh and long passphrase 42"


class World:
    def __init__(self):
        self.author = UserFactory(username="writer", is_staff=True, groups=["Authors"])
        self.profile = AuthorProfileFactory(user=self.author, display_name="Wendy Writer")
        self.editor = UserFactory(username="editor", is_staff=True, groups=["Editors"])
        self.owner = UserFactory(username="owner", is_staff=True, is_superuser=True)
        self.category = CategoryFactory(name="Field notes")
        self.draft = PostFactory(
            title="Draft", author=self.author, status=Post.Status.DRAFT, published_at=None
        )
        self.pending = PostFactory(
            title="Pending", author=self.author, status=Post.Status.PENDING, published_at=None
        )
        self.post = PostFactory(title="Published", tags=["stripes"])
        self.tag = Tag.objects.get(name="stripes")
        SiteIdentity.objects.create(name="Savanna")
        vote_cast(target=self.post, user=AnonymousUser(), reader_key="a:reader",
                  ip_hash=ip_hash("192.0.2.9"), scores={"overall": 2})  # fmt: skip
        self.vote = Vote.objects.get()

    def user(self, role: str):
        return {"author": self.author, "editor": self.editor, "owner": self.owner}.get(role)


@dataclass(frozen=True)
class Action:
    """A state change: who sends it, the page whose form carries the token, the request, and
    how to tell it happened."""

    role: str | None
    form_page: Callable[[World], str]
    url: Callable[[World], str]
    data: Callable[[Client, World], dict]
    happened: Callable[[World], bool]


def same(url_of):
    return url_of


def post_form(world: World, client: Client, url: str, **fields) -> dict:
    data = {
        "title": "Draft", "slug": "", "excerpt": "", "body": "Text.", "featured_image_alt": "",
        "featured_image_caption": "", "featured_image_credit": "", "source_name": "",
        "source_url": "", "tags": "", "status": "draft", "published_at_0": "",
        "published_at_1": "",
    }  # fmt: skip
    data.update(fields)
    data.update(inline_management_data(client, url))
    return data


def changelist_action(name: str, pks: list[int], **extra) -> dict:
    return {"action": name, "_selected_action": [str(pk) for pk in pks], **extra}


EMPTY_PROFILE = {"bio": "", "website": "", "mastodon": "", "bluesky": "", "linkedin": "",
                 "github": ""}  # fmt: skip


def all_post_permissions() -> list[str]:
    ct = ContentType.objects.get_for_model(Post)
    permissions = Permission.objects.filter(content_type=ct)
    return [str(pk) for pk in permissions.values_list("pk", flat=True)]


def first_revision(world: World):
    """A revision of the draft to restore (recorded once), the draft changed since."""
    if not hasattr(world, "revision"):
        with revisions.recording(user=world.author):
            world.draft.title = "Draft, first words"
            world.draft.save()
        world.revision = revisions.post_versions(world.draft).get()
        with revisions.recording(user=world.author):
            world.draft.title = "Draft"
            world.draft.save()
    return world.revision


ACTIONS = {
    "vote": Action(
        role=None,
        # The post page is shared by every anonymous reader and carries no token: the rate page
        # (which the widget's script reads, and the form opens without JavaScript) does.
        form_page=lambda w: reverse("ratings:rate", args=["blog.post", w.post.pk]),
        url=lambda w: reverse("ratings:vote", args=["blog.post", w.post.pk]),
        data=lambda c, w: {"score": "4"},
        happened=lambda w: Vote.objects.count() == 2,
    ),
    "sign in": Action(
        role=None,
        form_page=lambda w: reverse("admin:login"),
        url=lambda w: reverse("admin:login"),
        data=lambda c, w: {"username": "writer", "password": PASSWORD, "next": "/admin/"},
        happened=lambda w: w.client_session_user() == w.author.pk,
    ),
    "sign out": Action(
        role="author",
        form_page=lambda w: reverse("admin:index"),
        url=lambda w: reverse("admin:logout"),
        data=lambda c, w: {},
        happened=lambda w: w.client_session_user() is None,
    ),
    "change own password": Action(
        role="author",
        form_page=lambda w: reverse("admin:password_change"),
        url=lambda w: reverse("admin:password_change"),
        data=lambda c, w: {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        happened=lambda w: (
            get_user_model().objects.get(pk=w.author.pk).check_password(NEW_PASSWORD)
        ),
    ),
    "add a post": Action(
        role="author",
        form_page=lambda w: reverse("admin:blog_post_add"),
        url=lambda w: reverse("admin:blog_post_add"),
        data=lambda c, w: post_form(w, c, reverse("admin:blog_post_add"), title="Forged post"),
        happened=lambda w: Post.objects.filter(title="Forged post").exists(),
    ),
    "change a post": Action(
        role="author",
        form_page=lambda w: reverse("admin:blog_post_change", args=[w.draft.pk]),
        url=lambda w: reverse("admin:blog_post_change", args=[w.draft.pk]),
        data=lambda c, w: post_form(
            w, c, reverse("admin:blog_post_change", args=[w.draft.pk]), title="Forged title"
        ),
        happened=lambda w: Post.objects.filter(title="Forged title").exists(),
    ),
    "delete a post": Action(
        role="author",
        form_page=lambda w: reverse("admin:blog_post_delete", args=[w.draft.pk]),
        url=lambda w: reverse("admin:blog_post_delete", args=[w.draft.pk]),
        data=lambda c, w: {"post": "yes"},
        happened=lambda w: not Post.objects.filter(pk=w.draft.pk).exists(),
    ),
    "delete posts from the list": Action(
        role="author",
        form_page=lambda w: reverse("admin:blog_post_changelist"),
        url=lambda w: reverse("admin:blog_post_changelist"),
        data=lambda c, w: changelist_action("delete_selected", [w.draft.pk], post="yes"),
        happened=lambda w: not Post.objects.filter(pk=w.draft.pk).exists(),
    ),
    "change own profile": Action(
        role="author",
        form_page=lambda w: reverse("admin:authors_authorprofile_change", args=[w.profile.pk]),
        url=lambda w: reverse("admin:authors_authorprofile_change", args=[w.profile.pk]),
        data=lambda c, w: {"display_name": "Forged name", **EMPTY_PROFILE},
        happened=lambda w: AuthorProfile.objects.filter(display_name="Forged name").exists(),
    ),
    "publish from the list": Action(
        role="editor",
        form_page=lambda w: reverse("admin:blog_post_changelist"),
        url=lambda w: reverse("admin:blog_post_changelist"),
        data=lambda c, w: changelist_action("publish_selected", [w.pending.pk]),
        happened=lambda w: Post.objects.get(pk=w.pending.pk).status == Post.Status.PUBLISHED,
    ),
    "delete votes from the log": Action(
        role="editor",
        form_page=lambda w: reverse("admin:ratings_vote_changelist"),
        url=lambda w: reverse("admin:ratings_vote_changelist"),
        data=lambda c, w: changelist_action("delete_and_recount", [w.vote.pk]),
        happened=lambda w: not Vote.objects.exists() and RatingAggregate.objects.get().count == 0,
    ),
    "add a category": Action(
        role="editor",
        form_page=lambda w: reverse("admin:blog_category_add"),
        url=lambda w: reverse("admin:blog_category_add"),
        data=lambda c, w: {"name": "Forged", "slug": "forged", "description": ""},
        happened=lambda w: Category.objects.filter(slug="forged").exists(),
    ),
    "rename a category": Action(
        role="editor",
        form_page=lambda w: reverse("admin:blog_category_change", args=[w.category.pk]),
        url=lambda w: reverse("admin:blog_category_change", args=[w.category.pk]),
        data=lambda c, w: {"name": "Forged", "slug": w.category.slug, "description": ""},
        happened=lambda w: Category.objects.filter(name="Forged").exists(),
    ),
    "delete a category": Action(
        role="editor",
        form_page=lambda w: reverse("admin:blog_category_delete", args=[w.category.pk]),
        url=lambda w: reverse("admin:blog_category_delete", args=[w.category.pk]),
        data=lambda c, w: {"post": "yes"},
        happened=lambda w: not Category.objects.filter(pk=w.category.pk).exists(),
    ),
    "rename a tag": Action(
        role="editor",
        form_page=lambda w: reverse("admin:taggit_tag_change", args=[w.tag.pk]),
        url=lambda w: reverse("admin:taggit_tag_change", args=[w.tag.pk]),
        data=lambda c, w: {
            "name": "forged",
            "slug": "forged",
            **inline_management_data(c, reverse("admin:taggit_tag_change", args=[w.tag.pk])),
        },
        happened=lambda w: Tag.objects.filter(name="forged").exists(),
    ),
    "lock ratings of a post": Action(
        role="editor",
        form_page=lambda w: reverse("admin:ratings_ratingrule_add"),
        url=lambda w: reverse("admin:ratings_ratingrule_add"),
        data=lambda c, w: {
            "content_type": str(ContentType.objects.get_for_model(Post).pk),
            "object_id": str(w.post.pk),
            "access": "3",
            "rating_set": "",
            "note": "forged",
        },
        happened=lambda w: RatingRule.objects.filter(note="forged").exists(),
    ),
    "change the site identity": Action(
        role="owner",
        form_page=lambda w: reverse("admin:core_siteidentity_change", args=[1]),
        url=lambda w: reverse("admin:core_siteidentity_change", args=[1]),
        data=lambda c, w: {"name": "Forged", "tagline": "", "description": ""},
        happened=lambda w: SiteIdentity.objects.get(pk=1).name == "Forged",
    ),
    "add a user": Action(
        role="owner",
        form_page=lambda w: reverse("admin:auth_user_add"),
        url=lambda w: reverse("admin:auth_user_add"),
        # "Add staff member" (authors.staff_admin): no password, an emailed invitation.
        data=lambda c, w: {
            "first_name": "Mallory",
            "email": "mallory@example.org",
            "username": "mallory",
            "role": "editor",
        },
        happened=lambda w: get_user_model().objects.filter(username="mallory").exists(),
    ),
    "set another user's password": Action(
        role="owner",
        form_page=lambda w: reverse("admin:auth_user_password_change", args=[w.editor.pk]),
        url=lambda w: reverse("admin:auth_user_password_change", args=[w.editor.pk]),
        data=lambda c, w: {
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
        happened=lambda w: (
            get_user_model().objects.get(pk=w.editor.pk).check_password(NEW_PASSWORD)
        ),
    ),
    "grant a role every post permission": Action(
        role="owner",
        form_page=lambda w: reverse(
            "admin:auth_group_change", args=[Group.objects.get(name="Contributors").pk]
        ),
        url=lambda w: reverse(
            "admin:auth_group_change", args=[Group.objects.get(name="Contributors").pk]
        ),
        data=lambda c, w: {"name": "Contributors", "permissions": all_post_permissions()},
        happened=lambda w: (
            Group.objects.get(name="Contributors")
            .permissions.filter(codename="publish_post")
            .exists()
        ),
    ),
    "autosave a post being written": Action(
        role="author",
        form_page=lambda w: reverse("admin:blog_post_change", args=[w.draft.pk]),
        url=lambda w: reverse("admin:blog_post_autosave", args=[w.draft.pk]),
        data=lambda c, w: {"body": "Typed, not saved."},
        happened=lambda w: PostAutosave.objects.exists(),
    ),
    "say one is editing a post": Action(
        role="author",
        # Any page with the token; opening the change form would itself say so.
        form_page=lambda w: reverse("admin:blog_post_history", args=[w.draft.pk]),
        url=lambda w: reverse("admin:blog_post_editing", args=[w.draft.pk]),
        data=lambda c, w: {"event": "heartbeat"},
        happened=lambda w: PostEditingPresence.objects.filter(user=w.author).exists(),
    ),
    "restore a revision": Action(
        role="author",
        form_page=lambda w: reverse("admin:blog_post_history", args=[w.draft.pk]),
        url=lambda w: reverse(
            "admin:blog_post_revision_restore", args=[w.draft.pk, first_revision(w).pk]
        ),
        data=lambda c, w: {},
        happened=lambda w: Post.objects.get(pk=w.draft.pk).title == "Draft, first words",
    ),
}


@pytest.fixture
def world(db):
    return World()


def session_user(client: Client):
    value = client.session.get("_auth_user_id")
    return None if value is None else int(value)


def browser(world: World, role: str | None) -> Client:
    """A browser that enforces CSRF like a real one, signed in as ``role``."""
    client = Client(enforce_csrf_checks=True)
    user = world.user(role) if role else None
    if user is not None:
        client.force_login(user)
    world.client_session_user = lambda: session_user(client)
    return client


def token_from(client: Client, page: str) -> str:
    response = client.get(page)
    assert response.status_code == 200, (page, response.status_code)
    return client.cookies["csrftoken"].value


def another_visitors_token(world: World, action: Action) -> str:
    stranger = Client(enforce_csrf_checks=True)
    return token_from(stranger, reverse("admin:login"))


FORGERIES = ["no token", "another visitor's token", "valid token from another origin"]


@pytest.mark.parametrize("forgery", FORGERIES)
@pytest.mark.parametrize("name", list(ACTIONS))
def test_forged_request_is_refused_and_changes_nothing(world, name, forgery):
    action = ACTIONS[name]
    client = browser(world, action.role)
    url = action.url(world)
    data = action.data(client, world)
    extra = {}
    if forgery == "another visitor's token":
        data["csrfmiddlewaretoken"] = another_visitors_token(world, action)
        token_from(client, action.form_page(world))  # the victim has a token of their own
    elif forgery == "valid token from another origin":
        data["csrfmiddlewaretoken"] = token_from(client, action.form_page(world))
        extra["HTTP_ORIGIN"] = "https://evil.example"
    response = client.post(url, data, **extra)
    assert response.status_code == 403
    assert b"CSRF verification failed" in response.content
    assert not action.happened(world)


@pytest.mark.parametrize("name", list(ACTIONS))
def test_same_request_from_the_sites_own_form_goes_through(world, name):
    action = ACTIONS[name]
    client = browser(world, action.role)
    data = action.data(client, world)
    data["csrfmiddlewaretoken"] = token_from(client, action.form_page(world))
    response = client.post(action.url(world), data)
    assert response.status_code in (200, 302), response.status_code
    assert action.happened(world), response.content.decode()[:2000]


def test_vote_sent_by_script_carries_the_token_in_a_header(world):
    client = browser(world, None)
    token = token_from(client, reverse("ratings:rate", args=["blog.post", world.post.pk]))
    url = reverse("ratings:vote", args=["blog.post", world.post.pk])
    refused = client.post(url, {"score": "4"}, HTTP_ACCEPT="application/json")
    assert refused.status_code == 403 and Vote.objects.count() == 1
    accepted = client.post(
        url, {"score": "4"}, HTTP_ACCEPT="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert accepted.status_code == 200 and Vote.objects.count() == 2


def test_vote_over_https_from_another_sites_page_is_refused(world):
    """Over HTTPS, Django also checks the Referer: a form on another site cannot post a vote
    even when the browser sends no Origin header."""
    client = browser(world, None)
    token = token_from(client, reverse("ratings:rate", args=["blog.post", world.post.pk]))
    url = reverse("ratings:vote", args=["blog.post", world.post.pk])
    data = {"score": "4", "csrfmiddlewaretoken": token}
    response = client.post(url, data, secure=True, HTTP_REFERER="https://evil.example/page")
    assert response.status_code == 403 and Vote.objects.count() == 1
    response = client.post(
        url, data, secure=True, HTTP_REFERER="https://testserver" + world.post.get_absolute_url()
    )
    assert response.status_code == 302 and Vote.objects.count() == 2


def test_vote_by_get_is_refused_so_an_image_cannot_vote(world, client):
    url = reverse("ratings:vote", args=["blog.post", world.post.pk])
    assert client.get(url, {"score": "5"}).status_code == 405
    assert Vote.objects.count() == 1


def test_sign_out_by_get_is_refused_so_a_link_cannot_sign_anyone_out(world):
    client = browser(world, "author")
    assert client.get(reverse("admin:logout")).status_code == 405
    assert session_user(client) == world.author.pk


def iter_patterns(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from iter_patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def test_no_view_of_the_site_opts_out_of_csrf_protection():
    exempt = [
        route
        for route, callback in iter_patterns(get_resolver().url_patterns)
        if getattr(callback, "csrf_exempt", False)
    ]
    assert exempt == []
