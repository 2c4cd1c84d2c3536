"""The hash chains that make the access log and the change history tamper-evident.

Each row of :class:`~scsp.models.AccessEvent` (chain "access") and
:class:`~scsp.models.ChangeEvent` (chain "change") stores

* ``seq``: its place in its chain, 1, 2, 3 ...;
* ``prev_hash``: the previous row's seal (``""`` for the first row);
* ``hash``: HMAC-SHA256, keyed with ``settings.AUDIT_CHAIN_KEY`` (from the environment, never
  the database), of the chain's name, ``prev_hash`` and the row's content (the fields in the
  model's ``CHAINED``, as canonical JSON).

Someone who can write the table but does not hold the key cannot change, insert, reorder or
delete a row without :func:`verify` (``python manage.py verify_audit_trail``) naming the first
row where the chain breaks.

**Appending** (:func:`append`) happens inside the caller's transaction (a request's, with
``ATOMIC_REQUESTS``): it locks both rows of :class:`~scsp.models.ChainHead` in name order
(``SELECT ... FOR UPDATE``), takes the next ``seq`` and the head's seal, inserts the row and
moves the head. A second request appending at the same time waits for the first to commit,
so the chain cannot fork; locking both heads in one order means a request that writes both
logs cannot deadlock with another. On SQLite the database's single write lock serialises
appends. The lock is held until the request commits, so appends are serialised: each takes
three statements (lock, insert, move the head), plus one for the case links. A bulk load in
one transaction appends its rows together instead (:func:`append_many`: four statements
whatever their number), as ``seed_demo`` does through
``scsp.audit.changes.indexed_at_the_end``.

**Retention** removes old access events (``scsp.audit.retention``): the rows go and a
*retention anchor* is appended, an access event whose ``removed`` lists each removed run of
``seq`` numbers with the seal of its last row, so the chain stays verifiable across the gap
(the row after a removed run must carry that run's last seal). An anchor removed later hands
its runs on to the next anchor.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from scsp.models import AccessEvent, AccessEventCase, ChainHead, ChangeEvent, ChangeEventCase

CHAINS = ("access", "change")
MODELS = {"access": AccessEvent, "change": ChangeEvent}
LINKS = {"access": AccessEventCase, "change": ChangeEventCase}
#: Rows read at a time by :func:`verify`.
CHUNK = 5000


def _key() -> bytes:
    return settings.AUDIT_CHAIN_KEY.encode()


def _canonical_value(name: str, value):
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if name == "ip_address" and value:
        try:
            return str(ipaddress.ip_address(value))
        except ValueError:
            return str(value)
    return value


def canonical(model, values: dict) -> bytes:
    """The sealed text of a row: its chain's name, then its ``CHAINED`` fields as JSON."""
    content = [_canonical_value(name, values.get(name)) for name in model.CHAINED]
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return f"{model.CHAIN}\n{text}".encode()


def seal_values(model, values: dict, key: bytes | None = None) -> str:
    return hmac.new(key or _key(), canonical(model, values), hashlib.sha256).hexdigest()


def seal(row) -> str:
    return seal_values(type(row), {name: getattr(row, name) for name in row.CHAINED})


def lock_heads() -> dict[str, ChainHead]:
    """Lock both chain heads (in name order) for the rest of the transaction."""
    heads = {h.name: h for h in ChainHead.objects.select_for_update().order_by("name")}
    if len(heads) < len(CHAINS):  # a fresh or flushed database: start the chains
        ChainHead.objects.bulk_create([ChainHead(name=n) for n in CHAINS],
                                      ignore_conflicts=True)
        heads = {h.name: h for h in ChainHead.objects.select_for_update().order_by("name")}
    return heads


def _name_cases(row, cases) -> None:
    """The row's own record of its cases: the first, and the others' references."""
    if cases:
        row.case_id, row.case_reference = cases[0]
        row.other_cases = " ".join(ref for _pk, ref in cases[1:])[:300]


