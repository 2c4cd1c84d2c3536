"""How long this session has left, and "Stay signed in" (static/js/session.js)."""

from __future__ import annotations

import time

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from scsp.mfa import second_factor_not_required
from scsp.middleware import SessionTimeoutMiddleware, session_status


@second_factor_not_required
@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def session(request):
    """GET: the session's deadlines, in seconds (``signed_in`` false once it has ended or for
    nobody). POST (CSRF-checked like every POST): "Stay signed in": restarts the idle clock the
    server checks and answers the new deadlines; refused (403) once the session has ended or for
    nobody, since there is no session to extend (the page then goes to sign in, as for GET)."""
    now = time.time()
    ended = getattr(request, "session_ended", False)
    if not request.user.is_authenticated or ended:
        return JsonResponse({"signed_in": False}, status=403 if request.method == "POST" else 200)
    if request.method == "POST":
        SessionTimeoutMiddleware.touch(request, now)
    return JsonResponse(session_status(request, now))
