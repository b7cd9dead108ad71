"""The staff roles. Their groups and permissions are created by data migrations (blog.0002,
authors.0002, related via blog.0004); the admin enforces "own posts only" for Authors on the
server (queryset and form)."""

AUTHORS_GROUP = "Authors"
EDITORS_GROUP = "Editors"
