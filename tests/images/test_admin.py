"""The media library in the admin: grid, upload, edit, delete protection, chooser, roles, and
the post form's featured image and figure checks."""

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from images.markdown import figure_markdown
from images.models import Image
from tests.admin_forms import post_change_data
from tests.factories import PostFactory, UserFactory
from tests.images.conftest import picture_bytes

GRID = reverse("admin:images_image_changelist")
ADD = reverse("admin:images_image_add")
CHOOSER = reverse("admin:images_image_chooser")


def change_url(image):
    return reverse("admin:images_image_change", args=[image.pk])


def upload(name="photo.jpg", data=None, content_type="image/jpeg"):
    return SimpleUploadedFile(name, data or picture_bytes(size=(800, 600)), content_type)


def grid_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(GRID)
    assert response.status_code == 200
    return len(queries)


def test_grid_shows_thumbnails_and_costs_the_same_with_more_pictures(client, editor, make_image):
    client.force_login(editor)
    make_image(title="Harbour", uploaded_by=editor)
    grid_queries(client)  # warm: the session and content types are read once
    one = grid_queries(client)
    for i in range(8):
        make_image(size=(300, 200), title=f"Other {i}", uploaded_by=UserFactory(is_staff=True))
    grid_queries(client)  # warm again: new pictures start a new content generation (site name)
    assert grid_queries(client) == one
    html = client.get(GRID).content.decode()
    assert html.count('class="image-card"') == 9
    assert "-sq192-" in html and 'type="image/webp"' in html
    assert "Upload pictures" in html


def test_grid_search_and_uploader_filter(client, author, editor, make_image):
    make_image(title="Harbour at dawn", uploaded_by=author)
    make_image(title="Parliament", caption="The old chamber", uploaded_by=editor)
    make_image(title="Rally", credit="Jane Harbourne", uploaded_by=editor)
    client.force_login(author)
    found = client.get(GRID, {"q": "harbour"}).context["cl"].result_list
    assert {image.title for image in found} == {"Harbour at dawn", "Rally"}
    found = client.get(GRID, {"q": "chamber"}).context["cl"].result_list
    assert [image.title for image in found] == ["Parliament"]
    mine = client.get(GRID, {"mine": "1"}).context["cl"].result_list
    assert [image.title for image in mine] == ["Harbour at dawn"]
    by_editor = client.get(GRID, {"uploaded_by__id__exact": editor.pk}).context["cl"].result_list
    assert {image.title for image in by_editor} == {"Parliament", "Rally"}


def test_uploading_one_picture_opens_its_page(client, author):
    client.force_login(author)
    response = client.post(ADD, {"files": [upload("Boats.JPG")], "caption": "Dawn"})
    image = Image.objects.get()
    assert response.status_code == 302 and response.url == change_url(image)
    assert (image.uploaded_by, image.caption, image.original_name) == (author, "Dawn", "Boats.JPG")
    assert image.renditions


def test_uploading_several_pictures_at_once(client, author):
    client.force_login(author)
    files = [upload(f"p{i}.jpg") for i in range(3)]
    response = client.post(ADD, {"files": files})
    assert response.status_code == 302 and response.url == GRID + "?mine=1"
    assert Image.objects.count() == 3


def test_one_bad_file_among_several_stores_nothing_and_says_which(client, author, settings):
    client.force_login(author)
    svg = upload("evil.svg", b"<svg onload=alert(1)/>", "image/svg+xml")
    response = client.post(ADD, {"files": [upload("good.jpg"), svg]})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["files"])
    assert "evil.svg" in errors and "not an image we accept" in errors
    assert "Nothing was uploaded" in response.content.decode()
    assert not Image.objects.exists()
    assert not (settings.MEDIA_ROOT / "images").exists()


def test_the_same_file_twice_is_pointed_out(client, author):
    client.force_login(author)
    data = picture_bytes(size=(500, 400))
    client.post(ADD, {"files": [upload("a.jpg", data)]})
    response = client.post(ADD, {"files": [upload("b.jpg", data)]}, follow=True)
    text = " ".join(str(m) for m in response.context["messages"])
    assert "same file as" in text


