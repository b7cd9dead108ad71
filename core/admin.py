from django.contrib import admin

from core.admin_base import CheckedModelAdmin
from core.models import SiteIdentity


@admin.register(SiteIdentity)
class SiteIdentityAdmin(CheckedModelAdmin):
    list_display = ["name", "tagline"]

    def has_add_permission(self, request):
        return not SiteIdentity.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False
