"""Security headers and server-side session time limits."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

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
