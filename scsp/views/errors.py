"""The error pages (400, 403, 404, 500), in the site's layout, each with the request's
reference (its ID, on the log lines of the request: :mod:`scsp.request_log`).

With ``DEBUG`` off (production) they say nothing about the code: no traceback, settings,
SQL, paths or versions. The 500 page is rendered **without the request**: no context
processors (they look up the signed-in person and the navigation, in the database that may be
what failed), only the reference, so it renders when the database is down.

Two failures are not the code's fault and say so with a 503 and ``Retry-After``, rendered the
same way: the database cannot be reached (:func:`database_unavailable`: "the service is
unavailable, nothing you submitted was saved"; the request's transaction was rolled back), and
the file store refused a file or cannot be reached (:class:`scsp.storage.StorageUnavailable`:
full, read-only, or an object store that does not answer).
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from scsp.permissions import ReadOnlyRecord
from scsp.request_log import current_request_id
from scsp.storage import StorageUnavailable

log = logging.getLogger(__name__)
#: Seconds a 503 asks the browser (and any client) to wait before trying again.
RETRY_AFTER_SECONDS = 30


def reference_of(request) -> str:
    return getattr(request, "request_id", None) or current_request_id()


def bad_request(request, exception=None):
    body = loader.get_template("400.html").render({"reference": reference_of(request)})
    return HttpResponseBadRequest(body)


def forbidden(request, exception=None):
    reason = "read_only" if isinstance(exception, ReadOnlyRecord) else "role"
    detail = str(exception) if exception is not None else ""
    return render(request, "403.html", {"reason": reason, "detail": detail,
                                        "reference": reference_of(request)}, status=403)


def not_found(request, exception=None):
    return render(request, "404.html", {"reference": reference_of(request)}, status=404)


def database_unavailable(exc: BaseException | None) -> bool:
    """True when ``exc`` (or an exception it was raised from) says the database could not be
    reached or the connection was lost (Django's ``OperationalError`` / ``InterfaceError``),
    rather than that a query was wrong."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def unavailable(request, kind: str) -> HttpResponse:
    """The 503 page, rendered without the request. ``kind``: ``database``, ``storage`` (a
    file could not be stored) or ``storage_read`` (a stored file could not be fetched)."""
    body = loader.get_template("503.html").render({"reference": reference_of(request),
                                                   "kind": kind})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request):
    exc = sys.exc_info()[1]
    if database_unavailable(exc):
        log.error("database unavailable: answered 503 (%s)", type(exc).__name__)
        return unavailable(request, "database")
    if isinstance(exc, StorageUnavailable):
        log.error("file store unavailable: answered 503 (%s)", exc)
        return unavailable(request, "storage" if request.method == "POST" else "storage_read")
    body = loader.get_template("500.html").render({"reference": reference_of(request)})
    return HttpResponseServerError(body)
