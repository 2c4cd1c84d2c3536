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
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from scsp import case_links
from scsp.audit.access import reference_of
from scsp.audit.chain import append
from scsp.models import ChangeEvent

log = logging.getLogger(__name__)
#: How much of a long value the index keeps (the historical table keeps it all).
MAX_VALUE = 200
#: Fields whose changes say nothing to a reader (an edit counter).
IGNORED = frozenset({"version"})


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
    return append(event, cases=case_links.cases_of(instance))


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
