"""Every refusal is an access event: each 403 and 404 answered, to anyone.

**Where.** :class:`RefusalLogMiddleware` (second in ``MIDDLEWARE``) sees every response: a
404 or 403 from ``get_object_for_user`` (out of scope; read-only), from
``RoleRequiredMixin`` and ``require`` (not the role's), from the URL resolver (no such page,
anonymous probes included) and from anything else (CSRF). It writes after the view's
transaction has ended, so a refusal is kept although the view's own work was rolled back.
``get_object_for_user`` notes the record it was asked for (:func:`scsp.request_log.
note_record`), so the event names it (type, id and reference, never content) and its case.

**Folding, and why no chained row is ever updated.** A flood of identical refusals (the same
person or address, path and status within one minute) must be cheap and must not lose a
count, but access events are append-only (sealed in a hash chain; on PostgreSQL a trigger
refuses UPDATE). So the count is kept *before* the chain, in :class:`~scsp.models.
RefusalBucket`, an unchained counter table: each refusal is one upsert on the bucket's key
(``INSERT ... ON CONFLICT DO UPDATE SET count = count + 1 RETURNING count``, atomic on both
databases). The first refusal of a bucket also appends its access event at once (so the log
shows it immediately). When the minute is over the bucket is *sealed*: if more refusals came,
one more chained event records "N more identical refusals" (the same person, path, record and
case, the last request's ID), and the bucket goes. Sealing happens on the next new refusal,
when the access log is read, before the retention job and by beat every five minutes; it
holds the chain lock and row-locks the buckets, so a late increment waits and then starts a
new bucket rather than being lost. A flood of 10,000 requests costs 10,000 one-row upserts
and two chained rows; no refusal is dropped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.http import Http404
from django.utils import timezone

from scsp import case_links, request_log
from scsp.audit.access import Kind, record_access, reference_of, request_id_of
from scsp.audit.chain import append, lock_heads
from scsp.models import AccessEvent, RefusalBucket
from scsp.permissions import ReadOnlyRecord
from scsp.proxy import client_ip

log = logging.getLogger(__name__)
REFUSED = (403, 404)
REASON_ATTRIBUTE = "_scsp_refusal_reason"


def reason_for(exception) -> str:
    if isinstance(exception, ReadOnlyRecord):
        return "not theirs to change"
    if isinstance(exception, PermissionDenied):  # NotForYourRole or any other: the 403 page's
        return "not for their role"              # "not available to your role"
    if isinstance(exception, Http404):
        return "not found or outside their scope"
    return ""


class RefusalLogMiddleware:
    """Records every 403 and 404 response as a refused access event (folded per minute)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request_log.begin_record_note()
        try:
            response = self.get_response(request)
        finally:
            noted = request_log.end_record_note(token)
        if response.status_code in REFUSED:
            try:
                record_refusal(request, response.status_code, noted=noted,
                               reason=getattr(request, REASON_ATTRIBUTE, ""))
            except Exception:  # noqa: BLE001 - the person still gets their answer
                log.exception("could not record a refusal of %s", request.path[:200])
        return response

    def process_exception(self, request, exception):
        reason = reason_for(exception)
        if reason:
            setattr(request, REASON_ATTRIBUTE, reason)
        return None


def _minute(moment: dt.datetime) -> dt.datetime:
    return moment.replace(second=0, microsecond=0)


def bucket_key(user_id, ip, path: str, status: int, minute: dt.datetime) -> str:
    text = f"{user_id or '-'}|{ip or '-'}|{status}|{minute.isoformat()}|{path}"
    return hashlib.sha256(text.encode()).hexdigest()


