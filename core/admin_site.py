"""The admin site, with sign-in throttling: repeated wrong passwords lock out that client address
(``core.client.client_ip``) and account name for a while, whether or not the account exists."""

import hashlib

from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.template.response import TemplateResponse

from core.client import client_ip

MAX_FAILURES = 10
WINDOW_SECONDS = 15 * 60


def throttle_keys(request, username: str) -> list[str]:
    address = client_ip(request)
    secret = settings.SECRET_KEY.encode()
    return [
        "login-fail:ip:" + hashlib.blake2b(address.encode(), key=secret[:64]).hexdigest(),
        "login-fail:user:"
        + hashlib.blake2b(username.lower().encode(), key=secret[:64]).hexdigest(),
    ]


def is_throttled(request, username: str) -> bool:
    counts = cache.get_many(throttle_keys(request, username))
    return any(count >= MAX_FAILURES for count in counts.values())


def record_failure(request, username: str) -> None:
    for key in throttle_keys(request, username):
        if cache.add(key, 1, WINDOW_SECONDS) is False:
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, WINDOW_SECONDS)


class ThrottledAdminSite(admin.AdminSite):
    site_header = "Group Blog administration"
    site_title = "Group Blog admin"

    def login(self, request, extra_context=None):
        if request.method != "POST":
            return super().login(request, extra_context)
        username = request.POST.get("username", "")
        if is_throttled(request, username):
            return TemplateResponse(
                request,
                "admin/login_throttled.html",
                {**self.each_context(request), "minutes": WINDOW_SECONDS // 60},
                status=429,
            )
        response = super().login(request, extra_context)
        if not request.user.is_authenticated:
            record_failure(request, username)
        return response
