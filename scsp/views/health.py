"""Pages that need no sign-in: the health check, the accessibility statement and
``/favicon.ico`` (browsers ask for it whatever the page links). They only show something:
GET and HEAD only (``require_safe``; anything else is a 405)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection, transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

log = logging.getLogger(__name__)


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True
    except Exception:  # noqa: BLE001 - any failure means not ready
        log.exception("health check: database unreachable")
        return False


def redis_ok(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping())
    except Exception:  # noqa: BLE001
        log.warning("health check: redis unreachable")
        return False


@login_not_required
@require_safe
@never_cache
@transaction.non_atomic_requests
def healthz(request):
    """200 when the database (and Redis, where configured) answer; 503 naming what failed.
    Needs no sign-in and reveals no versions or host names."""
    failures = []
    if not database_ok():
        failures.append("database")
    if settings.REDIS_URL and not redis_ok(settings.REDIS_URL):
        failures.append("redis")
    if failures:
        return HttpResponse(
            "unavailable: " + ", ".join(failures), status=503, content_type="text/plain"
        )
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
@require_safe
def favicon(request):
    """``/favicon.ico``: the static icon (``static/favicon.ico``, 16, 32 and 48 px)."""
    return redirect(static("favicon.ico"), permanent=True)


@login_not_required
@require_safe
def accessibility_statement(request):
    return render(request, "scsp/accessibility.html",
                  {"contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL})
