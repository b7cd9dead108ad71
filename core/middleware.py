"""Request and response rules for the whole site: the Content-Security-Policy (defence in depth
should the sanitizer ever miss), early refusal of oversized bodies, and the refusal of NUL
characters in addresses."""

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest

DEFAULT_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # Inline style attributes only (e.g. the width of a partial star); no inline scripts.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: https:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """Adds the policy to every response outside the admin (which ships its own inline code)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", DEFAULT_POLICY)
        self.exempt_prefix = "/admin/"

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and not request.path.startswith(self.exempt_prefix):
            response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class RequestSizeLimitMiddleware:
    """Answers 413, without reading a byte of the body, a request that declares a body longer than
    any legitimate one (REQUEST_BODY_MAX_BYTES), or longer than a small form
    (PUBLIC_REQUEST_BODY_MAX_BYTES) when it does not come from signed-in staff: readers only ever
    send a vote, and the sign-in form is small. A worker never waits for a body it would refuse."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = declared_length(request)
        limit = settings.REQUEST_BODY_MAX_BYTES
        if length > settings.PUBLIC_REQUEST_BODY_MAX_BYTES and not is_staff(request):
            limit = settings.PUBLIC_REQUEST_BODY_MAX_BYTES
        if length > limit:
            return HttpResponse(
                f"This request is too large ({length} bytes); the most accepted here is "
                f"{limit} bytes.",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def declared_length(request) -> int:
    """The body length the client announced; as for Django, a missing or malformed one is 0 (and
    then no body is read)."""
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def is_staff(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_staff)


class RejectNulMiddleware:
    """Refuses (400) a request whose path or query string holds a NUL character, before any view
    reads it: no address of the site has one, and PostgreSQL cannot compare text containing it,
    so a list filter or lookup given one would end in a server error. (Form fields refuse NUL
    themselves, with a form error.)"""

    MESSAGE = "Addresses on this site never contain a NUL character (%00)."

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest(self.MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
