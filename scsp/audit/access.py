"""Writing the access log: :func:`record_access`, the one writer of access events.

An event says who (or anonymous), when, from which address (``scsp.proxy.client_ip``, the
trusted-proxy rule), in which request (its ID), what kind of thing happened
(:class:`~scsp.models.AccessEvent.Kind`, in plain words), which record (its type, id and
reference, never its content) and the case(s) it concerns, found through
:mod:`scsp.case_links` when it is written. It is sealed onto the access log's hash chain
(:mod:`scsp.audit.chain`) inside the caller's transaction.
"""

from __future__ import annotations

from django.db import models

from scsp import case_links
from scsp.audit.chain import append
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
    return append(event, cases=list(cases or []))
