import pytest

from blog.models import Post
from tests.wordpress.conftest import WP3
from wordpress.addresses import address_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(run_import):
    run_import()
    return Post.objects.get(slug="encryption-and-the-law")


@pytest.mark.parametrize(
    "old",
    [
        "/?p=10",
        "/?p=10&utm_source=feed",
        "/index.php?p=10",
        "/2019/03/05/encryption-and-the-law/",
        "/2019/03/05/encryption-and-the-law",
        "/encryption-and-the-law/",
        "/Encryption-And-The-Law/",
    ],
)
def test_old_addresses_answer_with_a_permanent_redirect_to_the_post(client, imported, old):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == imported.get_absolute_url() == "/2019/03/encryption-and-the-law/"


def test_the_canonical_address_is_unchanged(client, imported):
    assert client.get("/2019/03/encryption-and-the-law/").status_code == 200


def test_unicode_permalink_redirects(client, run_import):
    run_import()
    target = Post.objects.get(slug="日本語").get_absolute_url()
    assert client.get("/2023/06/30/%E6%97%A5%E6%9C%AC%E8%AA%9E/")["Location"] == target
    assert client.get("/?p=17")["Location"] == target


def test_permalink_under_a_subfolder_redirects(client, run_import):
    run_import(WP3)
    target = Post.objects.get(slug="hello-from-2013").get_absolute_url()
    assert client.get("/blog/2013/03/28/hello-from-2013/")["Location"] == target
    assert client.get("/blog/?p=5")["Location"] == target


def test_drafts_scheduled_and_unknown_ids_do_not_redirect(client, imported):
    assert client.get("/?p=12").status_code == 200  # the home page, as for any other query
    assert client.get("/?p=11").status_code == 200  # scheduled: not public yet
    assert client.get("/?p=999").status_code == 200
    assert client.get("/half-written-thoughts/").status_code == 404
    assert client.get("/internal-note/").status_code == 404


@pytest.mark.parametrize(
    "hostile",
    [
        "//evil.example/?p=10",
        "/?p=10&next=https://evil.example/",
        "/?p=https://evil.example/",
        "/%2F%2Fevil.example/",
    ],
)
def test_redirects_never_lead_off_the_site(client, imported, hostile):
    response = client.get(hostile)
    if response.status_code in (301, 302):
        assert response["Location"] == imported.get_absolute_url()
    else:
        assert response.status_code in (200, 404)


def test_a_post_request_is_not_redirected(client, imported):
    assert client.post("/encryption-and-the-law/").status_code in (403, 404, 405)


def test_an_old_address_costs_one_look_up(client, imported, django_assert_num_queries):
    # Its own look-up, after the page cache's read of the content generation (core.pagecache).
    with django_assert_num_queries(2):
        assert client.get("/?p=10").status_code == 301
    with django_assert_num_queries(2):
        assert client.get("/2019/03/05/encryption-and-the-law/").status_code == 301


def test_address_key_normal_form():
    assert address_key("https://old.example/2019/03/05/Caf%C3%A9") == "/2019/03/05/café/"
    assert address_key("https://old.example/?page_id=30") == "/?page_id=30"
    assert address_key("https://old.example/") is None
    assert address_key("/?p=1e9") is None
    assert address_key("/" + "a" * 600) is None
