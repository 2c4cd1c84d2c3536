"""The error pages (400, 403, 404, 500), in the site's layout, each with the request's
reference (its ID, on the log lines of the request: :mod:`scsp.request_log`).

With ``DEBUG`` off (production) they say nothing about the code: no traceback, settings,
SQL, paths or versions. The 500 page is rendered **without the request**: no context
processors (they look up the signed-in person and the navigation, in the database that may be
what failed), only the reference, so it renders when the database is down.
"""

from __future__ import annotations

from django.http import HttpResponseBadRequest, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from scsp.permissions import ReadOnlyRecord
from scsp.request_log import current_request_id


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


def server_error(request):
    body = loader.get_template("500.html").render({"reference": reference_of(request)})
    return HttpResponseServerError(body)
