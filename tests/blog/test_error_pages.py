"""Error pages in the site's look."""

from django.test import RequestFactory
from django.views.defaults import server_error


def test_server_error_page_stands_alone_without_the_database():
    # The 500 page must render even when the database is what failed: it queries nothing.
    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in html
    assert "/static/css/site.css" in html


def test_unknown_address_gets_the_styled_not_found_page(client, db):
    response = client.get("/definitely/not/here/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'class="site-header"' in html
    assert 'role="search"' in html
