"""A real Chromium: clicking a star updates the widget without a reload; without JavaScript
the same vote goes through the plain form."""

import os

import pytest

from tests.factories import PostFactory

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


def test_clicking_a_star_updates_the_count_in_place_and_without_javascript_too(
    live_server, browser
):
    post = PostFactory(title="Patch Tuesday, explained")
    url = live_server.url + post.get_absolute_url()

    page = browser.new_page()
    page.goto(url)
    # The page is shared by every anonymous reader: the script swaps in this reader's widget.
    page.wait_for_selector("[data-rating-form]")
    widget = page.locator(".rating")
    assert "No votes yet" in widget.inner_text()
    page.evaluate("window.__notReloaded = true")
    page.click("label[for$='-overall-4']")
    page.wait_for_selector(".rating >> text=Rating: 4.0/5 (1 vote cast)")
    assert page.evaluate("window.__notReloaded === true")
    assert "Your rating: 4 stars" in page.locator(".rating").inner_text()
    assert page.locator("input[name=score][value='4']").is_checked()

    # An error is shown inline: the reader's vote is refused once voting is locked.
    from ratings.models import RatingRule
    from tests.ratings.conftest import rule_for

    rule_for(post, access=RatingRule.Access.LOCKED)
    page.click("label[for$='-overall-2']")
    error = page.locator("[data-rating-error]")
    error.wait_for(state="visible")
    assert "Voting is closed" in error.inner_text()
    assert page.evaluate("window.__notReloaded === true")
    RatingRule.objects.all().delete()
    page.close()

    context = browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    plain.goto(url)
    assert "(1 vote cast)" in plain.locator(".rating").inner_text()
    plain.click("label[for$='-overall-5']")
    # Without a script the shared page's form opens the rate page, which carries the token.
    with plain.expect_navigation():
        plain.click(".rating__submit")
    assert plain.locator("input[name=score][value='5']").is_checked()
    with plain.expect_navigation():
        plain.click(".rating__submit")
    text = plain.locator("body").inner_text()
    assert "Thank you — your rating was saved." in text
    assert "Rating: 4.5/5 (2 votes cast)" in plain.locator(".rating").inner_text()
    context.close()
