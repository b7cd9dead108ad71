"""A real Chromium: the second of two editors saving gets the conflict page and may overwrite;
typing is autosaved, leaving warns, and coming back offers the text to restore."""

import os

import pytest
from django.test import Client
from django.urls import reverse

from blog.models import Post, PostAutosave
from tests.factories import PostFactory, UserFactory

# Playwright's sync API runs an event loop in this thread; the ORM calls in the test are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"]
        )
        yield browser
        browser.close()


def staff_post(**fields):
    author = UserFactory(username="writer", is_staff=True)
    return PostFactory(author=author, **fields)


def signed_in(browser, live_server, username):
    user = UserFactory(
        username=username,
        first_name=username.title(),
        last_name="Tester",
        is_staff=True,
        # A transactional test starts without the role groups the migrations made.
        is_superuser=True,
    )
    client = Client()
    client.force_login(user)
    context = browser.new_context()
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context.new_page()


def test_second_editor_sees_the_conflict_and_overwrites(live_server, browser):
    post = staff_post(title="Dual-use exports", body="Opening.\nClosing.")
    url = live_server.url + reverse("admin:blog_post_change", args=[post.pk])
    ada, grace = signed_in(browser, live_server, "ada"), signed_in(browser, live_server, "grace")
    ada.goto(url)
    grace.goto(url)
    assert "Ada Tester is editing this post" in grace.locator("[data-editing-notice]").inner_text()

    ada.fill("#id_title", "Dual-use exports, by Ada")
    with ada.expect_navigation():
        ada.click("input[name=_save]")
    grace.fill("#id_body", "Opening, by Grace.\nClosing.")
    with grace.expect_navigation():
        grace.click("input[name=_save]")

    page = grace.locator("#content-main").inner_text()
    assert "Your changes have not been saved yet, and nothing is lost" in page
    assert "Ada Tester saved this post on" in page
    assert grace.locator("ins", has_text="by Grace").count() == 1
    assert grace.locator("del", has_text="by Ada").count() == 1
    assert grace.input_value("#conflict-mine").endswith("Opening, by Grace.\nClosing.")
    assert grace.locator("[data-copy-target]").is_visible()
    assert Post.objects.get(pk=post.pk).body.splitlines() == ["Opening.", "Closing."]

    with grace.expect_navigation():
        grace.click("text=Overwrite with my version")
    assert "was changed successfully" in grace.locator(".messagelist").inner_text()
    post.refresh_from_db()
    assert post.title == "Dual-use exports"
    assert post.body.splitlines() == ["Opening, by Grace.", "Closing."]


def test_typing_is_autosaved_and_offered_back(live_server, browser, monkeypatch):
    # The form autosaves every INTERVAL_SECONDS (30): a second here.
    monkeypatch.setattr("blog.autosave.INTERVAL_SECONDS", 1)
    post = staff_post(title="Export licences", body="Saved body.")
    url = live_server.url + reverse("admin:blog_post_change", args=[post.pk])
    page = signed_in(browser, live_server, "ada")
    page.goto(url)
    page.fill("#id_body", "Saved body.\n\nA paragraph typed and not saved.")
    status = page.locator("[data-autosave-status]")
    status.filter(has_text="Your changes were kept at").wait_for()
    assert PostAutosave.objects.get(post=post).data["body"].endswith("typed and not saved.")
    assert Post.objects.get(pk=post.pk).body == "Saved body."

    page.fill("#id_excerpt", "An excerpt typed just before leaving.")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    page.goto(live_server.url + reverse("admin:blog_post_changelist"))
    assert dialogs == ["beforeunload"]
    assert Post.objects.get(pk=post.pk).body == "Saved body."
    # Leaving sent the last keystrokes with a beacon, which the server reads in its own time.
    for _ in range(50):
        if "excerpt" in PostAutosave.objects.get(post=post).data:
            break
        page.wait_for_timeout(100)

    page.goto(url)
    notice = page.locator("[data-autosave-notice]")
    assert "You have unsaved changes from" in notice.inner_text()
    page.click("[data-autosave-restore]")
    assert notice.is_hidden()
    assert page.input_value("#id_body") == "Saved body.\n\nA paragraph typed and not saved."
    assert page.input_value("#id_excerpt") == "An excerpt typed just before leaving."
    with page.expect_navigation():
        page.click("input[name=_save]")
    post.refresh_from_db()
    assert post.excerpt == "An excerpt typed just before leaving."
    assert not PostAutosave.objects.exists()
