"""The project's admin site.

- Sign-in is throttled by ``core.signin``: wrong passwords pause one account where they came from,
  with counters in the database.
- Apps add panels to the index page (``register_index_panel``): the blog's review summary.
- The "view on site" shortcut (``/admin/r/<content type>/<id>/``) redirects only people who may
  see the object in the admin, and it goes where that object's ModelAdmin says.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from core.admin_base import CheckedModelAdmin
from core.signin import PAIR_LIMIT, WINDOW, signin_attempt_start, signin_attempt_succeed

LARGEST_ID = 2**63 - 1


class ThrottledAdminSite(admin.AdminSite):
    site_header = "Group Blog administration"
    site_title = "Group Blog admin"
    index_template = "admin/site_index.html"
    # The app list beside every page took 290 of a 1280 px screen's pixels from the lists and
    # forms authors work in (titles in the post list were cut to a few words); the breadcrumbs
    # and the index page lead everywhere it did.
    enable_nav_sidebar = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._index_panels = []

    def register_index_panel(self, panel) -> None:
        """Show ``panel(request)`` (HTML, or "" for nothing) above the index page's app list,
        in registration order; the same panel registered twice shows once."""
        if panel not in self._index_panels:
            self._index_panels.append(panel)

    def index(self, request, extra_context=None):
        panels = [html for panel in self._index_panels if (html := panel(request))]
        return super().index(request, {"index_panels": panels, **(extra_context or {})})

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every list of the admin, Django's and other apps' included (users, groups, tags),
        answers a query string it cannot use with a 400 page, never a server error
        (``core.admin_base``); an admin with a changelist of its own keeps it."""
        admin_class = admin_class or admin.ModelAdmin
        if (
            not issubclass(admin_class, CheckedModelAdmin)
            and admin_class.get_changelist is admin.ModelAdmin.get_changelist
        ):
            admin_class = type(
                admin_class.__name__,
                (CheckedModelAdmin, admin_class),
                {"__module__": admin_class.__module__},
            )
        super().register(model_or_iterable, admin_class, **options)

    def login(self, request, extra_context=None):
        if request.method != "POST":
            return super().login(request, extra_context)
        attempt = signin_attempt_start(request=request, username=request.POST.get("username", ""))
        if attempt.refused:
            return self.login_refused(request, attempt)
        user_before = request.user
        response = super().login(request, extra_context)
        # django.contrib.auth.login() puts the new user on the request. A POST from someone
        # already signed in who gets the password wrong leaves the request's user as it was.
        if request.user is not user_before and request.user.is_authenticated:
            signin_attempt_succeed(attempt=attempt, response=response, path=request.path)
        return response

    def login_refused(self, request, attempt):
        minutes = max(1, -(-attempt.retry_after_seconds // 60))
        context = {
            **self.each_context(request),
            "title": "Too many failed sign-in attempts",
            "paused": attempt.paused,
            "minutes": minutes,
            "retry_at": timezone.localtime(attempt.retry_at),
            "limit": PAIR_LIMIT,
            "window_minutes": int(WINDOW.total_seconds() // 60),
        }
        response = TemplateResponse(request, "admin/login_throttled.html", context, status=429)
        response["Retry-After"] = str(attempt.retry_after_seconds)
        return response

    def get_urls(self):
        shortcut = path(
            "r/<path:content_type_id>/<path:object_id>/",
            self.admin_view(self.view_on_site),
            name="view_on_site",
        )
        return [
            shortcut if getattr(url, "name", None) == "view_on_site" else url
            for url in super().get_urls()
        ]

    def view_on_site(self, request, content_type_id, object_id):
        """Redirects to where the object's ModelAdmin shows it on the site, for people who may view
        or change that object in the admin. Everyone else gets the same 404 as for an object that
        does not exist."""
        model_admin = self.model_admin_for(content_type_id)
        obj = model_admin.get_object(request, unquote(object_id)) if model_admin else None
        if obj is None or not (
            model_admin.has_view_permission(request, obj)
            or model_admin.has_change_permission(request, obj)
        ):
            raise Http404("Nothing to show on the site here.")
        if callable(model_admin.view_on_site):
            url = model_admin.view_on_site(obj)
        elif model_admin.view_on_site and hasattr(obj, "get_absolute_url"):
            url = obj.get_absolute_url()
        else:
            url = None
        if not url:
            raise Http404("Nothing to show on the site here.")
        return HttpResponseRedirect(url)

    def model_admin_for(self, content_type_id: str):
        """The ModelAdmin registered here for a content type id from the URL, or None."""
        if (
            not (content_type_id.isascii() and content_type_id.isdigit())
            or not 0 < int(content_type_id) <= LARGEST_ID
        ):
            return None
        try:
            content_type = ContentType.objects.get_for_id(int(content_type_id))
        except ContentType.DoesNotExist:
            return None
        return self._registry.get(content_type.model_class())
