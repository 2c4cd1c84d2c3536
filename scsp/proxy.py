"""The client's address, from one trusted-proxy setting.

We wrote this rather than use django-ipware because the rule is short and must be the same in
three places: the sign-in lockout (``AXES_CLIENT_IP_CALLABLE``), the password-reset rate limit
and the access log (``scsp.audit.client_ip``). A header a client can forge is never believed:

* ``TRUSTED_PROXY_COUNT = 0`` and no ``TRUSTED_PROXY_ADDRESSES`` (the default): the address is
  ``REMOTE_ADDR`` and every ``X-Forwarded-*`` header is dropped.
* ``TRUSTED_PROXY_COUNT = N``: the app is reachable only through N reverse proxies, each of
  which appends the address it saw to ``X-Forwarded-For``; the client is the N-th address from
  the right (what the outermost proxy saw). Anything further left was sent by the client.
* ``TRUSTED_PROXY_ADDRESSES``: a request whose ``REMOTE_ADDR`` is one of these addresses (or
  networks) came through a proxy; ``X-Forwarded-For`` is read from the right, skipping the
  proxies, and the first other address is the client. From any other address the headers are
  dropped.

:class:`TrustedProxyMiddleware` runs first, so ``SECURE_PROXY_SSL_HEADER``
(``X-Forwarded-Proto``) is honoured only when a trusted proxy set it.
"""

from __future__ import annotations

import ipaddress
import logging
from functools import lru_cache

from django.conf import settings

log = logging.getLogger("scsp.security")

FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
                     "HTTP_X_FORWARDED_PORT", "HTTP_FORWARDED")
_CACHED = "_scsp_client_ip"


@lru_cache(maxsize=8)
def _networks(addresses: tuple[str, ...]):
    return tuple(ipaddress.ip_network(a, strict=False) for a in addresses)


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def _is_proxy(address: str | None) -> bool:
    if not address or not settings.TRUSTED_PROXY_ADDRESSES:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _networks(tuple(settings.TRUSTED_PROXY_ADDRESSES)))


def from_trusted_proxy(request) -> bool:
    """Whether the request reached us through a proxy we trust to set X-Forwarded-*."""
    if settings.TRUSTED_PROXY_COUNT:
        return True
    return _is_proxy(request.META.get("REMOTE_ADDR"))


def _forwarded_for(request) -> list[str]:
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return [part.strip() for part in header.split(",") if part.strip()]


def client_ip(request) -> str | None:
    """The address of the person's computer (or their organisation's outgoing address)."""
    if request is None:
        return None
    cached = getattr(request, _CACHED, None)
    if cached is not None:
        return cached or None
    remote = _valid(request.META.get("REMOTE_ADDR") or "")
    address = remote
    if settings.TRUSTED_PROXY_COUNT:
        hops = _forwarded_for(request)
        if len(hops) >= settings.TRUSTED_PROXY_COUNT:
            address = _valid(hops[-settings.TRUSTED_PROXY_COUNT]) or remote
    elif _is_proxy(remote):
        for hop in reversed(_forwarded_for(request)):
            if not _is_proxy(hop):
                address = _valid(hop) or remote
                break
    setattr(request, _CACHED, address or "")
    return address


class TrustedProxyMiddleware:
    """Drops X-Forwarded-* headers unless the request came through a trusted proxy, so no
    later code (Django's ``SECURE_PROXY_SSL_HEADER``, a library) can be fooled by them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not from_trusted_proxy(request):
            for header in FORWARDED_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)
