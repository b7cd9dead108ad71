"""Old links keep working after an editor changes a post's slug."""

from django.urls import reverse

from blog.models import PostRedirect
from blog.services import post_slug_change
from tests.admin_forms import inline_management_data
from tests.factories import PostFactory


def test_changing_the_slug_in_the_admin_redirects_the_old_address(client, editor):
    post = PostFactory(title="First headline", author=editor)
    old_url = post.get_absolute_url()
    client.force_login(editor)
    url = reverse("admin:blog_post_change", args=[post.pk])
    form = {
        "title": "Better headline", "slug": "better-headline", "author": str(post.author.pk),
        "excerpt": "", "body": post.body, "featured_image_alt": "", "featured_image_caption": "",
        "featured_image_credit": "", "source_name": "", "source_url": "", "tags": "",
        "status": "published", "published_at_0": post.published_at.strftime("%Y-%m-%d"),
        "published_at_1": post.published_at.strftime("%H:%M:%S"),
        **inline_management_data(client, url),
    }  # fmt: skip
    assert client.post(url, form).status_code == 302
    post.refresh_from_db()
    client.logout()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == post.get_absolute_url()
    assert client.get(post.get_absolute_url()).status_code == 200


def test_changing_back_makes_the_address_live_again(db):
    post = PostFactory(title="Alpha")
    post.slug = "beta"
    post.save()
    post_slug_change(post=post, old_slug="alpha")
    post.slug = "alpha"
    post.save()
    post_slug_change(post=post, old_slug="beta")
    assert list(PostRedirect.objects.values_list("old_slug", flat=True)) == ["beta"]


def test_old_address_of_an_unpublished_post_is_not_found(client, db):
    post = PostFactory(title="Gone")
    old_url = post.get_absolute_url()
    post.slug, post.status = "gone-for-now", "draft"
    post.save()
    post_slug_change(post=post, old_slug="gone")
    assert client.get(old_url).status_code == 404
