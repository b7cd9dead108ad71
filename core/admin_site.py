"""The project's admin site. Sign-in is throttled by ``core.signin``: wrong passwords pause one
account where they came from, with counters in the database."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils import timezone

from core.signin import PAIR_LIMIT, WINDOW, signin_attempt_start, signin_attempt_succeed


class ThrottledAdminSite(admin.AdminSite):
    site_header = "Group Blog administration"
    site_title = "Group Blog admin"

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