def test_contributors_choose_but_do_not_upload(client, contributor, make_image):
    image = make_image(uploaded_by=UserFactory(is_staff=True))
    client.force_login(contributor)
    assert client.get(GRID).status_code == 200
    assert "Upload pictures" not in client.get(GRID).content.decode()
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, {"files": [upload()]}).status_code == 403
    assert client.get(CHOOSER).json()["results"][0]["id"] == image.pk
    response = client.post(change_url(image), {"title": "Mine now", "focal_x": 0.5, "focal_y": 0.5})
    assert response.status_code == 403
    image.refresh_from_db()
    assert image.title != "Mine now"


def test_authors_edit_their_own_pictures_and_editors_everyones(client, author, editor, make_image):
    own = make_image(uploaded_by=author)
    others = make_image(uploaded_by=editor)
    form = {
        "title": "T", "alt_text": "A", "caption": "C", "credit": "Cr", "focal_x": "0.2",
        "focal_y": "0.7",
    }  # fmt: skip
    client.force_login(author)
    assert client.post(change_url(own), form).status_code == 302
    assert client.post(change_url(others), form).status_code == 403
    client.force_login(editor)
    assert client.post(change_url(own), {**form, "caption": "By the editor"}).status_code == 302
    own.refresh_from_db()
    assert (own.caption, own.focal_x, own.focal_y) == ("By the editor", 0.2, 0.7)
    assert all(f"f{20:02d}{70:02d}" in r["name"] for r in own.renditions if r["kind"][:2] == "sq")


def test_focal_point_outside_the_picture_is_refused(client, author, make_image):
    image = make_image(uploaded_by=author)
    client.force_login(author)
    response = client.post(change_url(image), {"title": "T", "focal_x": "1.5", "focal_y": "-1"})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "from 0 to 1" in errors["focal_x"][0] and "from 0 to 1" in errors["focal_y"][0]


def test_edit_page_shows_markdown_usage_and_focal_picker(client, editor, make_image):
    image = make_image(uploaded_by=editor, alt_text="Boats")
    post = PostFactory(title="Harbour news", featured=image, body=figure_markdown(image))
    client.force_login(editor)
    html = client.get(change_url(image)).content.decode()
    assert "data-focal-picker" in html and 'id="id_focal_x"' in html
    assert f"![Boats](image:{image.pk})" in html
    assert html.count("Harbour news") == 2  # as featured image and in the body
    assert reverse("admin:blog_post_change", args=[post.pk]) in html


def test_a_picture_in_use_cannot_be_deleted(client, editor, make_image):
    in_body = make_image(uploaded_by=editor)
    featured = make_image(uploaded_by=editor)
    PostFactory(title="Uses it", body=figure_markdown(in_body), featured=featured)
    client.force_login(editor)
    for image in (in_body, featured):
        url = reverse("admin:images_image_delete", args=[image.pk])
        page = client.get(url)
        assert "Uses it" in page.content.decode()
        assert page.context["protected"]
        client.post(url, {"post": "yes"})
        assert Image.objects.filter(pk=image.pk).exists()


def test_an_unused_picture_is_deleted_with_its_files(
    client, editor, make_image, django_capture_on_commit_callbacks
):
    image = make_image(uploaded_by=editor)
    names = image.stored_names()
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:images_image_delete", args=[image.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert not Image.objects.exists()
    assert not any(default_storage.exists(name) for name in names)


def test_chooser_searches_and_pages(client, contributor, make_image):
    for i in range(26):
        make_image(size=(120, 90), title=f"Pic {i}", caption="harbour" if i % 2 else "")
    client.force_login(contributor)
    first = client.get(CHOOSER).json()
    assert (first["count"], first["pages"], len(first["results"])) == (26, 2, 24)
    assert first["upload_url"] == ""
    item = first["results"][0]
    assert item["markdown"] == f"![](image:{item['id']})" and "-sq" in item["thumbnail"]
    assert len(client.get(CHOOSER, {"page": "2"}).json()["results"]) == 2
    assert client.get(CHOOSER, {"q": "harbour"}).json()["count"] == 13
    assert client.get(CHOOSER, {"page": "x"}).status_code == 200


def test_chooser_is_for_staff_only(client, db):
    assert client.get(CHOOSER).status_code == 302
    client.force_login(UserFactory(username="reader"))
    assert client.get(CHOOSER).status_code == 302


# --- the post form --------------------------------------------------------------------------