def _bump(key: str, minute: dt.datetime, now: dt.datetime, request_id: str) -> int:
    """Count one refusal in its bucket; returns the bucket's count (1: the first)."""
    table = connection.ops.quote_name(RefusalBucket._meta.db_table)
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            # Our table's name, quoted; the values are parameters.
            f'INSERT INTO {table} ("key", "minute", "count", "last_at", "last_request_id") '  # noqa: S608  # nosec B608
            "VALUES (%s, %s, 1, %s, %s) "
            f'ON CONFLICT ("key") DO UPDATE SET "count" = {table}."count" + 1, '
            '"last_at" = excluded."last_at", "last_request_id" = excluded."last_request_id" '
            'RETURNING "count"',
            [key, adapt(minute), adapt(now), request_id])
        return cursor.fetchone()[0]


def _resolve(noted: dict):
    """The noted record, if it exists (for its reference and case), else None."""
    label, pk = noted.get("model_label"), noted.get("pk")
    if not label or pk in (None, ""):
        return None
    try:
        return apps.get_model(label)._default_manager.filter(pk=pk).first()
    except (LookupError, ValueError, TypeError, OverflowError):
        return None


def record_refusal(request, status: int, *, noted: dict | None = None, reason: str = ""):
    """Count a refusal in its minute's bucket; the first of a bucket becomes an access event
    at once. Returns the event written, or None when the refusal was folded."""
    noted = noted or {}
    now = timezone.now()
    user = getattr(request, "user", None)
    user_id = user.pk if getattr(user, "is_authenticated", False) else None
    ip = client_ip(request)
    path = request.get_full_path()[:500]
    minute = _minute(now)
    key = bucket_key(user_id, ip, path, status, minute)
    request_id = request_id_of(request)
    event = None
    with transaction.atomic():
        if _bump(key, minute, now, request_id) == 1:
            record = _resolve(noted)
            object_type = noted.get("model_label") or ""
            object_id = "" if noted.get("pk") is None else str(noted["pk"])
            event = record_access(
                user=user, kind=Kind.REFUSED, object_type=object_type, object_id=object_id,
                label=reference_of(record) if record is not None else "",
                detail=reason or ("no such page" if status == 404 and not object_type
                                  else "refused"),
                request=request, status=status,
                cases=case_links.cases_of(record) if record is not None else [])
            RefusalBucket.objects.filter(key=key).update(first_event=event)
    if event is not None:
        seal_refusals(now=now)
    return event


def seal_refusals(*, now: dt.datetime | None = None) -> int:
    """Seal the buckets of minutes that are over: one chained event for the refusals after
    each bucket's first, then the bucket goes. Returns how many events were written."""
    current = _minute(now or timezone.now())
    if not RefusalBucket.objects.filter(minute__lt=current).exists():
        return 0
    written = 0
    with transaction.atomic():
        heads = lock_heads()
        buckets = list(RefusalBucket.objects.select_for_update()
                       .filter(minute__lt=current).order_by("minute", "id"))
        firsts = AccessEvent.objects.in_bulk([b.first_event_id for b in buckets
                                              if b.first_event_id])
        for bucket in buckets:
            first = firsts.get(bucket.first_event_id)
            repeats = bucket.count - 1 if first is not None else bucket.count
            if repeats < 1:
                continue
            local = timezone.localtime(bucket.minute)
            event = AccessEvent(
                user_id=first.user_id if first else None,
                agency_id=first.agency_id if first else None,
                at=bucket.last_at, kind=Kind.REFUSED,
                object_type=first.object_type if first else "",
                object_id=first.object_id if first else "",
                label=first.label if first else "",
                detail=(f"{repeats} more identical refusal{'s' if repeats != 1 else ''} "
                        f"in the minute from {local:%H:%M}"),
                path=first.path if first else "", ip_address=first.ip_address if first else None,
                status=first.status if first else None, count=repeats,
                request_id=bucket.last_request_id)
            cases = ([(first.case_id, first.case_reference)] if first and first.case_id else [])
            if first and first.other_cases:
                cases += [(c.case_id, c.case_reference)
                          for c in first.case_links.exclude(case_reference=first.case_reference)]
            append(event, cases=cases, heads=heads)
            written += 1
        RefusalBucket.objects.filter(pk__in=[b.pk for b in buckets]).delete()
    return written
