from blog.models import Post
from tests.factories import PostFactory


def test_factory_makes_a_public_post(db):
    post = PostFactory(tags=["privacy"])
    assert post in Post.objects.published()
    assert list(post.tags.names()) == ["privacy"]
