"""The rescan of uploaded files held as "waiting for scan" (``actions.uploads``).

Run by beat every few minutes (``actions.tasks.rescan_waiting_files_task``) and by
``manage.py scan_waiting_files``. Each waiting file of every registered model (evidence,
learning briefings) is scanned again from storage: clean files become downloadable; an
infected file is deleted from storage and its row kept, marked as removed with what was found
(and logged to the security log); while the scanner is still unavailable nothing changes and
the run stops, to try again next time.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from actions.models import ScanStatus
from actions.uploads import ScannerUnavailable, scan_file, scanned_models

log = logging.getLogger("actions.services")
security_log = logging.getLogger("scsp.security")


@dataclass
class RescanResult:
    clean: int = 0
    infected: int = 0
    still_waiting: int = 0
    scanner_unavailable: bool = False
    removed: list[str] = field(default_factory=list)


def files_rescan_waiting(*, now: dt.datetime, limit: int = 500) -> RescanResult:
    """Scan up to ``limit`` waiting files per model again. Each row changes with a conditional
    update (``scan_status`` still "waiting"), so two overlapping runs cannot both act on it.
    Evidence rows are append-only: this is the one change they take."""
    result = RescanResult()
    for model in scanned_models():
        waiting = model._default_manager.filter(scan_status=ScanStatus.WAITING).order_by("pk")
        for row in waiting[:limit]:
            if result.scanner_unavailable:
                result.still_waiting += 1
                continue
            try:
                with row.file.open("rb") as handle:
                    found = scan_file(handle)
            except ScannerUnavailable as exc:
                log.warning("rescan: scanner still unavailable (%s); files stay held", exc)
                result.scanner_unavailable = True
                result.still_waiting += 1
                continue
            except OSError:
                log.error("rescan: %s %s has no file in storage; left waiting",
                          model._meta.label, row.pk)
                result.still_waiting += 1
                continue
            rows = model._default_manager.filter(pk=row.pk, scan_status=ScanStatus.WAITING)
            if found:
                name = row.file.name
                if rows.update(scan_status=ScanStatus.INFECTED, scan_signature=found[:200],
                               scanned_at=now, file=""):
                    row.file.storage.delete(name)
                    security_log.warning(
                        "rescan: virus %s found in %s %s (%r); the file was removed, the row "
                        "kept", found, model._meta.label, row.pk, row.original_name)
                    result.infected += 1
                    result.removed.append(f"{model._meta.label} {row.pk}")
            elif rows.update(scan_status=ScanStatus.CLEAN, scanned_at=now):
                log.info("rescan: %s %s is clean", model._meta.label, row.pk)
                result.clean += 1
    return result
