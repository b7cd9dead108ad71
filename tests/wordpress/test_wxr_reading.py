import io
import tracemalloc

import pytest
from django.core.management import CommandError, call_command

from blog.models import Post
from wordpress import wxr
from wordpress.autop import shortcode_names, wpautop

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<item><title>&lol4;</title><wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type></item>
</channel></rss>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<item><title>&secret;</title><wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type></item>
</channel></rss>"""


@pytest.mark.parametrize("document", [BILLION_LAUGHS, XXE])
def test_entity_expansion_and_external_entities_are_refused(document):
    with pytest.raises(wxr.WXRError, match="declares XML entities"):
        list(wxr.read(io.BytesIO(document)))


@pytest.mark.django_db
@pytest.mark.parametrize("document", [BILLION_LAUGHS, XXE])
def test_the_command_refuses_a_hostile_export_and_imports_nothing(tmp_path, document):
    path = tmp_path / "export.xml"
    path.write_bytes(document)
    with pytest.raises(CommandError, match="refused unread.*Nothing was imported"):
        call_command("import_wordpress", str(path))
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b"<rss><channel><item>", "not well-formed"),
        (b"<html><body>hi</body></html>", "not a WordPress export"),
        (b"", "not well-formed"),
    ],
)
def test_files_that_are_not_exports_get_a_clear_message(document, message):
    with pytest.raises(wxr.WXRError, match=message):
        list(wxr.read(io.BytesIO(document)))


def big_export(items: int) -> bytes:
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        b'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        b'xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>Big</title>'
    )
    body = b"".join(
        b"<item><title>Post %d</title><content:encoded><![CDATA[%s]]></content:encoded>"
        b"<wp:post_id>%d</wp:post_id><wp:post_type>post</wp:post_type></item>"
        % (n, b"words " * 2000, n)
        for n in range(items)
    )
    return head + body + b"</channel></rss>"


def test_memory_stays_bounded_by_one_item_not_the_file():
    document = big_export(3000)  # about 36 MB of posts
    stream = io.BytesIO(document)
    tracemalloc.start()
    count = sum(1 for thing in wxr.read(stream) if isinstance(thing, wxr.Item))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 3000
    assert peak < len(document) / 10


def test_wpautop_follows_wordpress():
    assert wpautop("One\ntwo\n\nThree") == "<p>One<br />\ntwo</p>\n<p>Three</p>"
    assert wpautop("<div>block</div>\ntext") == "<div>block</div>\n<p>text</p>"
    assert wpautop("<pre>a\n\nb</pre>") == "<pre>a\n\nb</pre>"
    assert wpautop("A <a\nhref='x'>link</a>") == "<p>A <a\nhref='x'>link</a></p>"
    assert wpautop("<blockquote>Quote</blockquote>") == "<blockquote><p>Quote</p></blockquote>"
    assert wpautop("a<br><br>b") == "<p>a</p>\n<p>b</p>"
    assert wpautop("   \n ") == ""


def test_shortcodes_are_found_but_escaped_ones_are_not():
    assert shortcode_names('[gallery ids="1"] [[escaped]] [/gallery] [video src=x]') == [
        "gallery",
        "video",
    ]


EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/evil.dtd">
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>x</title>
<wp:wxr_version>1.2</wp:wxr_version>
<item><title>Hi</title><wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type>
<wp:status>publish</wp:status></item>
</channel></rss>"""

PLAIN_RSS = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>A news feed</title><link>https://news.example/</link>
<item><title>Hello</title><link>https://news.example/hello</link>
<description>Not a WordPress export.</description></item>
</channel></rss>"""


@pytest.mark.django_db
def test_any_document_type_declaration_is_refused_and_nothing_is_written(tmp_path):
    path = tmp_path / "export.xml"
    path.write_bytes(EXTERNAL_DTD)
    with pytest.raises(CommandError, match=r"document type.*refused unread.*Nothing was imported"):
        call_command("import_wordpress", str(path))
    assert not Post.objects.exists()
    with pytest.raises(wxr.WXRError, match="DTDForbidden"):
        list(wxr.read(io.BytesIO(EXTERNAL_DTD)))


@pytest.mark.django_db
@pytest.mark.parametrize("document", [PLAIN_RSS, PLAIN_RSS.replace(b"<item>", b"<x>")])
def test_an_rss_feed_that_is_not_a_wordpress_export_is_refused(tmp_path, document):
    path = tmp_path / "feed.xml"
    path.write_bytes(document.replace(b"</item>", b"</x>") if b"<x>" in document else document)
    with pytest.raises(CommandError, match="an RSS feed, not a WordPress export.*Tools → Export"):
        call_command("import_wordpress", str(path))
    assert not Post.objects.exists()
