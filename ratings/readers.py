"""Who is voting: the reader key (user or signed anonymous cookie) and the client IP, which is
only ever kept as a keyed hash."""

from __future__ import annotations

import ipaddress
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils.module_loading import import_string

from ratings import conf

COOKIE_SALT = "ratings.reader"


@dataclass
class Reader:
    key: str | None
    new_cookie_id: str | None = None


def client_ip(request) -> str:
    """The project's rule when ``RATINGS_CLIENT_IP`` names one; else REMOTE_ADDR, or — when
    RATINGS_TRUSTED_PROXY_COUNT is n > 0 — the address the n-th proxy from the right saw in
    X-Forwarded-For (entries further left are client-controlled)."""
    project_rule = conf.get("RATINGS_CLIENT_IP")
    if project_rule:
        return import_string(project_rule)(request)
    trusted = conf.get("RATINGS_TRUSTED_PROXY_COUNT")
    remote = request.META.get("REMOTE_ADDR", "")
    if trusted:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= trusted:
            candidate = hops[-trusted]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return remote


def ip_hash(ip: str) -> str:
    """A keyed hash of the IP (HMAC with the secret key): comparable, never reversible."""
    return salted_hmac("ratings.client-ip", ip, algorithm="sha256").hexdigest()


def anonymous_id(request) -> str | None:
    """The id in the reader's signed cookie, or None when it is missing or tampered with."""
    value = request.get_signed_cookie(
        conf.get("RATINGS_COOKIE_NAME"),
        default=None,
        salt=COOKIE_SALT,
        max_age=conf.get("RATINGS_COOKIE_AGE"),
    )
    if value is None:
        return None
    try:
        return uuid.UUID(hex=value).hex
    except ValueError:
        return None


def reader_for(request, *, create: bool = False) -> Reader:
    """The user's key when signed in, else the anonymous cookie's (a new one when ``create``)."""
    if request.user.is_authenticated:
        return Reader(key=f"u:{request.user.pk}")
    cookie_id = anonymous_id(request)
    if cookie_id:
        return Reader(key=f"a:{cookie_id}")
    if create:
        new_id = uuid.uuid4().hex
        return Reader(key=f"a:{new_id}", new_cookie_id=new_id)
    return Reader(key=None)


def remember_reader(response, reader: Reader) -> None:
    """Set the long-lived signed cookie for a reader who just got one."""
    if reader.new_cookie_id:
        response.set_signed_cookie(
            conf.get("RATINGS_COOKIE_NAME"),
            reader.new_cookie_id,
            salt=COOKIE_SALT,
            max_age=conf.get("RATINGS_COOKIE_AGE"),
            httponly=True,
            samesite="Lax",
            secure=getattr(settings, "SESSION_COOKIE_SECURE", False),
        )
