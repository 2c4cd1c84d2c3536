"""Writing the access log: :func:`record_access`, the one writer of access events.

An event says who (or anonymous), when, from which address (``scsp.proxy.client_ip``, the
trusted-proxy rule), in which request (its ID), what kind of thing happened
(:class:`~scsp.models.AccessEvent.Kind`, in plain words), which record (its type, id and
reference, never its content) and the case(s) it concerns, found through
:mod:`scsp.case_links` when it is written. It is sealed onto the access log's hash chain
(:mod:`scsp.audit.chain`) inside the caller's transaction.

**Reads are written when the page is ready.** Appending locks the chain's head until the
transaction commits, so every request that logs is serialised from its append to its commit.
A page view appended where the view asks (early, before it loads and lays out the record)
held the lock for most of the request: under load the web workers queued on it and the stack
stopped at about 25 requests a second with the CPUs half idle (``make loadtest``). So a read
(a view, a download, an export, a report) made by a GET is queued on the request and appended
by :class:`DeferredAccessLogMiddleware` once the response exists, in a transaction of its own
that holds the lock for the three or four statements of the append. If that append fails the
person gets an error page, not the record: nothing is shown that is not logged. A view that
raises logs nothing (as when the request's transaction rolled the event back), and a change
(a POST) is appended at once inside the change's own transaction, as before.
"""

from __future__ import annotations

from django.db import models, transaction
from django.utils import timezone

from scsp import case_links
from scsp.audit.chain import append, lock_heads
from scsp.models import AccessEvent
from scsp.proxy import client_ip
from scsp.request_log import NONE, current_request_id

Kind = AccessEvent.Kind


def request_id_of(request) -> str:
    rid = getattr(request, "request_id", None) or current_request_id()
    return "" if rid == NONE else str(rid)[:64]


def reference_of(obj) -> str:
    """A record's reference for the logs (``reference`` where it has one), never content."""
    return str(getattr(obj, "reference", "") or "")


def record_access(
    *,
    user,
    kind: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    label: str = "",
    detail: str = "",
    request=None,
    status: int | None = None,
    count: int = 1,
    cases=None,
    at=None,
) -> AccessEvent:
    """Record one view, download, export, sign-in event or refusal; returns the event.

    ``obj`` gives the record's type, id and reference and (unless ``cases`` is given) the
    cases it concerns; ``object_type`` is a model label ("actions.Action") when there is no
    one record, as for an export. ``detail`` says what was exported (the filters used) or
    why something was refused, in a few words, never record content."""
    if kind not in Kind.values:
        raise ValueError(f"unknown access event kind {kind!r}")
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
        label = label or reference_of(obj)
        if cases is None:
            cases = case_links.cases_of(obj)
    signed_in = user if getattr(user, "is_authenticated", False) else None
    event = AccessEvent(
        user=signed_in,
        agency_id=getattr(signed_in, "agency_id", None),
        kind=kind,
        object_type=object_type[:100],
        object_id=str(object_id)[:64],
        label=str(label)[:200],
        detail=str(detail)[:300],
        path=(request.get_full_path()[:500] if request is not None else ""),
        ip_address=client_ip(request),
        status=status,
        count=count,
        request_id=request_id_of(request),
    )
    if at is not None:
        event.at = at
    queue = getattr(request, QUEUE, None) if request is not None else None
    if queue is not None and kind in DEFERRED_KINDS and at is None:
        queue.append((event, list(cases or [])))
        return event
    return append(event, cases=list(cases or []))


#: Reads, appended when the response is ready (see the module's docstring).
DEFERRED_KINDS = frozenset({Kind.VIEW, Kind.VIEW_MINUTES, Kind.MINUTES_PDF, Kind.FILE,
                            Kind.EXPORT, Kind.REPORT})
#: The request attribute holding a GET's queued reads (set by the middleware only).
QUEUE = "_scsp_deferred_access_events"


def write_deferred(request) -> int:
    """Append the reads queued on ``request``, in one short transaction; returns how many.
    Each is stamped with the moment it is sealed, so the log's times follow its order."""
    queue = getattr(request, QUEUE, None)
    if not queue:
        return 0
    with transaction.atomic(savepoint=False):
        heads = lock_heads()
        now = timezone.now()
        for event, cases in queue:
            event.at = now
            append(event, cases=cases, heads=heads)
    written = len(queue)
    queue.clear()
    return written


class DeferredAccessLogMiddleware:
    """Queues a GET's reads and appends them once the response is ready (the module's
    docstring says why). Innermost, so its ``process_exception`` sees a failing view first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        setattr(request, QUEUE, [])
        response = self.get_response(request)
        if response.status_code < 500:
            write_deferred(request)
        return response

    def process_exception(self, request, exception):
        """The view failed: its reads are dropped, as its transaction dropped them before."""
        queue = getattr(request, QUEUE, None)
        if queue:
            queue.clear()
