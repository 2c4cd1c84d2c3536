"""Rows and stored files agree: every file a row names is in the store, and every stored file
is named by a row. ``python manage.py check_files`` reports both kinds of disagreement and
with ``--delete-orphans`` removes stored files no row names (older than a day, so nothing an
upload in progress is writing).

A row's file counts as named if any row names it, the history's included (an old version of
a record may still point at it); only current rows are checked for missing files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.apps import apps
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone

from scsp.storage import walk


def _is_history(model) -> bool:
    return any(f.name == "history_id" for f in model._meta.concrete_fields)


def file_fields():
    """``(model, field name, is_history)`` for every file field (all use the default storage)."""
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FileField):
                yield model, f.name, _is_history(model)


@dataclass
class Report:
    stored: int = 0
    orphans: list[tuple[str, dt.datetime | None]] = field(default_factory=list)
    missing: list[tuple[str, int, str]] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.missing and len(self.orphans) == len(self.deleted)


def check(*, delete_orphans: bool = False, older_than: dt.timedelta = dt.timedelta(days=1),
          now: dt.datetime | None = None) -> Report:
    storage = storages["default"]
    now = now or timezone.now()
    stored = set(walk(storage))
    named: set[str] = set()
    report = Report(stored=len(stored))
    for model, name, history in file_fields():
        rows = (model._default_manager.exclude(**{name: ""}).exclude(**{f"{name}__isnull": True})
                .values_list("pk", name).iterator())
        for pk, value in rows:
            named.add(value)
            if not history and value not in stored:
                report.missing.append((model._meta.label, pk, value))
    for orphan in sorted(stored - named):
        try:
            modified = storage.get_modified_time(orphan)
        except (OSError, NotImplementedError):
            modified = None
        report.orphans.append((orphan, modified))
        if delete_orphans and modified is not None and now - modified >= older_than:
            storage.delete(orphan)
            report.deleted.append(orphan)
    return report
