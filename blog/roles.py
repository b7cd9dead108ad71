"""The staff roles, as groups whose permissions the data migrations grant (blog.0002, blog.0010,
authors.0002 and 0003, related via blog.0004):

- **Contributors** write their own drafts and submit them for review; they cannot publish, edit a
  post once it is published, or upload to the media library.
- **Authors** may also publish and schedule their own posts, edit them after publication, and
  upload media.
- **Editors** edit, publish, unpublish, schedule and delete anyone's posts, review what is
  submitted, and manage categories, tags, author profiles and ratings.

Code asks about capabilities (the functions below), never about group names."""

CONTRIBUTORS_GROUP = "Contributors"
AUTHORS_GROUP = "Authors"
EDITORS_GROUP = "Editors"


def can_edit_others(user) -> bool:
    """May see and edit every author's posts (Editors)."""
    return user.has_perm("blog.edit_others_posts")


def can_publish(user) -> bool:
    """May publish, schedule and unpublish the posts they may edit (Authors: their own)."""
    return user.has_perm("blog.publish_post")


def can_review(user) -> bool:
    """May approve or send back anyone's submitted posts (Editors)."""
    return can_edit_others(user) and can_publish(user)


def can_edit_published(user) -> bool:
    """May change a post after it is published or scheduled (Authors and Editors)."""
    return user.has_perm("blog.edit_published_posts")


def can_upload_media(user) -> bool:
    """May upload files to the media library (Authors and Editors, not Contributors)."""
    return user.has_perm("blog.upload_media")
