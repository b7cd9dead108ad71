"""The two staff roles and their exact permissions. A data migration creates them; the admin
enforces "own posts only" for Authors on the server (queryset and form)."""

AUTHORS_GROUP = "Authors"
EDITORS_GROUP = "Editors"

ROLE_PERMISSIONS = {
    AUTHORS_GROUP: [
        ("blog", "post", "add_post"),
        ("blog", "post", "change_post"),
        ("blog", "post", "delete_post"),
        ("blog", "post", "view_post"),
        ("blog", "category", "view_category"),
        ("authors", "authorprofile", "view_authorprofile"),
        ("authors", "authorprofile", "change_authorprofile"),
    ],
    EDITORS_GROUP: [
        ("blog", "post", "add_post"),
        ("blog", "post", "change_post"),
        ("blog", "post", "delete_post"),
        ("blog", "post", "view_post"),
        ("blog", "post", "publish_post"),
        ("blog", "post", "edit_others_posts"),
        ("blog", "category", "add_category"),
        ("blog", "category", "change_category"),
        ("blog", "category", "delete_category"),
        ("blog", "category", "view_category"),
        ("taggit", "tag", "add_tag"),
        ("taggit", "tag", "change_tag"),
        ("taggit", "tag", "delete_tag"),
        ("taggit", "tag", "view_tag"),
        ("authors", "authorprofile", "add_authorprofile"),
        ("authors", "authorprofile", "change_authorprofile"),
        ("authors", "authorprofile", "delete_authorprofile"),
        ("authors", "authorprofile", "view_authorprofile"),
    ],
}


def grant_role_permissions(apps, role_permissions: dict, *, exact: bool) -> None:
    """Give each role group the listed permissions: exactly those (``exact``) or in addition to
    what it has. Creates the groups, and the permissions of models just migrated."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, triples in role_permissions.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = [
            Permission.objects.get(
                content_type__app_label=app_label, content_type__model=model, codename=codename
            )
            for app_label, model, codename in triples
        ]
        if exact:
            group.permissions.set(perms)
        else:
            group.permissions.add(*perms)


def sync_role_groups(apps) -> None:
    """Create the groups and set their permissions to exactly ROLE_PERMISSIONS."""
    grant_role_permissions(apps, ROLE_PERMISSIONS, exact=True)


# Added by migration 0004 (after the related-posts models exist): Editors pin and exclude
# related posts; both roles see the computed suggestions and why they were made.
RELATED_POSTS_PERMISSIONS = {
    AUTHORS_GROUP: [
        ("blog", "relatedpost", "view_relatedpost"),
    ],
    EDITORS_GROUP: [
        ("blog", "relatedpost", "view_relatedpost"),
        ("blog", "relatedpostoverride", "add_relatedpostoverride"),
        ("blog", "relatedpostoverride", "change_relatedpostoverride"),
        ("blog", "relatedpostoverride", "delete_relatedpostoverride"),
        ("blog", "relatedpostoverride", "view_relatedpostoverride"),
    ],
}


def grant_related_posts_permissions(apps) -> None:
    """Add RELATED_POSTS_PERMISSIONS to the role groups."""
    grant_role_permissions(apps, RELATED_POSTS_PERMISSIONS, exact=False)
