"""Request IDs, refusal of hostile input, security headers and server-side session limits."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from scsp import request_log
from scsp.audit import client_ip

security_log = logging.getLogger("scsp.security")


class RequestIdMiddleware:
    """Gives every request an ID (the proxy's ``X-Request-ID`` when it looks like one, otherwise
    a new UUID): ``request.request_id``, the ``X-Request-ID`` response header, the "Reference"
    on the error pages and every log line written meanwhile, with the client address
    (:mod:`scsp.request_log`). First in ``MIDDLEWARE``, so every response carries it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_log.request_id_from(request.META)
        token = request_log.bind(request.request_id, client_ip(request))
        try:
            response = self.get_response(request)
        finally:
            request_log.unbind(token)
        response[request_log.HEADER] = request.request_id
        return response


def _has_nul(querydict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values)
               for key, values in querydict.lists())


class RefuseNulBytesMiddleware:
    """Answers 400 to a request with a NUL character in its path, query string or form fields,
    before anything reaches the database: PostgreSQL cannot hold or compare text containing
    NUL (psycopg refuses it: a 500), and nobody types one. One line goes to the security log
    (no traceback: scanners send these by the thousand).

    URL-encoded forms are checked at once. Multipart forms are checked in ``process_view``,
    as ``CsrfViewMiddleware`` reads them anyway, except for views that are CSRF-exempt
    because they install their own upload handlers first (evidence uploads; their fields go
    through Django form fields, which refuse NUL themselves)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "\x00" in request.path_info or _has_nul(request.GET):
            return self.refuse(request, "the address")
        if (request.method == "POST"
                and request.content_type == "application/x-www-form-urlencoded"
                and _has_nul(request.POST)):
            return self.refuse(request, "form data")
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (request.method == "POST" and request.content_type == "multipart/form-data"
                and not getattr(view_func, "csrf_exempt", False) and _has_nul(request.POST)):
            return self.refuse(request, "form data")
        return None

    @staticmethod
    def refuse(request, where: str):
        from scsp.views.errors import bad_request

        security_log.warning("refused: NUL character in %s (%s %s)", where, request.method,
                             request.path.replace("\x00", "\\0")[:200])
        return bad_request(request)


CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
# Django's admin uses a few inline styles; it is for staff only and needs no inline script.
ADMIN_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


class SecurityHeadersMiddleware:
    """Content-Security-Policy (no inline script anywhere), Permissions-Policy, and no caching
    of anything served to a signed-in user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            admin = request.path.startswith("/admin/")
            response["Content-Security-Policy"] = ADMIN_CSP if admin else CSP
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(
            settings.STATIC_URL
        ):
            response["Cache-Control"] = "no-store, private"
        return response


class SessionTimeoutMiddleware:
    """Ends a session after 30 minutes idle or 12 hours in all, checked on the server."""

    LAST_SEEN = "_scsp_last_seen"
    STARTED = "_scsp_started"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            started = request.session.get(self.STARTED)
            last_seen = request.session.get(self.LAST_SEEN, now)
            if started is None:
                request.session[self.STARTED] = now
                started = now
            idle = now - last_seen > settings.SESSION_IDLE_TIMEOUT_SECONDS
            too_long = now - started > settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS
            if idle or too_long:
                logout(request)
                messages.info(
                    request,
                    _("You were signed out because your session ended. Please sign in again."),
                )
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
            if now - last_seen > 30 or self.LAST_SEEN not in request.session:
                request.session[self.LAST_SEEN] = now
        return self.get_response(request)
