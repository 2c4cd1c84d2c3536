"""The change history's index: one :class:`~scsp.models.ChangeEvent` per historical row.

django-simple-history keeps one table per model, the full record of every version. Asking
"what changed about this case, by whom, last month" across some thirty such tables is slow
and awkward, so each historical row also writes one small index row, from simple-history's
``post_create_historical_record`` signal, inside the same transaction: the model, the
record's id and reference, who and when, the case(s) it concerns (``scsp.case_links``) and the
changed fields as people read them (the field's label; choices by their display value;
related records by name; long text cut short), computed once, at write time, against the
previous version. The pages query the index; the historical tables stay the source of the
full record. Index rows are sealed in the "change" hash chain (``scsp.audit.chain``).

A bulk load in one transaction (``seed_demo``) writes its index rows together at the end
(:func:`indexed_at_the_end`) instead of one at a time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
from collections import defaultdict

from django.db import models, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from scsp import case_links
from scsp.audit.access import reference_of
from scsp.audit.chain import append, append_many
from scsp.models import ChangeEvent

log = logging.getLogger(__name__)
#: How much of a long value the index keeps (the historical table keeps it all).
MAX_VALUE = 200
#: Fields whose changes say nothing to a reader (an edit counter).
IGNORED = frozenset({"version"})
#: Inside :func:`indexed_at_the_end`: the index rows waiting to be written, with their cases
#: and their historical row (model, id).
_pending = threading.local()
#: Ids asked for at a time when checking that historical rows are still there.
CHUNK = 500


@contextlib.contextmanager
def indexed_at_the_end():
    """For a bulk load in one transaction (``seed_demo``): the index rows of every version
    written inside the block are sealed onto the chain and inserted together when it ends
    (:func:`scsp.audit.chain.append_many`: four statements), instead of one at a time (three
    or four statements each: on the demo partnership's 1,400 versions, most of the load's
    queries). Same rows, same order, same seals.

    Must be entered inside the transaction that writes the versions: the rows are written
    before it commits. A version written inside a savepoint that was rolled back later (a
    service retrying after an IntegrityError) is no longer in its historical table, so its
    index row is dropped, as it would have been rolled back with it: each waiting row's
    version is looked up before the chain is written. Nothing reads the index meanwhile (only
    pages and the home page's "since your last visit" panel do). Nested blocks join the
    outermost one. If the block fails, nothing is written (the transaction rolls back)."""
    if getattr(_pending, "rows", None) is not None:
        yield
        return
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("indexed_at_the_end() must be inside the load's transaction")
    _pending.rows = []
    try:
        yield
        rows, _pending.rows = _pending.rows, None
        _write(rows)
    finally:
        _pending.rows = None


def _write(rows) -> None:
    ids = defaultdict(list)
    for _event, _cases, (history_model, pk) in rows:
        ids[history_model].append(pk)
    there = set()
    for history_model, pks in ids.items():
        for start in range(0, len(pks), CHUNK):
            there.update((history_model, pk) for pk in history_model.objects.filter(
                pk__in=pks[start:start + CHUNK]).values_list("pk", flat=True))
    append_many([(event, cases) for event, cases, version in rows if version in there])


def on_history(sender, instance, history_instance, history_user=None,
               history_change_reason=None, **kwargs):
    """``post_create_historical_record`` receiver."""
    record_change(instance=instance, history=history_instance, user=history_user,
                  reason=history_change_reason)


def record_change(*, instance, history, user=None, reason=None) -> ChangeEvent:
    model = instance._meta.concrete_model
    changes = []
    if history.history_type == "~":
        previous = history.prev_record
        if previous is not None:
            delta = history.diff_against(previous, foreign_keys_are_objs=False)
            changes = [describe(model, c.field, c.old, c.new) for c in delta.changes
                       if c.field not in IGNORED]
    event = ChangeEvent(
        at=history.history_date,
        user_id=getattr(user, "pk", None) if user is not None else None,
        model_label=model._meta.label,
        object_id=str(instance.pk)[:64],
        reference=reference_of(instance)[:60],
        label=str(instance)[:200],
        history_type=history.history_type,
        history_id=history.pk,
        reason=str(reason or "")[:300],
        changes=changes,
    )
    cases = case_links.cases_of(instance)
    pending = getattr(_pending, "rows", None)
    if pending is not None:
        pending.append((event, cases, (type(history), history.pk)))
        return event
    return append(event, cases=cases)


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def _names(related_model, ids) -> dict:
    ids = [i for i in ids if i not in (None, "")]
    if not ids:
        return {}
    return {str(o.pk): str(o) for o in related_model._default_manager.filter(pk__in=ids)}


def describe(model, name: str, old, new) -> list[str]:
    """``[field name, label, before, after]`` as a person reads them."""
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a field since removed: its raw values
        return [name, name.replace("_", " ").capitalize(), _short(old or ""), _short(new or "")]
    label = str(field.verbose_name)
    label = label[:1].upper() + label[1:]
    try:
        before, after = _display(field, old, new)
    except Exception:  # noqa: BLE001 - never let the index stop a change being saved
        log.warning("change history: could not describe %s.%s", model._meta.label, name)
        before, after = str(old or ""), str(new or "")
    return [name, label, _short(before), _short(after)]


def _display(field, old, new) -> tuple[str, str]:
    if field.many_to_many:
        target = field.m2m_reverse_field_name()
        ids = {str(row.get(target)): row.get(target) for row in (old or []) + (new or [])}
        names = _names(field.related_model, list(ids.values()))

        def listing(rows):
            return ", ".join(sorted(names.get(str(r.get(target)), str(r.get(target)))
                                    for r in rows or []))
        return listing(old), listing(new)
    if field.is_relation:
        names = _names(field.related_model, [old, new])
        return (names.get(str(old), "" if old is None else str(old)),
                names.get(str(new), "" if new is None else str(new)))
    return _value(field, old), _value(field, new)


def _value(field, value) -> str:
    if value is None or value == "":
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "j M Y H:i")
    if isinstance(value, dt.date):
        return formats.date_format(value, "j M Y")
    return str(value)
