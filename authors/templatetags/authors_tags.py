from django import template

from authors.models import AuthorProfile
from blog.models import Post

register = template.Library()


@register.inclusion_tag("authors/_author_box.html", takes_context=True)
def post_author_box(context, post) -> dict:
    """The author box under a post: the profile with its avatar and the author's published post
    count, in one query. It sits in the post page's cached sections, so the post page's own query
    carries none of it. A post not yet public (a preview) counts itself, as readers will see it
    once published (a first post's preview said "… has 0 posts")."""
    profile = AuthorProfile.objects.with_post_counts().filter(user_id=post.author_id).first()
    if profile is not None:
        count = profile.post_count
    else:
        count = Post.objects.published().filter(author_id=post.author_id).count()
    if not post.is_public:
        count += 1
    return {"author": post.author, "profile": profile, "count": count, "site": context.get("site")}
