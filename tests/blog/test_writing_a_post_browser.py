"""The whole of writing a post in a real Chromium, on a laptop (1280 px) and a phone (390 px): an
Author opens Add post, types a title and a body with a quote and its attribution, places a
captioned picture of the media library with the editor's Image button, chooses the featured
picture, watches the preview follow, saves, and the post's preview page shows the figure with
its renditions. Nothing is wider than the screen; the admin's post list fits a laptop.

Screenshots of the form go to ``EDITOR_SHOTS_DIR`` when that is set (to look at, not to compare)."""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from blog.models import Post
from images.services import image_create
from tests.blog import test_editor_browser as editor
from tests.factories import PostFactory
from tests.images.conftest import picture_bytes

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The editor tests' Chromium, role groups and signed-in Author on the add-post page.
browser = editor.browser
role_groups = editor.role_groups
author_page = editor.author_page

OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"
TITLE = "How our newsroom moved its archive to open formats"  # 51 characters


def shot(page, name):
    folder = os.environ.get("EDITOR_SHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def library():
    inline = image_create(
        data=picture_bytes(size=(1600, 1000), colour=(30, 90, 160)),
        name="harbour.jpg",
        alt_text="Fishing boats in the harbour",
        caption="The harbour at dawn",
        credit="Jane Doe",
    )
    featured = image_create(
        data=picture_bytes(size=(1600, 900), colour=(200, 120, 40)),
        name="lighthouse.jpg",
        alt_text="The lighthouse",
        caption="The lighthouse",
    )
    return inline, featured


def choose(page, image):
    page.wait_for_selector(f".image-dialog [data-image-id='{image.pk}']")
    page.click(f".image-dialog [data-image-id='{image.pk}'] .image-dialog__pick")


@pytest.mark.parametrize("width", [1280, 390])
def test_an_author_writes_a_post_with_a_quote_and_pictures(
    live_server, browser, role_groups, width
):
    inline, featured = library()
    context, page = author_page(browser, live_server, width)
    phone = width < 1024
    page.fill("#id_title", TITLE)
    if not phone:  # the whole title is seen while typed
        assert page.evaluate(
            "t => t.scrollWidth <= t.clientWidth", page.query_selector("#id_title")
        )
    page.click("#id_body")
    page.keyboard.type(
        "Our archive is open now.\n\n> Formats outlive programs.\n-- Ada Archivist\n\n"
    )
    page.click(".md-editor__button[data-name='image']")
    choose(page, inline)
    assert f"![Fishing boats in the harbour](image:{inline.pk})" in page.input_value("#id_body")
    page.click("[data-image-choose]")
    choose(page, featured)
    assert page.input_value("#id_featured") == str(featured.pk)

    if phone:
        page.click(".md-editor__tab[data-mode=preview]")
    preview = page.locator(".md-editor__rendered")
    preview.locator("footer.attribution", has_text="— Ada Archivist").wait_for()
    assert preview.locator("blockquote p").inner_text() == "Formats outlive programs."
    caption = preview.locator("figure figcaption")
    caption.wait_for()
    assert caption.inner_text() == "The harbour at dawn (Source: Jane Doe)"
    assert preview.locator("figure img").get_attribute("srcset")
    assert page.locator(".md-editor__preview-warning").is_hidden()
    assert page.evaluate(OVERFLOW), page.evaluate("document.documentElement.scrollWidth")
    if phone:
        page.click(".md-editor__tab[data-mode=write]")
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, f"add-post-{width}.png")

    with page.expect_navigation():
        page.click("input[name=_save]")
    post = Post.objects.get(title=TITLE)
    assert post.featured == featured
    assert post.body.replace("\r\n", "\n").startswith(
        "Our archive is open now.\n\n> Formats outlive programs.\n-- Ada Archivist"
    )

    page.goto(live_server.url + reverse("blog:post_preview", kwargs={"pk": post.pk}))
    body = page.locator(".post__body")
    assert body.locator("footer.attribution").inner_text() == "— Ada Archivist"
    figure = body.locator("figure")
    assert figure.locator("figcaption").inner_text() == "The harbour at dawn (Source: Jane Doe)"
    img = figure.locator("img")
    assert "480w" in img.get_attribute("srcset")
    assert img.get_attribute("loading") == "lazy"  # below the featured picture
    assert page.locator(".post__figure img").get_attribute("srcset")
    figure.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
    box = img.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert page.evaluate(OVERFLOW), page.evaluate("document.documentElement.scrollWidth")
    shot(page, f"post-preview-{width}.png")
    context.close()


def test_the_post_list_fits_a_laptop(live_server, browser, role_groups):
    from django.contrib.auth import get_user_model

    context, page = author_page(browser, live_server, 1280)
    writer = get_user_model().objects.get(username="writer")
    for n in range(3):
        PostFactory(author=writer, title=f"{TITLE} {n}"[:52])
    page.goto(live_server.url + reverse("admin:blog_post_changelist"))
    assert page.evaluate(OVERFLOW), page.evaluate("document.documentElement.scrollWidth")
    title = page.locator("#result_list .post-list-title", has_text=TITLE).first
    fit = title.evaluate(
        """t => { const style = getComputedStyle(t);
        const line = parseFloat(style.lineHeight);
        return {lines: Math.round(t.getBoundingClientRect().height / line),
                full: t.scrollHeight <= t.clientHeight + 1 && t.scrollWidth <= t.clientWidth + 1,
                text: t.innerText}; }"""
    )
    assert 1 <= fit["lines"] <= 2, fit
    assert fit["full"], fit  # nothing cut off by the two-line clamp
    assert fit["text"].startswith(TITLE)
    shot(page, "post-list-1280.png")
    context.close()
