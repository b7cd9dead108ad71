"""A real Chromium: the chooser places a picture in a plain body textarea at the cursor, picks
the featured image, and the saved post shows the figure; the widget fits a phone's width."""

import os

import pytest
from django.test import Client
from django.urls import reverse

from blog.models import Post
from images.services import image_create
from tests.factories import PostFactory, UserFactory
from tests.images.conftest import picture_bytes

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


def signed_in(browser, live_server, user, width=1280):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context.new_page()


def test_inserting_a_picture_into_the_body_and_choosing_the_featured_image(live_server, browser):
    user = UserFactory(username="ada", is_staff=True, is_superuser=True)
    image = image_create(
        data=picture_bytes(size=(1000, 600)),
        name="harbour.jpg",
        alt_text="Boats in the harbour",
        caption="The harbour at dawn",
        credit="Jane Doe",
    )
    post = PostFactory(author=user, title="Harbour", body="First paragraph.\nSecond paragraph.")
    page = signed_in(browser, live_server, user)
    page.goto(live_server.url + reverse("admin:blog_post_change", args=[post.pk]))

    # The cursor after "First paragraph.": the figure goes there, as a paragraph of its own.
    page.evaluate(
        "() => { const t = document.getElementById('id_body');"
        " t.focus(); t.setSelectionRange(16, 16); }"
    )
    page.click(".md-editor__button[data-name='image']")  # the editor's toolbar
    page.wait_for_selector(f".image-dialog [data-image-id='{image.pk}']")
    page.click(f".image-dialog [data-image-id='{image.pk}'] .image-dialog__pick")
    expected = f"First paragraph.\n\n![Boats in the harbour](image:{image.pk})\n\nSecond paragraph."
    assert page.input_value("#id_body") == expected

    page.click("[data-image-choose]")
    page.fill(".image-dialog input[type=search]", "harbour")
    page.wait_for_selector(".image-dialog__status:has-text('1 picture')")
    page.click(f".image-dialog [data-image-id='{image.pk}'] .image-dialog__pick")
    assert page.input_value("#id_featured") == str(image.pk)
    assert "harbour" in page.locator(".image-chooser__title").inner_text()

    with page.expect_navigation():
        page.click("input[name=_save]")
    post = Post.objects.get(pk=post.pk)
    assert post.featured == image
    assert "<figure><picture>" in post.body_html
    assert '<span class="credit">(Source: Jane Doe)</span>' in post.body_html


def test_featured_widget_with_a_long_name_fits_a_phone(live_server, browser):
    user = UserFactory(username="grace", is_staff=True, is_superuser=True)
    image = image_create(
        data=picture_bytes(size=(400, 300)),
        name="a" * 120 + ".jpg",
    )
    post = PostFactory(author=user, featured=image)
    for width in (1280, 390):
        page = signed_in(browser, live_server, user, width=width)
        page.goto(live_server.url + reverse("admin:blog_post_change", args=[post.pk]))
        widget = page.locator(".image-chooser").bounding_box()
        form = page.locator("#content-main").bounding_box()
        assert widget["x"] + widget["width"] <= form["x"] + form["width"] + 1
        for selector in ("[data-image-choose]", "[data-image-clear]"):
            box = page.locator(selector).bounding_box()
            assert box["x"] + box["width"] <= width
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.context.close()


def test_the_markdown_editor_gets_an_image_button_through_its_api(live_server, browser):
    user = UserFactory(username="lin", is_staff=True, is_superuser=True)
    post = PostFactory(author=user)
    page = signed_in(browser, live_server, user)
    page.goto(live_server.url + reverse("admin:blog_post_change", args=[post.pk]))
    page.wait_for_selector(".md-editor__button[data-name='image']")
    assert page.locator(".md-editor__button[data-name='image']").count() == 1
    assert page.evaluate("window.GroupblogEditor.editors.length") == 1
    assert page.locator("[data-image-insert]").count() == 0  # the plain button gave way
