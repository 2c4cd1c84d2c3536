"""Pages that need no sign-in: the health check, the accessibility statement and
``/favicon.ico`` (browsers ask for it whatever the page links). They only show something:
GET and HEAD only (``require_safe``; anything else is a 405)."""

from __future__ import annotations

import logging
import os
import shutil

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.files.storage import storages
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
        log.warning("health check: database unreachable", exc_info=True)
        return False
    finally:
        if connection.connection is not None and not connection.is_usable():
            connection.close()


def redis_ok(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping())
    except Exception:  # noqa: BLE001
        log.warning("health check: redis unreachable")
        return False


def storage_ok() -> bool:
    """The file store takes files: a local directory must be writable with room for a few
    uploads; an object store's bucket must answer (``healthy()``)."""
    storage = storages["default"]
    if hasattr(storage, "healthy"):
        ok = storage.healthy()
        if not ok:
            log.warning("health check: the object store does not answer")
        return ok
    location = getattr(storage, "location", None)
    if not isinstance(location, str) or not hasattr(storage, "path"):
        return True
    try:
        os.makedirs(location, exist_ok=True)
        room = shutil.disk_usage(location).free >= 5 * settings.EVIDENCE_MAX_BYTES
        ok = os.access(location, os.W_OK) and room
    except OSError:
        ok = False
    if not ok:
        log.warning("health check: the file store is full or read-only")
    return ok


def checks() -> dict[str, bool]:
    """What the service needs, each answering True when it works now."""
    result = {"database": database_ok()}
    if settings.REDIS_URL:
        result["redis"] = redis_ok(settings.REDIS_URL)
    result["storage"] = storage_ok()
    return result


@login_not_required
@require_safe
@never_cache
@transaction.non_atomic_requests
def healthz(request):
    """200 when everything answers; 503 naming what does not (first line
    ``unavailable: redis``), then one line per check. Needs no sign-in and reveals no
    versions or host names. :class:`HealthCheckMiddleware` answers it before sessions are
    read, so it works with the database down."""
    results = checks()
    down = [name for name, ok in results.items() if not ok]
    lines = ["unavailable: " + ", ".join(down) if down else "ok"]
    lines += [f"{name}: {'ok' if ok else 'down'}" for name, ok in results.items()]
    return HttpResponse("\n".join(lines) + "\n", status=503 if down else 200,
                        content_type="text/plain")


class HealthCheckMiddleware:
    """Answers ``GET /healthz`` before the session and the signed-in person are looked up (in
    the database that may be what is down)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz" and request.method in ("GET", "HEAD"):
            response = healthz(request)
            response["X-Frame-Options"] = "DENY"  # the middleware that adds it comes later
            return response
        return self.get_response(request)


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
