"""A real Chromium signs in as a contributor and as an editor: the draft is submitted, the
editor's request without a note is refused with what was typed kept, then sent back with a note
that the contributor reads; on a phone-sized screen too."""

import os

import pytest

from tests.factories import UserFactory

# Playwright's sync API runs an event loop in this thread; the ORM calls in the test are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The role groups come from data migrations: restore them after other tests flushed the database.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"]
        )
        yield browser
        browser.close()


@pytest.fixture
def role_groups(transactional_db):
    """The role groups as the data migrations write them (a transactional test starts from a
    flushed database)."""
    from importlib import import_module
    from types import SimpleNamespace

    from django.apps import apps
    from django.contrib.auth.models import Group
    from django.db import connection

    if Group.objects.filter(name="Contributors").exists():
        return
    schema_editor = SimpleNamespace(connection=connection)
    import_module("blog.migrations.0002_staff_roles").grant(apps, schema_editor)
    import_module("authors.migrations.0002_role_permissions").grant(apps, schema_editor)
    import_module("blog.migrations.0010_editorial_roles").split_roles(apps, schema_editor)
    import_module("authors.migrations.0003_contributor_profiles").grant(apps, schema_editor)


def signed_in(browser, live_server, username, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    return context, page


@pytest.mark.parametrize("width", [1280, 390])
def test_contributor_submits_editor_sends_back_contributor_reads_the_note(
    live_server, browser, role_groups, width
):
    from blog.models import Post

    UserFactory(username="writer", is_staff=True, groups=["Contributors"])
    UserFactory(username="chief", is_staff=True, groups=["Editors"])

    context, page = signed_in(browser, live_server, "writer", width)
    page.goto(live_server.url + "/admin/blog/post/add/")
    assert page.locator("button[value=publish]").count() == 0
    page.fill("#id_title", "Export controls after the summit")
    page.fill("#id_body", "What changed.")
    page.click("button[value=submit]")
    page.wait_for_selector("text=was saved and submitted for review")
    assert "Pending review" in page.locator("#workflow-status").inner_text()
    post = Post.objects.get(title="Export controls after the summit")
    assert post.status == Post.Status.PENDING
    context.close()

    context, page = signed_in(browser, live_server, "chief", width)
    assert "1 pending review" in page.locator(".review-summary").inner_text()
    page.click("text=Open the review queue")
    page.wait_for_url("**/admin/blog/post/review/")
    page.click("#pending >> text=Export controls after the summit")
    page.wait_for_url(f"**/admin/blog/post/{post.pk}/change/")
    page.fill("#id_excerpt", "Typed by the editor.")
    page.click("button[value=request_changes]")
    page.wait_for_selector(".errornote")
    assert "Say what should change" in page.locator("#workflow-status").inner_text()
    assert page.input_value("#id_excerpt") == "Typed by the editor."
    post.refresh_from_db()
    assert post.status == Post.Status.PENDING and post.excerpt == ""
    page.fill("#id_transition_note", "Name the summit in the title.")
    page.click("button[value=request_changes]")
    page.wait_for_selector("text=was saved and sent back with changes requested")
    context.close()

    context, page = signed_in(browser, live_server, "writer", width)
    page.goto(live_server.url + f"/admin/blog/post/{post.pk}/change/")
    note = page.locator("#changes-requested").inner_text()
    assert "Name the summit in the title." in note
    history = page.locator("#workflow-history").inner_text()
    assert "Pending review → Changes requested" in history
    context.close()
