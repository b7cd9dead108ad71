"""Headers that protect readers: framing, sniffing, referrers, script sources, host names."""

from tests.factories import PostFactory


def test_post_page_sends_protective_headers(client, db):
    post = PostFactory()
    response = client.get(post.get_absolute_url())
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    assert "object-src 'none'" in csp


def test_unknown_host_is_refused(client, db):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert b"evil.example" not in response.content


def test_too_many_fields_are_refused(client, db):
    data = {f"f{i}": "x" for i in range(1100)}
    response = client.post("/admin/login/", data)
    assert response.status_code == 400
