"""Anything a reader can type gets a 4xx or a sane page, never a 500."""

import pytest

from tests.factories import PostFactory


@pytest.fixture
def some_posts(db):
    return [PostFactory() for _ in range(3)]


@pytest.mark.parametrize(
    "url",
    [
        "/?page=abc",
        "/?page=-1",
        "/?page=0",
        "/?page=99999",
        "/?page=1e3",
        "/?page=" + "9" * 40,
        "/2011/13/",
        "/2011/00/",
        "/0000/",
        "/0000/01/",
        "/2011/13/some-post/",
        "/2011/02/no-such-post/",
        "/category/no-such-category/",
        "/tag/no-such-tag/",
        "/author/nobody/",
        "/category/no-such-category/feed/",
        "/" + "a" * 3000,
        "/2011/02/" + "b" * 3000 + "/",
        "/tag/" + "c" * 3000 + "/",
        "/author/" + "d" * 3000 + "/",
        "/search/?q=" + "x" * 5000,
        "/search/?q=%00",
        "/search/?page=abc&q=a",
        "/preview/999999/",
        "/%E2%28%A1/",
    ],
)
def test_hostile_urls_get_a_clear_answer(client, some_posts, url):
    response = client.get(url)
    assert response.status_code in {200, 302, 400, 404}, response.status_code


def test_out_of_range_page_is_not_found(client, some_posts):
    assert client.get("/?page=99999").status_code == 404
    assert client.get("/?page=abc").status_code == 404


def test_impossible_month_is_not_found(client, some_posts):
    assert client.get("/2011/13/").status_code == 404
    assert client.get("/0000/").status_code == 404
