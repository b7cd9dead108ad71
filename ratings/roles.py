"""Moderation rights for the groups named in the settings, granted after every migrate so the
ratings app needs no migration in the apps that own those groups."""

from ratings import conf

MODERATOR_PERMISSIONS = [
    ("vote", ["view_vote", "delete_vote", "moderate_vote"]),
    ("ratingaggregate", ["view_ratingaggregate"]),
    ("ratingset", ["add_ratingset", "change_ratingset", "delete_ratingset", "view_ratingset"]),
    ("criterion", ["add_criterion", "change_criterion", "delete_criterion", "view_criterion"]),
    ("ratingrule", ["add_ratingrule", "change_ratingrule", "delete_ratingrule", "view_ratingrule"]),
]
VIEWER_PERMISSIONS = [
    ("ratingaggregate", ["view_ratingaggregate"]),
    ("ratingset", ["view_ratingset"]),
    ("criterion", ["view_criterion"]),
    ("ratingrule", ["view_ratingrule"]),
]


def grant_group_permissions(app_config, *, using: str = "default", apps=None) -> None:
    """Add the ratings permissions to RATINGS_MODERATOR_GROUPS and RATINGS_VIEWER_GROUPS
    (creating a group that does not exist yet); other permissions of the groups are kept."""
    from django.contrib.auth.management import create_permissions

    if apps is None:
        from django.apps import apps
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:
        return
    create_permissions(app_config, verbosity=0, using=using, apps=apps)
    for setting, grants in (
        ("RATINGS_MODERATOR_GROUPS", MODERATOR_PERMISSIONS),
        ("RATINGS_VIEWER_GROUPS", VIEWER_PERMISSIONS),
    ):
        codenames = [code for _, codes in grants for code in codes]
        perms = list(
            Permission.objects.using(using).filter(
                content_type__app_label="ratings", codename__in=codenames
            )
        )
        for name in conf.get(setting):
            group, _ = Group.objects.using(using).get_or_create(name=name)
            group.permissions.add(*perms)
