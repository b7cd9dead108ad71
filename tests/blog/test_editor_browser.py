"""A real Chromium, signed in as an Author: Markdown typed in the editor, the toolbar and its
shortcuts, the server-rendered preview following the typing, the word count, the Write | Preview
tabs on a phone, buttons added by other scripts, tag suggestions, and the post saved as typed."""

import os

import pytest

from tests.factories import UserFactory

# Playwright's sync API runs an event loop in this thread; the ORM calls in the test are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The role groups come from data migrations: ``role_groups`` writes them again after other tests
# flushed the database.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

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


def author_page(browser, live_server, width):
    UserFactory(username="writer", is_staff=True, groups=["Authors"])
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "writer")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    page.goto(live_server.url + "/admin/blog/post/add/")
    return context, page


def select_text(page, text):
    page.evaluate(
        """text => { const box = document.getElementById('id_body');
        const at = box.value.indexOf(text);
        box.focus(); box.setSelectionRange(at, at + text.length); }""",
        text,
    )


def test_typing_toolbar_shortcuts_preview_and_word_count(live_server, browser, role_groups):
    from blog.models import Post

    context, page = author_page(browser, live_server, 1280)
    preview = page.locator(".md-editor__rendered")
    assert page.locator(".md-editor__tabs").is_hidden()  # side by side: no tabs
    assert page.locator(".md-editor__preview").is_visible()

    page.click("#id_body")
    page.keyboard.type("Export controls work")
    select_text(page, "controls")
    page.click(".md-editor__button[data-name=bold]")
    assert page.input_value("#id_body") == "Export **controls** work"
    preview.locator("strong", has_text="controls").wait_for()
    assert page.locator(".md-editor__stats").inner_text() == "3 words · 1 min read"

    select_text(page, "work")
    page.keyboard.press("Control+i")
    assert page.input_value("#id_body") == "Export **controls** _work_"
    preview.locator("em", has_text="work").wait_for()

    page.keyboard.press("End")
    page.keyboard.type("\n\n> Security is a process.\n> -- Jane Doe")
    preview.locator("footer.attribution", has_text="— Jane Doe").wait_for()
    assert preview.locator("blockquote p").inner_text() == "Security is a process."
    assert page.locator(".md-editor__stats").inner_text() == "9 words · 1 min read"

    page.fill("#id_title", "Written with the editor")
    with page.expect_navigation():
        page.click("input[name=_save]")
    post = Post.objects.get(title="Written with the editor")
    assert post.body.replace("\r\n", "\n").endswith("> -- Jane Doe")
    assert '<footer class="attribution">— Jane Doe</footer>' in post.body_html
    context.close()


def test_phone_switches_between_write_and_preview(live_server, browser, role_groups):
    context, page = author_page(browser, live_server, 390)
    write, preview = page.locator("#id_body"), page.locator(".md-editor__preview")
    assert page.locator(".md-editor__tabs").is_visible()
    assert write.is_visible() and preview.is_hidden()

    page.click("#id_body")
    page.keyboard.type("## A heading\n\nSome text")
    page.click(".md-editor__tab[data-mode=preview]")
    assert preview.is_visible() and write.is_hidden()
    page.locator(".md-editor__rendered h2", has_text="A heading").wait_for()
    assert page.get_attribute(".md-editor__tab[data-mode=preview]", "aria-selected") == "true"

    page.click(".md-editor__tab[data-mode=write]")
    assert write.is_visible() and preview.is_hidden()
    assert page.input_value("#id_body") == "## A heading\n\nSome text"
    context.close()


def test_other_scripts_add_buttons_and_tags_are_suggested(live_server, browser, role_groups):
    from taggit.models import Tag

    for name in ("privacy", "data privacy", "encryption"):
        Tag.objects.create(name=name)
    context, page = author_page(browser, live_server, 1280)
    page.evaluate(
        """() => window.GroupblogEditor.registerButton({name: 'sign', label: 'Sign',
        title: 'Sign the post', action: e => e.insertAtCursor('-- the editors')})"""
    )
    page.click("#id_body")
    page.keyboard.type("Closing words ")
    page.click(".md-editor__button[data-name=sign]")
    assert page.input_value("#id_body") == "Closing words -- the editors"
    page.evaluate(
        """() => window.GroupblogEditor.editors[0]
        .wrapSelection('[', '](https://example.org)', 'a')"""
    )
    assert page.input_value("#id_body").endswith("-- the editors[a](https://example.org)")

    page.click("#id_tags")
    page.keyboard.type("encryption, pri")
    option = page.locator(".tag-suggest__option").first
    option.wait_for()
    assert page.locator(".tag-suggest__option").all_inner_texts() == ["privacy", "data privacy"]
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.input_value("#id_tags") == 'encryption, "data privacy", '
    assert page.url.endswith("/admin/blog/post/add/")  # Enter took the tag, not the form
    context.close()


def test_restoring_an_autosave_fills_the_editor_and_its_preview(live_server, browser, role_groups):
    from django.contrib.auth import get_user_model

    from blog.autosave import autosave_store
    from blog.models import Post
    from tests.factories import PostFactory

    context, page = author_page(browser, live_server, 1280)
    writer = get_user_model().objects.get(username="writer")
    post = PostFactory(author=writer, status=Post.Status.DRAFT, published_at=None, body="Saved.")
    autosave_store(
        user=writer,
        post=post,
        data={"body": "Kept **while typing** before the tab closed."},
        base_version=post.version,
    )
    page.goto(live_server.url + f"/admin/blog/post/{post.pk}/change/")
    page.locator(".md-editor__rendered p", has_text="Saved.").wait_for()
    page.click("[data-autosave-restore]")
    assert page.input_value("#id_body") == "Kept **while typing** before the tab closed."
    page.locator(".md-editor__rendered strong", has_text="while typing").wait_for()
    assert page.locator(".md-editor__stats").inner_text() == "7 words · 1 min read"
    with page.expect_navigation():
        page.click("input[name=_save]")
    post.refresh_from_db()
    assert post.body == "Kept **while typing** before the tab closed."
    context.close()


def test_the_preview_warns_of_figures_placing_no_picture(live_server, browser, role_groups):
    context, page = author_page(browser, live_server, 1280)
    warning = page.locator(".md-editor__preview-warning")
    page.click("#id_body")
    page.keyboard.type("Before the picture.\n\n![A lost picture](image:99999)")
    warning.wait_for(state="visible")
    assert warning.inner_text() == (
        "These figures place no picture of the media library: image:99999. Choose the picture "
        "again with “Insert image”, or remove the line."
    )
    assert page.locator(".md-editor__rendered figure").count() == 0
    page.fill("#id_body", "Before the picture.")
    page.locator(".md-editor__rendered p", has_text="Before the picture.").wait_for()
    warning.wait_for(state="hidden")

    # The save refuses the body with the same words.
    page.fill("#id_title", "A lost picture")
    page.fill("#id_body", "![A lost picture](image:99999)")
    warning.wait_for(state="visible")
    with page.expect_navigation():
        page.click("input[name=_save]")
    assert warning.inner_text() in page.locator(".errorlist").first.inner_text()
    context.close()
