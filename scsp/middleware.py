"""Request IDs, refusal of hostile input, security headers and server-side session limits."""

from __future__ import annotations

import logging
import math
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


def session_status(request, now: float | None = None) -> dict:
    """The server's view of this session's two deadlines, in seconds from now (a client's
    clock may be wrong; a count of seconds does not care), with the local times they fall at
    for the words on the page. ``signed_in`` is False once either has passed."""
    from django.utils import timezone
    from django.utils.dateformat import time_format

    now = time.time() if now is None else now
    session = request.session
    last_seen = session.get(SessionTimeoutMiddleware.LAST_SEEN, now)
    started = session.get(SessionTimeoutMiddleware.STARTED, now)
    idle_left = last_seen + settings.SESSION_IDLE_TIMEOUT_SECONDS - now
    absolute_left = started + settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS - now
    # Rounded up: the page never counts down to 0 before the server ends the session.
    idle, absolute = max(0, math.ceil(idle_left)), max(0, math.ceil(absolute_left))

    def at(seconds):
        moment = timezone.localtime(timezone.now() + timezone.timedelta(seconds=seconds))
        return time_format(moment, "H:i")

    return {
        "signed_in": bool(getattr(request, "user", None) and request.user.is_authenticated
                          and idle_left >= 0 and absolute_left >= 0),
        "idle_seconds": idle, "absolute_seconds": absolute,
        "warning_seconds": settings.SESSION_WARNING_SECONDS,
        "idle_ends_at": at(idle), "absolute_ends_at": at(absolute),
        "absolute_hours": round(settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS / 3600, 1),
    }


#: A POST to a page with this in its query string was sent by the page itself when the
#: session-ending countdown ran out (static/js/session.js): keep it as a draft, never act on it.
SESSION_ENDED_PARAM = "session_ended"


class SessionTimeoutMiddleware:
    """Ends a session after ``SESSION_IDLE_TIMEOUT_SECONDS`` idle (30 minutes) or
    ``SESSION_ABSOLUTE_TIMEOUT_SECONDS`` in all (12 hours), checked on the server.

    Every request but the session-status one (``scsp:session``: GET reads the deadlines,
    POST is "Stay signed in") resets the idle clock. A POST that arrives after the end is kept
    (:func:`scsp.kept_work.keep_draft`) for the person whose session it was, then they are
    sent to sign in; signing in again brings it back on that page."""

    LAST_SEEN = "_scsp_last_seen"
    STARTED = "_scsp_started"

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def touch(request, now: float) -> None:
        request.session[SessionTimeoutMiddleware.LAST_SEEN] = now

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        now = time.time()
        started = request.session.get(self.STARTED)
        last_seen = request.session.get(self.LAST_SEEN, now)
        if started is None:
            request.session[self.STARTED] = now
            started = now
        idle = now - last_seen > settings.SESSION_IDLE_TIMEOUT_SECONDS
        too_long = now - started > settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS
        status_page = request.path == reverse("scsp:session")
        if status_page:
            # The page asks how long is left, or says "Stay signed in": the view answers; an
            # ended session is reported there, and ended by the page's next request.
            request.session_ended = idle or too_long
            return self.get_response(request)
        if idle or too_long:
            return self.ended(request, user)
        if request.method == "POST" and SESSION_ENDED_PARAM in request.GET:
            # The page thought the session had ended: keep what it sent, act on none of it.
            from scsp import kept_work

            kept_work.keep_draft(request, user)
            return redirect(request.path)
        # Not on every request (a session write each time), but often enough for the idle
        # clock the page counts down to be right within a few seconds.
        resolution = min(30, settings.SESSION_IDLE_TIMEOUT_SECONDS / 20)
        if now - last_seen > resolution or self.LAST_SEEN not in request.session:
            self.touch(request, now)
        return self.get_response(request)

    def ended(self, request, user):
        from scsp import kept_work

        kept = None
        if request.method == "POST":
            try:
                kept = kept_work.keep_draft(request, user)
            except Exception:  # noqa: BLE001 - keeping is a kindness; signing out must happen
                security_log.exception("could not keep the form sent after a session ended")
        request._scsp_session_ended = True
        logout(request)
        if kept is not None:
            messages.info(request, _(
                "You were signed out because your session ended. We kept what you submitted: "
                "sign in again to see it and submit it."))
        else:
            messages.info(
                request,
                _("You were signed out because your session ended. Please sign in again."),
            )
        return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
