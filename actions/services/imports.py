"""Importing action plans and actions from a spreadsheet: upload (the file checked and kept),
check (the dry run, :mod:`actions.imports.check`), then import, all or nothing.

The import reads the kept file again (its SHA-256 must still be the one taken at upload),
checks it again inside its transaction and refuses unless that check finds no problem and
would do exactly what the person was shown (:meth:`Report.digest`). Every record is marked as
entered after the event by the importer, and every history row says which import and row it
came from.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from actions.imports.check import ADD, Report, check_file
from actions.models import Action, ActionPlan, PlanImport, Recommendation
from actions.services._common import _now
from actions.services.plans import _next_plan_reference
from actions.uploads import check_upload, clean_filename, extension_of
from scsp.audit import Kind, record_access
from scsp.permissions import Ability, require

KINDS = {".xlsx": PlanImport.FileKind.XLSX, ".csv": PlanImport.FileKind.CSV}


def _require_importer(by) -> None:
    require(by, Ability.IMPORT_PLANS, _("Only the business unit imports action plans."))
    require(by, Ability.RECORD_THE_PAST,
            _("Only the business unit records plans after the event."))


@transaction.atomic
def import_upload(*, by, upload, now=None) -> PlanImport:
    """Keep an uploaded spreadsheet (XLSX or CSV) for checking, after the upload checks every
    file passes (size, type by content, ZIP bombs and macros, the virus scan). Returns the
    :class:`PlanImport`; raises ``ValidationError`` keyed ``file``."""
    _require_importer(by)
    name = clean_filename(getattr(upload, "name", "") or "")
    kind = KINDS.get(extension_of(name))
    if kind is None:
        raise ValidationError({"file": _(
            "“%(name)s” is not a spreadsheet we import. Upload an Excel workbook (.xlsx) or a "
            "CSV file (.csv).") % {"name": name}})
    try:
        checked = check_upload(upload)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    if checked.scan_status != "clean":
        raise ValidationError({"file": _(
            "The virus check could not look at “%(name)s” just now, so it was not kept. Upload "
            "it again in a few minutes.") % {"name": name}})
    upload.seek(0)
    content = b"".join(upload.chunks()) if hasattr(upload, "chunks") else upload.read()
    batch = PlanImport(uploaded_by=by, uploaded_at=_now(now), original_name=checked.original_name,
                       file_kind=kind, size=len(content), sha256=checked.sha256,
                       content=content)
    batch._history_user = by
    batch.save()
    return batch


def _content(batch: PlanImport) -> bytes:
    content = bytes(batch.content)
    if hashlib.sha256(content).hexdigest() != batch.sha256:
        raise ValidationError(_("The kept file no longer matches the one uploaded. Upload it "
                                "again."))
    return content


def import_check(*, by, batch: PlanImport, today: dt.date) -> Report:
    """The dry run of ``batch``: a row-by-row :class:`Report`. Saves nothing."""
    _require_importer(by)
    return check_file(_content(batch), batch.file_kind, by=by, today=today)


@transaction.atomic
def import_apply(*, by, batch: PlanImport, checked: str, today: dt.date,
                 now=None) -> PlanImport:
    """Import ``batch`` in one transaction: the plans and actions its check would add, only
    if the check finds no problem and gives ``checked`` (the digest of what the person was
    shown). Returns the import, with what it added; raises ``ValidationError`` and saves
    nothing otherwise."""
    _require_importer(by)
    now = _now(now)
    locked = PlanImport.objects.select_for_update().get(pk=batch.pk)
    if locked.imported_at is not None:
        raise ValidationError(_("This file was imported at %(when)s by %(who)s; importing it "
                                "again would change nothing.") % {
            "when": timezone.localtime(locked.imported_at).strftime("%H:%M on %d %b %Y"),
            "who": locked.imported_by})
    report = check_file(_content(locked), locked.file_kind, by=by, today=today)
    if report.file_problems or report.errors:
        raise ValidationError(_("Nothing was imported: the file has problems. Correct them and "
                                "upload the file again."))
    if report.digest(locked.sha256) != checked:
        raise ValidationError(_("Nothing was imported: the records changed after this file was "
                                "checked. Look at the new check below and import again if it "
                                "is right."))
    if not report.to_add:
        raise ValidationError(_("Nothing to import: every row is already in SCSP Reviews."))
    plans_added = 0
    try:
        with transaction.atomic():
            for group in report.plans.values():
                rows = [r for r in group.rows if r.outcome == ADD]
                if not rows:
                    continue
                plan = group.existing
                if plan is None:
                    plan = _new_plan(group, by=by, now=now, batch=locked)
                    plans_added += 1
                _add_actions(plan, rows, by=by, now=now, batch=locked)
    except IntegrityError:
        raise ValidationError(_("Nothing was imported: someone added the same references at "
                                "the same time. Check the file again.")) from None
    locked.imported_at, locked.imported_by = now, by
    locked.plans_added, locked.actions_added = plans_added, len(report.to_add)
    locked.rows_unchanged = len(report.unchanged)
    locked._history_user = by
    locked.save()
    record_access(user=by, kind=Kind.IMPORT, obj=locked, label=locked.reference,
                  object_type="actions.PlanImport",
                  detail=_("%(plans)s plans and %(actions)s actions added, %(same)s rows already "
                           "imported, from %(name)s") % {
                      "plans": plans_added, "actions": locked.actions_added,
                      "same": locked.rows_unchanged, "name": locked.original_name})
    return locked


def imports_purge(*, now, keep_days: int) -> int:
    """Remove the spreadsheets uploaded for import more than ``keep_days`` ago, imported or
    not (the retention job; their history rows, without the file, stay). Returns how many."""
    old = PlanImport.objects.filter(uploaded_at__lt=now - dt.timedelta(days=keep_days))
    removed = 0
    for batch in old.defer("content").iterator():
        batch.delete()
        removed += 1
    return removed


def _reason(batch: PlanImport, row: int) -> str:
    return f"Imported: {batch.reference}, row {row} of {batch.original_name}"[:100]


def _new_plan(group, *, by, now, batch) -> ActionPlan:
    values = group.values
    for _attempt in range(5):
        plan = ActionPlan(
            reference=_next_plan_reference(now, values.get("agreed_on")),
            title=values["plan_title"], origin_kind=values["origin"],
            origin_reference=values.get("origin_ref", ""), owner=by,
            status=ActionPlan.Status.ACTIVE, agreed_on=values.get("agreed_on"), created_at=now,
            external_reference=group.ref, import_fingerprint=group.fingerprint)
        plan.mark_entered_after_event(by=by, now=now)
        plan._history_user, plan._change_reason = by, _reason(batch, group.first_row)
        try:
            with transaction.atomic():
                plan.save()
            return plan
        except IntegrityError:
            if ActionPlan.objects.filter(
                    external_reference__iexact=group.ref).exists():
                raise
    raise ValidationError(_("Could not number the plans; please try again."))


def _add_actions(plan, rows, *, by, now, batch) -> None:
    number = plan.actions.aggregate(n=Max("number"))["n"] or 0
    recommendations = {" ".join(r.text.split()).casefold(): r for r in plan.recommendations.all()}
    next_rec = max((r.number for r in recommendations.values()), default=0)
    for row in rows:
        v = row.values
        recommendation = None
        if v.get("recommendation"):
            rec_key = " ".join(v["recommendation"].split()).casefold()
            recommendation = recommendations.get(rec_key)
            if recommendation is None:
                next_rec += 1
                recommendation = Recommendation(plan=plan, number=next_rec,
                                                text=v["recommendation"])
                recommendation._history_user = by
                recommendation._change_reason = _reason(batch, row.number)
                recommendation.save()
                recommendations[rec_key] = recommendation
        number += 1
        signed_off_at = None
        if v.get("signed_off_on"):
            signed_off_at = timezone.make_aware(dt.datetime.combine(v["signed_off_on"],
                                                                    dt.time.min))
        action = Action(
            plan=plan, recommendation=recommendation, number=number,
            reference=f"{plan.reference}-{number:02d}", title=v.get("title", ""),
            description=v["description"], success_measure=v["success_measure"],
            lead_agency=v["lead_agency"], lead_officer=v["lead_officer"],
            target_date=v["target_date"],
            original_target_date=v.get("original_target_date") or v["target_date"],
            status=v["status"], completed_on=v.get("completed_on"),
            completion_evidence=v.get("completion_evidence", ""),
            signed_off_by=v.get("signed_off_by") or None, signed_off_at=signed_off_at,
            closed_reason=v.get("closed_reason", ""), created_by=by, created_at=now,
            external_reference=row.action_ref, import_fingerprint=row.fingerprint)
        action.mark_entered_after_event(by=by, now=now)
        action._history_user, action._change_reason = by, _reason(batch, row.number)
        action.save()
        if v.get("themes"):
            action.themes.set(v["themes"])
