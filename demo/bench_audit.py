"""Benchmark data for the access log: ``EVENTS_PER_ACTION`` (100) access events per action, so
2,000,000 at the benchmark's 20,000 actions, spread over the last ``SPAN_DAYS`` days (three
years, about 55,000 a month) and sealed onto the access log's hash chain as the application
seals them (``scsp.audit.chain.bulk_rows``), so ``verify_audit_trail`` passes on it.

The mix is a partnership's: mostly records viewed, then sign-ins and sign-outs, the Rapid
Review minutes viewed and downloaded, evidence downloaded, lists exported, reports, failed
sign-ins and refusals. An event about a case record (a case, its Rapid Review and minutes, an
action of its plan, a refusal of one) is linked to the case, as ``record_access`` links it.
Deterministic (``random.Random(2015)``). Written in batches of ``BATCH``.
"""

from __future__ import annotations

import datetime as dt
import random

from django.conf import settings
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from scsp.audit.chain import seal_values, set_head
from scsp.models import AccessEvent, AccessEventCase, ChainHead

EVENTS_PER_ACTION = 100
SPAN_DAYS = 3 * 365
BATCH = 5000
Kind = AccessEvent.Kind
#: (kind, weight, what it is about): "case" a case record, "list" an export, "" nothing.
MIX = [
    (Kind.VIEW, 42, "case"), (Kind.VIEW_MINUTES, 7, "minutes"), (Kind.MINUTES_PDF, 3, "minutes"),
    (Kind.FILE, 6, "evidence"), (Kind.EXPORT, 4, "list"), (Kind.REPORT, 1, "report"),
    (Kind.SIGN_IN, 16, ""), (Kind.SIGN_OUT, 9, ""), (Kind.SIGN_IN_FAILED, 3, ""),
    (Kind.SECOND_FACTOR, 1, ""), (Kind.REFUSED, 8, "refused"),
]


COLUMNS = ("id", "seq", "prev_hash", "hash", "user_id", "agency_id", "at", "kind", "object_type",
           "object_id", "label", "detail", "path", "ip_address", "status", "count",
           "request_id", "case_id", "case_reference", "other_cases", "removed")


class _Row(dict):
    """One event's values: attribute access for :func:`_about`, dict for the seal."""

    __getattr__ = dict.get

    def __setattr__(self, name, value):
        self[name] = value


def build(*, count: int, people, rapid_reviews, actions, now: dt.datetime | None = None,
          say=lambda msg: None) -> int:
    """Append ``count`` access events to the chain; returns how many were written.

    ``people`` are ``(user id, agency id)`` pairs; ``rapid_reviews`` ``(rr id, case id, case
    reference)``; ``actions`` ``(action id, case id, case reference)``. Rows go in with
    ``executemany`` (model instances and ``bulk_create`` cost ten times as much at 2 million)."""
    if count <= 0:
        return 0
    now = now or timezone.now()
    rng = random.Random(2015)  # nosec B311 - reproducible benchmark data, nothing secret
    kinds = [k for k, _w, _a in MIX]
    about = {k: a for k, _w, a in MIX}
    weights = [w for _k, w, _a in MIX]
    span = SPAN_DAYS * 86400
    offsets = sorted(rng.randrange(span) for _ in range(count))
    head = ChainHead.objects.filter(name="access").first()
    seq, last = (head.seq, head.hash) if head else (0, "")
    next_id = (AccessEvent.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    ops, key = connection.ops, settings.AUDIT_CHAIN_KEY.encode()
    table, links = AccessEvent._meta.db_table, AccessEventCase._meta.db_table
    # Table and column names from the models; the values are parameters.
    insert = (f"INSERT INTO {table} ({', '.join(COLUMNS)}) "  # noqa: S608  # nosec B608
              f"VALUES ({', '.join(['%s'] * len(COLUMNS))})")
    link = (f"INSERT INTO {links} (event_id, case_id, case_reference) "  # noqa: S608  # nosec B608
            "VALUES (%s, %s, %s)")
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":  # a bigger page cache for the index inserts
            cursor.execute("PRAGMA cache_size = -262144")
        for start in range(0, count, BATCH):
            rows, case_rows = [], []
            for offset in offsets[start:start + BATCH]:
                kind = rng.choices(kinds, weights)[0]
                user_id, agency_id = rng.choice(people)
                seq += 1
                row = _Row(
                    id=next_id, seq=seq, prev_hash=last, hash="", user_id=user_id,
                    agency_id=agency_id, at=now - dt.timedelta(seconds=span - offset),
                    kind=str(kind), object_type="", object_id="", label="", detail="", path="",
                    ip_address=f"10.{rng.randrange(256)}.{rng.randrange(256)}."
                               f"{rng.randrange(1, 255)}",
                    status=None, count=1, request_id=f"{rng.getrandbits(128):032x}",
                    case_id=None, case_reference="", other_cases="", removed=None)
                case = _about(row, about[kind], rng, rapid_reviews, actions)
                if case:
                    row.case_id, row.case_reference = case
                    case_rows.append((next_id, *case))
                row.hash = last = seal_values(AccessEvent, row, key)
                row.at = ops.adapt_datetimefield_value(row.at)
                rows.append(tuple(row[c] for c in COLUMNS))
                next_id += 1
            cursor.executemany(insert, rows)
            cursor.executemany(link, case_rows)
            written += len(rows)
            if written % 500_000 < BATCH:
                say(f"{written} access events\n")
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)",  # noqa: S608
                           [next_id - 1])
    set_head("access", seq, last)
    return written


def _about(event, what: str, rng, rapid_reviews, actions):
    """Fill in what the event is about; returns its case ``(id, reference)`` or None."""
    if what == "":
        if event.kind == str(Kind.SIGN_IN_FAILED):
            event.user_id, event.agency_id = None, None
            event.detail = "unknown account or wrong password"
        return None
    if what == "list":
        event.object_type, event.label = "actions.Action", f"{rng.randrange(1, 400)} actions"
        event.detail = "Status: Open"
        return None
    if what == "report":
        event.object_type, event.label = "reports.QuarterlyReport", "Quarterly report (pdf)"
        return None
    if what in ("minutes", "case") and (what == "minutes" or rng.random() < 0.5):
        rr, case_id, ref = rng.choice(rapid_reviews)
        event.object_type, event.object_id, event.label = "reviews.RapidReview", str(rr), ref
        return case_id, ref
    if what == "case" and rng.random() < 0.4:
        _rr, case_id, ref = rng.choice(rapid_reviews)
        event.object_type, event.object_id, event.label = "reviews.Case", str(case_id), ref
        return case_id, ref
    action, case_id, ref = rng.choice(actions)
    event.object_type = "actions.Evidence" if what == "evidence" else "actions.Action"
    event.object_id, event.label = str(action), ref
    if what == "refused":
        if rng.random() < 0.5:  # a page that does not exist: no record, no case
            event.object_type = event.object_id = event.label = ""
            event.status, event.detail, event.path = 404, "no such page", "/wp-admin/"
            return None
        event.status, event.detail = 404, "not found or outside their scope"
        event.path = f"/actions/{action}/"
    return case_id, ref
