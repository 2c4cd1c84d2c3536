"""The retention job: one nightly run (``scsp.tasks.retention_task``, beat at 02:15; by hand
``python manage.py apply_retention``) removes what should not be kept for ever, each kind
after its own period (settings, README "Retention"):

* access events: ``ACCESS_EVENTS_KEEP_DAYS`` (6 years);
* sign-in records (django-axes' attempts and log): ``SIGN_IN_RECORDS_KEEP_DAYS`` (90 days);
* generated report files: ``REPORT_EXPORT_KEEP_DAYS`` (7 days; the reports app registers its
  purge here);
* form drafts kept after a session ended and files held across a form's errors:
  ``KEPT_WORK_MINUTES`` (2 hours; ``scsp.kept_work.purge``, which reads each row's expiry).

Each purge gets the ids of the cases on **legal hold** (:func:`scsp.case_links.held_case_ids`)
and keeps every record about them. The change history's index is not purged: it lives as
long as the historical records it indexes.

**What it removed is recorded**: one access event of kind "Removed after the retention
period" with the counts. When access events went, that event is the chain's *retention
anchor* (``scsp.audit.chain``): it lists each removed run of sequence numbers with the seal
of its last row, so ``verify_audit_trail`` still checks the rows either side of the gap. On
PostgreSQL the access log's trigger refuses every DELETE except inside this job's
transaction, which sets ``scsp.retention_cutoff`` (rows older than it may go; the trigger
itself refuses a cut-off less than a year ago).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from scsp import case_links
from scsp.audit.access import Kind
from scsp.audit.chain import append, lock_heads
from scsp.audit.refusals import seal_refusals
from scsp.models import AccessEvent, AccessEventCase

log = logging.getLogger(__name__)
ACCESS_EVENTS = "access events"


@dataclass
class Purge:
    name: str
    setting: str
    #: ``purge(now=, keep_days=, held_case_ids=) -> rows removed``; None: a hook nothing has
    #: registered yet.
    purge: Callable[..., int] | None = None


_purges: dict[str, Purge] = {}


def register(name: str, setting: str, purge: Callable[..., int] | None = None) -> None:
    """Add (or fill) one kind of record the job removes after ``settings.<setting>`` days."""
    existing = _purges.get(name)
    if existing is not None and purge is None:
        return
    _purges[name] = Purge(name, setting, purge)


def purges() -> list[Purge]:
    return list(_purges.values())


def _sign_in_records(*, now, keep_days, held_case_ids):
    from scsp.auth import purge_sign_in_records

    return purge_sign_in_records(now=now, keep_days=keep_days)


register("sign-in records", "SIGN_IN_RECORDS_KEEP_DAYS", _sign_in_records)
def _kept_work(*, now, keep_days, held_case_ids):
    from scsp.kept_work import purge

    return sum(purge(now=now))  # each row carries its own expiry (KEPT_WORK_MINUTES)


register("form drafts and held uploads", "KEPT_WORK_MINUTES", _kept_work)


def run(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Run every purge, then the access log's; returns rows removed by kind."""
    now = now or timezone.now()
    held = case_links.held_case_ids()
    seal_refusals(now=now)
    removed: dict[str, int] = {}
    for purge in purges():
        if purge.purge is None:
            continue
        removed[purge.name] = purge.purge(now=now, keep_days=getattr(settings, purge.setting),
                                          held_case_ids=held)
    removed[ACCESS_EVENTS] = purge_access_events(now=now, held_case_ids=held, others=removed)
    log.info("retention: %s", ", ".join(f"{n} {k}" for k, n in removed.items()))
    return removed


def _merge(runs) -> list[list]:
    merged: list[list] = []
    for first, last, seal in sorted([int(a), int(b), str(h)] for a, b, h in runs):
        if merged and merged[-1][1] + 1 == first:
            merged[-1][1], merged[-1][2] = last, seal
        else:
            merged.append([first, last, seal])
    return merged


def _summary(cutoff: dt.datetime, events: int, held_kept: int, others: dict) -> str:
    parts = []
    if events:
        parts.append(f"{events} access events from before "
                     f"{timezone.localtime(cutoff):%-d %b %Y}"
                     + (f" ({held_kept} kept: legal hold)" if held_kept else ""))
    parts += [f"{count} {name}" for name, count in others.items() if count]
    return "; ".join(parts)


@transaction.atomic
def purge_access_events(*, now: dt.datetime, held_case_ids=(), others: dict | None = None,
                        keep_days: int | None = None) -> int:
    """Delete access events older than ``ACCESS_EVENTS_KEEP_DAYS`` that concern no case on
    legal hold, and append the anchor that records them (and ``others``' counts). Returns how
    many events went."""
    keep = settings.ACCESS_EVENTS_KEEP_DAYS if keep_days is None else keep_days
    cutoff = now - dt.timedelta(days=keep)
    heads = lock_heads()
    held_events = AccessEventCase.objects.filter(case_id__in=list(held_case_ids),
                                                 event__at__lt=cutoff).values("event_id")
    old = AccessEvent.objects.filter(at__lt=cutoff)
    candidates = old.exclude(pk__in=held_events) if held_case_ids else old
    runs: list[list] = []
    carried: list = []
    for seq, seal, kind, declared in (candidates.order_by("seq")
                                      .values_list("seq", "hash", "kind", "removed")
                                      .iterator(chunk_size=5000)):
        if runs and runs[-1][1] == seq - 1:
            runs[-1][1], runs[-1][2] = seq, seal
        else:
            runs.append([seq, seq, seal])
        if kind == Kind.RETENTION and declared:
            carried.extend(declared)  # an old anchor goes: its runs pass to the new one
    held_kept = old.filter(pk__in=held_events).count() if held_case_ids else 0
    count = sum(last - first + 1 for first, last, _seal in runs)
    if count:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # lets the trigger allow these deletes
                cursor.execute("SELECT set_config('scsp.retention_cutoff', %s, true)",
                               [cutoff.isoformat()])
        for first, last, _seal in runs:
            AccessEventCase.objects.filter(event__seq__gte=first, event__seq__lte=last).delete()
            AccessEvent.objects.filter(seq__gte=first, seq__lte=last).delete()
    others = {k: v for k, v in (others or {}).items() if v}
    if count or others:
        append(AccessEvent(kind=Kind.RETENTION, label="retention job",
                           detail=_summary(cutoff, count, held_kept, others)[:300],
                           removed=_merge(carried + runs) or None), heads=heads)
    return count