def append(row, *, cases=(), heads: dict | None = None):
    """Seal ``row`` (an unsaved AccessEvent or ChangeEvent) onto the end of its chain, save it
    and its case links. Joins the caller's transaction (or makes one)."""
    model = type(row)
    with transaction.atomic(savepoint=False):
        heads = heads or lock_heads()
        head = heads[model.CHAIN]
        row.seq = head.seq + 1
        row.prev_hash = head.hash
        _name_cases(row, cases)
        row.hash = seal(row)
        row.save(force_insert=True)
        ChainHead.objects.filter(name=head.name).update(seq=row.seq, hash=row.hash)
        head.seq, head.hash = row.seq, row.hash
        if cases:
            link = LINKS[model.CHAIN]
            link.objects.bulk_create([link(event=row, case_id=pk, case_reference=ref)
                                      for pk, ref in cases])
    return row


def append_many(rows: list[tuple[object, list]]) -> None:
    """Seal ``rows`` (unsaved rows of one chain, in order, each with its cases) onto the end of
    their chain as :func:`append` would one by one, in four statements whatever their number:
    lock the heads, insert the rows, move the head, insert the case links. For bulk loads
    (``scsp.audit.changes.indexed_at_the_end``)."""
    if not rows:
        return
    model = type(rows[0][0])
    if any(type(row) is not model for row, _cases in rows):
        raise TypeError("append_many takes the rows of one chain")
    with transaction.atomic(savepoint=False):
        head = lock_heads()[model.CHAIN]
        for row, cases in rows:
            _name_cases(row, cases)
        events = [row for row, _cases in rows]
        seq, last = bulk_rows(model, events, start_seq=head.seq, start_hash=head.hash)
        model.objects.bulk_create(events, batch_size=500)
        ChainHead.objects.filter(name=head.name).update(seq=seq, hash=last)
        head.seq, head.hash = seq, last
        link = LINKS[model.CHAIN]
        links = [link(event_id=row.pk, case_id=pk, case_reference=ref)
                 for row, cases in rows for pk, ref in cases]
        if any(item.event_id is None for item in links):  # the database gave no ids back
            raise RuntimeError("append_many needs the inserted rows' ids (bulk insert with "
                               "RETURNING: PostgreSQL, or SQLite 3.35 or later)")
        link.objects.bulk_create(links, batch_size=500)


def bulk_rows(model, rows: list, *, start_seq: int = 0, start_hash: str = "",
              key: bytes | None = None) -> tuple[int, str]:
    """Seal unsaved ``rows`` (in order) as a continuation of a chain ending at
    ``start_seq``/``start_hash``, for ``bulk_create`` by the benchmark data; returns the new
    end. The caller saves the rows and moves the head (:func:`set_head`, or as
    :func:`append_many` does)."""
    seq, last = start_seq, start_hash
    key = key or _key()
    for row in rows:
        seq += 1
        row.seq, row.prev_hash = seq, last
        row.hash = last = seal_values(model, {n: getattr(row, n) for n in model.CHAINED}, key)
    return seq, last


def set_head(name: str, seq: int, hash_: str) -> None:
    ChainHead.objects.update_or_create(name=name, defaults={"seq": seq, "hash": hash_})


# --- verification -----------------------------------------------------------------------------

@dataclass
class Problem:
    seq: int | None
    row_id: int | None
    message: str

    def __str__(self):
        return self.message


@dataclass
class Report:
    chain: str
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    more: int = 0  # problems found past the ones kept

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, problem: Problem, keep: int = 50) -> None:
        if len(self.problems) < keep:
            self.problems.append(problem)
        else:
            self.more += 1


def _describe(model, row: dict) -> str:
    when = row["at"].astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if row.get("at") else "?"
    if model is AccessEvent:
        what = f"{row.get('kind')} by user {row.get('user_id') or 'anonymous'}"
        if row.get("object_type"):
            what += f" of {row['object_type']} {row.get('object_id') or ''}".rstrip()
    else:
        what = f"{row.get('history_type')} {row.get('model_label')} {row.get('object_id')}"
    return f"row #{row['seq']} (id {row['id']}, {when}, {what})"


