from django.contrib.admin.apps import AdminConfig


class SiteAdminConfig(AdminConfig):
    """django.contrib.admin with the project's admin site (sign-in throttling)."""

    default_site = "core.admin_site.ThrottledAdminSite"
