"""Who is asking: the client's address, under one rule for the whole site.

Behind reverse proxies, REMOTE_ADDR is the nearest proxy. Each trusted proxy appends the address
it received the request from to X-Forwarded-For, so with ``TRUSTED_PROXY_COUNT`` = n the n-th
entry from the right is the client as the outermost trusted proxy saw it; everything further left
was written by the client and is never believed. The admin sign-in throttle and the ratings rate
limit (through ``RATINGS_CLIENT_IP``) both use this rule.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """The client's IP address: REMOTE_ADDR, or the address the outermost of
    ``TRUSTED_PROXY_COUNT`` proxies saw; a missing or malformed entry falls back to REMOTE_ADDR."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if trusted <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < trusted:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-trusted]))
    except ValueError:
        return remote