def removed_runs(model) -> list[tuple[int, int, str]]:
    """Every run of ``seq`` the retention job removed, as the anchors still present declare
    them: ``(first, last, seal of last)``, in order."""
    if model is not AccessEvent:
        return []
    runs = []
    for removed in (AccessEvent.objects.filter(kind=AccessEvent.Kind.RETENTION)
                    .exclude(removed=None).values_list("removed", flat=True)):
        runs.extend((int(a), int(b), str(h)) for a, b, h in removed or [])
    return sorted(runs)


def _covered(runs, first: int, last: int) -> str | None:
    """The seal of the last removed row when runs cover ``first..last`` exactly, else None."""
    at = first
    for a, b, h in runs:
        if b < at:
            continue
        if a != at or b > last:
            return None
        if b == last:
            return h
        at = b + 1
    return None


def verify(chain: str, *, key: bytes | None = None) -> Report:
    """Walk one chain in ``seq`` order and report every row that does not match its seal
    (altered, or inserted by someone without the key), every break in the links (rows
    reordered, or deleted other than by the retention job) and rows deleted from the end.
    Reads ``CHUNK`` rows at a time; changes nothing."""
    model, link = MODELS[chain], LINKS[chain]
    key = key or _key()
    report = Report(chain)
    runs = removed_runs(model)
    names = list(dict.fromkeys(("id", "hash", *model.CHAINED)))
    prev_seq, prev_hash, prev_row = 0, "", None
    while True:
        chunk = [dict(zip(names, values, strict=True)) for values in
                 model.objects.filter(seq__gt=prev_seq).order_by("seq")
                 .values_list(*names)[:CHUNK]]
        if not chunk:
            break
        links: dict[int, set[str]] = {}
        for event_id, ref in link.objects.filter(
                event_id__in=[r["id"] for r in chunk]).values_list("event_id", "case_reference"):
            links.setdefault(event_id, set()).add(ref)
        for row in chunk:
            report.rows += 1
            here = _describe(model, row)
            if seal_values(model, row, key) != row["hash"]:
                report.add(Problem(row["seq"], row["id"],
                                   f"{chain}: {here} does not match its seal: it was altered, "
                                   "or inserted by someone without the key."))
            expected_prev = prev_hash
            if row["seq"] != prev_seq + 1:
                boundary = _covered(runs, prev_seq + 1, row["seq"] - 1)
                if boundary is None:
                    after = _describe(model, prev_row) if prev_row else "the start"
                    report.add(Problem(row["seq"], row["id"], (
                        f"{chain}: rows #{prev_seq + 1} to #{row['seq'] - 1} are missing, "
                        f"between {after} and {here}: deleted outside the retention job."
                        if row["seq"] - 1 > prev_seq + 1 else
                        f"{chain}: row #{prev_seq + 1} is missing, between {after} and "
                        f"{here}: deleted outside the retention job.")))
                    expected_prev = row["prev_hash"]  # reported once, not again below
                else:
                    expected_prev = boundary
            if row["prev_hash"] != expected_prev:
                report.add(Problem(row["seq"], row["id"],
                                   f"{chain}: {here} does not follow the row before it: rows "
                                   "were reordered or inserted, or the one before was "
                                   "replaced."))
            cases = {r for r in [row["case_reference"], *(row["other_cases"] or "").split()]
                     if r}
            if links.get(row["id"], set()) != cases:
                report.add(Problem(row["seq"], row["id"],
                                   f"{chain}: the case links of {here} were changed."))
            prev_seq, prev_hash, prev_row = row["seq"], row["hash"], row
    head = ChainHead.objects.filter(name=chain).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, "")
    if head_seq > prev_seq:
        last = _describe(model, prev_row) if prev_row else "the start"
        report.add(Problem(None, None, f"{chain}: rows #{prev_seq + 1} to #{head_seq} were "
                                       f"deleted from the end (the last row left is {last})."))
    elif (head_seq, head_hash) != (prev_seq, prev_hash) and prev_row is not None:
        report.add(Problem(prev_row["seq"], prev_row["id"],
                           f"{chain}: the chain's head does not match its last row, "
                           f"{_describe(model, prev_row)}."))
    return report
