"""Bodies are Markdown rendered once on save and sanitized with an allowlist."""

import pytest

from blog.rendering import render_markdown
from tests.factories import PostFactory


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("Hi <script>alert(1)</script>", "<script"),
        ('<img src="x.png" onerror="alert(1)">', "onerror"),
        ("[click](javascript:alert(1))", "javascript:"),
        ('<a href="javascript:alert(1)">x</a>', "javascript:"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "avascript"),
        ('<p onclick="steal()">x</p>', "onclick"),
        ("<style>body{display:none}</style>", "<style"),
        ('<iframe src="https://evil.example"></iframe>', "<iframe"),
        ('<img src="data:text/html;base64,PHNjcmlwdD4=">', "data:"),
        ("<svg><script>alert(1)</script></svg>", "<svg"),
        ('<form action="https://evil.example"><input name=x></form>', "<form"),
    ],
)
def test_dangerous_markup_is_removed(source, forbidden):
    assert forbidden.lower() not in render_markdown(source).lower()


def test_safe_markup_survives():
    html = render_markdown('Read **this** [report](https://example.org/r "The report").')
    assert "<strong>this</strong>" in html
    assert 'href="https://example.org/r"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_quote_last_line_with_dash_becomes_attribution():
    html = render_markdown("> Security is a process, not a product.\n>\n> — Bruce Schneier")
    assert "<blockquote>" in html
    assert '<footer class="attribution">— Bruce Schneier</footer>' in html


def test_quote_without_dash_has_no_attribution():
    html = render_markdown("> Just a quote.\n>\n> Second paragraph.")
    assert "attribution" not in html


def test_body_html_is_rendered_when_the_post_is_saved(db):
    post = PostFactory(body="Hello <script>x()</script> *world*")
    assert "<em>world</em>" in post.body_html
    assert "<script" not in post.body_html
    post.body = "Changed **now**"
    post.save()
    assert "<strong>now</strong>" in post.body_html


def test_author_bio_is_sanitized(db):
    from tests.factories import AuthorProfileFactory

    profile = AuthorProfileFactory(bio='Hi <img src=x onerror="alert(1)"> **bold**')
    assert "onerror" not in profile.bio_html
    assert "<strong>bold</strong>" in profile.bio_html
