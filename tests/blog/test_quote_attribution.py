"""A quote's last line starting with —, –, -- or ~ is its attribution, as people type it: with or
without an empty quote line before it; never inside the quote's paragraph; not in code."""

import importlib
import io
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from blog.models import Post
from blog.rendering import render_markdown
from tests.factories import PostFactory

JANE = '<footer class="attribution">— Jane Doe</footer>'


@pytest.mark.parametrize(
    "source",
    [
        "> Security is a process.\n> — Jane Doe",
        "> Security is a process.\n>\n> — Jane Doe",
        "> Security is a process.\n> – Jane Doe",
        "> Security is a process.\n> -- Jane Doe",
        "> Security is a process.\n> ~ Jane Doe",
        "> Security is a process.\n>--Jane Doe",
        "> Security is a process.\n> — Jane Doe\n\nAfter the quote.",
        "> First paragraph.\n>\n> Security is a process.\n> — Jane Doe",
        # The name typed without its ">" (Markdown would carry on the quote's sentence).
        "> Security is a process.\n-- Jane Doe",
        "> Security is a process.\n— Jane Doe\n\nAfter the quote.",
        "> Security is a process.\n~ Jane Doe",
    ],
)
def test_last_line_with_a_dash_or_tilde_is_the_attribution(source):
    html = render_markdown(source)
    assert JANE in html
    assert "<p>Security is a process.</p>" in html
    assert "Jane Doe</p>" not in html


def test_attribution_keeps_its_inline_markup():
    html = render_markdown("> Quoted.\n> — *Jane* Doe, [the report](https://example.org/r)")
    assert (
        '<footer class="attribution">— <em>Jane</em> Doe, <a href="https://example.org/r"' in html
    )


def test_a_quote_that_is_only_an_attribution_line_is_a_quote():
    html = render_markdown("> — Jane Doe")
    assert "attribution" not in html
    assert "<p>— Jane Doe</p>" in html


@pytest.mark.parametrize(
    "source",
    [
        "> He said -- quietly -- that it works.",
        "> A line\n> -- continued in the middle\n> and ending here.",
        "> Deleted\n> ~~text~~",
        "> Ends with a rule\n>\n> ---",
        "> Line\n> --",
        # Without its ">", only a line that ends the paragraph is a name.
        "> A line\n-- not the last line\nof the paragraph.",
        "> A quote.\n\n-- a paragraph after it",
        "> A quote.\n    -- indented",
    ],
)
def test_dashes_elsewhere_are_not_attributions(source):
    assert "attribution" not in render_markdown(source)


def test_code_is_left_as_it_is():
    fenced = render_markdown("```\n> Quoted in code\n> -- not a name\n```")
    assert "attribution" not in fenced
    assert "&gt; -- not a name" in fenced
    indented = render_markdown("    > Quoted in code\n    > -- not a name")
    assert "attribution" not in indented
    in_quote = render_markdown("> Code in a quote:\n>\n>     x = 1\n>     -- y")
    assert "attribution" not in in_quote
    inline = render_markdown("> Text\n> `-- Jane`")
    assert "attribution" not in inline


def test_nested_quotes_each_get_their_own_attribution():
    html = render_markdown("> > Inner words.\n> > — Inner Person\n> Outer words.\n> — Outer Person")
    assert html.count('class="attribution"') == 2
    inner = html.index("— Inner Person")
    outer = html.index("— Outer Person")
    assert html.index("</blockquote>") < outer
    assert inner < html.index("</blockquote>")
    assert "<p>Outer words.</p>" in html


def test_attribution_of_the_outer_quote_after_a_nested_one():
    html = render_markdown("> Outer.\n>\n> > Inner.\n>\n> -- Outer Person")
    assert html.count('class="attribution"') == 1
    assert html.rstrip().endswith(
        '<footer class="attribution">— Outer Person</footer>\n</blockquote>'
    )


def test_the_body_help_text_documents_the_rule(client, editor):
    client.force_login(editor)
    html = client.get("/admin/blog/post/add/").content.decode()
    assert "its last line starting with —, –, -- or ~ is its attribution" in html


# --- stored bodies rendered again ---------------------------------------------------------------


def stale_post() -> Post:
    post = PostFactory(body="> Security is a process.\n> -- Jane Doe")
    # As stored before the rule: the name inside the quote's paragraph.
    old = "<blockquote>\n<p>Security is a process.\n-- Jane Doe</p>\n</blockquote>"
    Post.objects.filter(pk=post.pk).update(body_html=old)
    return Post.objects.get(pk=post.pk)


def test_rerender_bodies_command_updates_old_posts_only_in_their_html(db):
    post = stale_post()
    untouched = PostFactory(body="Plain.")
    before = (post.version, post.updated_at)
    out = io.StringIO()
    call_command("rerender_bodies", stdout=out)
    post.refresh_from_db()
    assert JANE in post.body_html
    assert (post.version, post.updated_at) == before
    assert "Checked 2 post(s); 1 rendered differently and updated." in out.getvalue()
    assert Post.objects.get(pk=untouched.pk).body_html == "<p>Plain.</p>"


def test_the_migration_renders_stored_bodies_with_the_historical_model(db):
    post = stale_post()
    migration = importlib.import_module("blog.migrations.0014_rerender_bodies")
    migration.rerender(apps, SimpleNamespace(connection=connection))
    post.refresh_from_db()
    assert JANE in post.body_html