def test_featured_image_is_chosen_from_the_library(client, author, make_image):
    image = make_image(caption="Library caption", credit="Library credit")
    post = PostFactory(author=author)
    client.force_login(author)
    url = reverse("admin:blog_post_change", args=[post.pk])
    page = client.get(url)
    assert "data-image-chooser" in page.content.decode()
    assert "images/chooser.js" in page.content.decode()
    response = client.post(url, post_change_data(page, featured=str(image.pk)))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.featured == image
    assert (post.image_caption, post.image_credit) == ("Library caption", "Library credit")


def test_unknown_featured_number_is_explained(client, author):
    post = PostFactory(author=author)
    client.force_login(author)
    url = reverse("admin:blog_post_change", args=[post.pk])
    page = client.get(url)
    response = client.post(url, post_change_data(page, featured="999999", title="Kept"))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "No picture of the media library has this number" in form.errors["featured"][0]
    assert form["title"].value() == "Kept"


def test_featured_upload_lands_in_the_library(client, author):
    post = PostFactory(author=author)
    client.force_login(author)
    url = reverse("admin:blog_post_change", args=[post.pk])
    page = client.get(url)
    data = post_change_data(page, featured_image_alt="Boats", featured_image_caption="Dawn")
    data["featured_image"] = upload("boats.jpg")
    assert client.post(url, data).status_code == 302
    post.refresh_from_db()
    image = Image.objects.get()
    assert post.featured == image and image.uploaded_by == author
    assert (image.alt_text, image.caption) == ("Boats", "Dawn")
    assert (post.featured_image_alt, post.featured_image_caption) == ("", "")


def test_contributors_cannot_upload_from_the_post_form(client, contributor):
    post = PostFactory(author=contributor)
    client.force_login(contributor)
    url = reverse("admin:blog_post_change", args=[post.pk])
    page = client.get(url)
    assert page.context["adminform"].form.fields["featured_image"].disabled
    data = post_change_data(page)
    data["featured_image"] = upload()
    client.post(url, data)
    assert not Image.objects.exists()


def test_a_figure_of_no_picture_is_pointed_out_and_the_text_kept(client, author):
    post = PostFactory(author=author)
    client.force_login(author)
    url = reverse("admin:blog_post_change", args=[post.pk])
    page = client.get(url)
    body = "Intro\n\n![Lost](image:424242)\n\n![Typo](image:12a)"
    response = client.post(url, post_change_data(page, body=body))
    assert response.status_code == 200
    error = response.context["adminform"].form.errors["body"][0]
    assert "image:424242" in error and "image:12a" in error
    assert response.context["adminform"].form["body"].value() == body
    post.refresh_from_db()
    assert "424242" not in post.body


def test_featured_widget_shows_the_picture_and_its_whole_name(client, author, make_image):
    image = make_image(title="x" * 180)
    post = PostFactory(author=author, featured=image)
    client.force_login(author)
    html = client.get(reverse("admin:blog_post_change", args=[post.pk])).content.decode()
    assert f'<p class="image-chooser__title">{"x" * 180} (2000×1000)</p>' in html
    assert "-sq192-" in html and f'value="{image.pk}"' in html


def test_restoring_a_revision_brings_back_its_featured_picture(make_image, editor):
    from blog.revisions import post_revision_restore, recording

    first, second = make_image(title="First"), make_image(title="Second")
    with recording(user=editor, comment="One"):
        post = PostFactory(author=editor, featured=first)
    with recording(user=editor, comment="Two"):
        post.featured = second
        post.save()
    from reversion.models import Version

    oldest = Version.objects.get_for_object(post).order_by("pk").first()
    post_revision_restore(post=post, version=oldest, user=editor)
    post.refresh_from_db()
    assert post.featured == first


def test_upload_page_states_the_limits(client, author, settings):
    client.force_login(author)
    html = client.get(ADD).content.decode()
    assert f'data-max-bytes="{settings.REQUEST_BODY_MAX_BYTES}"' in html
    limit_mb = settings.REQUEST_BODY_MAX_BYTES // (1024 * 1024)
    assert f"up to 20 at once and {limit_mb} MB together" in html
    assert (
        'multiple accept="image/jpeg,image/png,image/webp,image/gif"' in html or "multiple" in html
    )
