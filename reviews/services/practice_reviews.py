"""Practice reviews: LCSPR, Spotlight and Tabletop Reviews and learning briefings; their
stages (no skipping), progress checks, recommendations, outcomes and briefing files."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from actions import services as action_services
from actions.uploads import check_upload
from reviews.models import (
    REVIEW_PREFIX,
    BriefingFile,
    PracticeReview,
    ProgressCheck,
    PublicationOutcome,
    ReviewKind,
    ReviewStage,
    ReviewStatus,
    StageKey,
)
from reviews.services._common import (
    _add,
    _d,
    _not_future,
    _raise_if,
    _review_plan,
    _save,
    _text,
    _with_number,
)
from reviews.services.cases import case_refresh_status
from reviews.services.renumber import review_renumber_for_year
from reviews.stages import default_stages
from scsp.permissions import Ability, require
from scsp.workdays import WorkingCalendar, calendar


@transaction.atomic
def review_create(*, by, kind, title, decision_date, cases, today, is_thematic=False,
                  rapid_review=None, referral=None, reviewer="", method="", themes=(),
                  entered_after_event=False,
                  cal: WorkingCalendar | None = None) -> PracticeReview:
    """Start a practice review with the default stages of its kind and its own action plan.
    Returns the review."""
    require(by, Ability.MANAGE_REVIEWS, _("Only the business unit starts practice reviews."))
    cal = cal or calendar()
    cases = list(cases)
    errors: dict = {}
    if kind not in ReviewKind.values:
        _add(errors, "kind", _("Choose the kind of review."))
    if not _text(title):
        _add(errors, "title", _("Give the review a title."))
    if decision_date is None:
        _add(errors, "decision_date", _("Give the date of the decision to initiate."))
    else:
        _not_future(errors, "decision_date", decision_date, today,
                    _("The date of the decision"))
    if not cases:
        _add(errors, "cases", _("Link at least one case."))
    if len(cases) > 1 and kind == ReviewKind.LCSPR:
        is_thematic = True
    _raise_if(errors)
    review = PracticeReview(
        kind=kind, reference_year=decision_date.year, title=_text(title),
        is_thematic=is_thematic, rapid_review=rapid_review, referral=referral,
        decision_date=decision_date, reviewer=_text(reviewer), method=_text(method),
        created_by=by,
    )
    if entered_after_event:
        require(by, Ability.RECORD_THE_PAST,
                _("Only the business unit records reviews after the event."))
        review.mark_entered_after_event(by=by, now=timezone.now())
    prefix = REVIEW_PREFIX[kind]
    _with_number(
        review, by,
        next_number=lambda: (PracticeReview.objects.filter(kind=kind,
                                                           reference_year=decision_date.year)
                             .aggregate(n=Max("reference_number"))["n"] or 0) + 1,
        build_reference=lambda n: f"{prefix}-{decision_date.year}-{n:02d}",
    )
    review.cases.set(cases)
    review.themes.set(list(themes))
    for row in default_stages(kind, decision_date, cal):
        _save(ReviewStage(review=review, **row), by)
    review.action_plan = _review_plan(review, by)
    _save(review, by)
    for case in cases:
        case_refresh_status(case=case, by=by)
    return review


@transaction.atomic
def review_update(*, by, review, today, title, decision_date, cases, is_thematic=False,
                  reviewer="", method="", themes=(), summary="") -> PracticeReview:
    """Change a review's details, linked cases and themes. Returns the review."""
    require(by, Ability.MANAGE_REVIEWS, _("Only the business unit changes practice reviews."))
    cases = list(cases)
    errors: dict = {}
    if not _text(title):
        _add(errors, "title", _("Give the review a title."))
    if decision_date is None:
        _add(errors, "decision_date", _("Give the date of the decision to initiate."))
    else:
        _not_future(errors, "decision_date", decision_date, today, _("The date of the decision"))
    if not cases:
        _add(errors, "cases", _("Link at least one case."))
    if review.kind != ReviewKind.LCSPR and is_thematic:
        is_thematic = False
    _raise_if(errors)
    before = set(review.cases.all())
    review.title, review.decision_date = _text(title), decision_date
    review.is_thematic = is_thematic or (review.kind == ReviewKind.LCSPR and len(cases) > 1)
    review.reviewer, review.method = _text(reviewer), _text(method)
    review.summary = _text(summary)
    if not review_renumber_for_year(review, by):
        _save(review, by)
    review.cases.set(cases)
    review.themes.set(list(themes))
    for case in before | set(cases):
        case_refresh_status(case=case, by=by)
    return review


def _review_status(review: PracticeReview) -> str:
    if review.kind == ReviewKind.LCSPR:
        if review.outcome in (PublicationOutcome.PUBLISHED, PublicationOutcome.NOT_PUBLISHED):
            return ReviewStatus.COMPLETED
        if review.outcome == PublicationOutcome.EMBARGOED or review.ratified_on:
            return ReviewStatus.AWAITING_PUBLICATION
        return ReviewStatus.IN_PROGRESS
    return ReviewStatus.COMPLETED if review.completed_on else ReviewStatus.IN_PROGRESS


def review_refresh_status(*, review, by=None) -> str:
    """Store the status that the stages and outcome give, and update the linked cases."""
    review = PracticeReview.objects.prefetch_related("stages").get(pk=review.pk)
    status = _review_status(review)
    if status != review.status:
        review.status = status
        review._history_user = by
        review.save(update_fields=["status"])
    for case in review.cases.all():
        case_refresh_status(case=case, by=by)
    return status


MILESTONES_NEVER_SKIPPED = {StageKey.RATIFIED, StageKey.SENT_TO_PANEL, StageKey.PUBLISHED,
                            StageKey.COMPLETED}


def validate_stages(*, review, rows: list[dict], today) -> dict:
    """The stage rules: names required; dates not in the future nor before the decision;
    a stage with a date is not also "not needed"; milestone stages are kept and never "not
    needed"; and no stage is done while an earlier one is neither done nor marked not
    needed (no skipping). Returns errors keyed ``__all__``."""
    errors: dict = {}
    kept = [r for r in rows if not r.get("delete")]
    for row in rows:
        if row.get("delete") and row.get("key"):
            _add(errors, "__all__", _("“%(name)s” is a milestone the clocks read; it cannot be "
                                      "removed.") % {"name": row.get("name")})
    pending = None
    for row in kept:
        name = _text(row.get("name"))
        if not name:
            _add(errors, "__all__", _("Every stage needs a name."))
            continue
        actual = row.get("actual_date")
        _not_future(errors, "__all__", actual, today,
                    _("The date “%(name)s” was done") % {"name": name})
        if actual and actual < review.decision_date:
            _add(errors, "__all__", _("“%(name)s” cannot be done (%(date)s) before the decision "
                                      "to initiate (%(decision)s).")
                 % {"name": name, "date": _d(actual), "decision": _d(review.decision_date)})
        if actual and row.get("not_needed"):
            _add(errors, "__all__", _("“%(name)s” has a date, so it cannot also be not needed.")
                 % {"name": name})
        if row.get("not_needed") and row.get("key") in MILESTONES_NEVER_SKIPPED:
            _add(errors, "__all__", _("“%(name)s” cannot be marked not needed.")
                 % {"name": name})
        if actual and pending is not None:
            _add(errors, "__all__", _("“%(name)s” cannot be done before “%(earlier)s”: record "
                                      "that stage's date, or mark it not needed.")
                 % {"name": name, "earlier": pending})
        if not actual and not row.get("not_needed") and pending is None:
            pending = name
    return errors


@transaction.atomic
def review_set_stages(*, by, review, today, stages: list[dict]) -> list[ReviewStage]:
    """Replace the stage list: each row has ``id`` (or none for a new stage), ``name``,
    ``planned_date``, ``actual_date``, ``not_needed``, ``note`` and ``delete``, in order.
    Returns the stages; raises ``ValidationError`` (see :func:`validate_stages`)."""
    require(by, Ability.MANAGE_REVIEWS, _("Only the business unit changes review stages."))
    existing = {s.pk: s for s in review.stages.all()}
    rows = []
    for row in stages:
        stage = existing.get(row.get("id"))
        if row.get("id") and stage is None:
            raise ValidationError(_("A stage in the list does not belong to this review."))
        if stage is None and not _text(row.get("name")):
            continue  # an empty extra row
        rows.append({**row, "key": stage.key if stage else ""})
    _raise_if(validate_stages(review=review, rows=rows, today=today))
    kept = []
    order = 0
    for row in rows:
        stage = existing.pop(row.get("id"), None)
        if row.get("delete"):
            if stage is not None:
                stage._history_user = by
                stage.delete()
            continue
        order += 1
        stage = stage or ReviewStage(review=review)
        stage.order, stage.name = order, _text(row["name"])
        stage.planned_date, stage.actual_date = row.get("planned_date"), row.get("actual_date")
        stage.not_needed, stage.note = bool(row.get("not_needed")), _text(row.get("note"))
        _save(stage, by)
        kept.append(stage)
    for stage in existing.values():  # rows not sent at all are kept unchanged
        kept.append(stage)
    review_refresh_status(review=review, by=by)
    return kept


@transaction.atomic
def review_add_progress_check(*, by, review, today, checked_on, note, on_track=True,
                              drafts_requested=False) -> ProgressCheck:
    """Record a check on a review's time and quality. Returns the check."""
    require(by, Ability.MANAGE_REVIEWS, _("Only the business unit records progress checks."))
    errors: dict = {}
    if checked_on is None:
        _add(errors, "checked_on", _("Give the date of the check."))
    else:
        _not_future(errors, "checked_on", checked_on, today, _("The date of the check"))
        if checked_on < review.decision_date:
            _add(errors, "checked_on", _("The check cannot be before the review began (%(d)s).")
                 % {"d": _d(review.decision_date)})
    if not _text(note):
        _add(errors, "note", _("Say what the check found."))
    _raise_if(errors)
    check = ProgressCheck(review=review, checked_on=checked_on, note=_text(note),
                          on_track=on_track, drafts_requested=drafts_requested, recorded_by=by)
    _save(check, by)
    return check


@transaction.atomic
def review_add_recommendation(*, by, review, text, themes=()):
    """Add a recommendation to the review's action plan (actions then answer it). Returns
    the recommendation."""
    require(by, Ability.MANAGE_REVIEWS, _("Only the business unit adds recommendations."))
    if review.action_plan_id is None:
        review.action_plan = _review_plan(review, by)
        _save(review, by)
    return action_services.recommendation_add(by=by, plan=review.action_plan, text=text,
                                              themes=themes)


def _set_stage_date(review, key, day, by):
    stage = review.stages.filter(key=key).first()
    if stage is None:
        return
    stage.actual_date, stage.not_needed = day, False
    _save(stage, by)


@transaction.atomic
def review_record_outcome(*, by, review, today, outcome="", published_on=None,
                          published_url="", embargo_reason="", embargo_proceeding="",
                          embargo_proceeding_detail="", embargo_expected_end=None,
                          embargo_next_review=None, not_published_reason="",
                          published_instead="", completed_on=None,
                          summary=None) -> PracticeReview:
    """Record how a review ended. An LCSPR, once ratified, is published (date and link),
    embargoed (reason, proceeding, expected end, next review) or not published (reason and
    what was published instead). Other kinds record the date they were completed. Returns the
    review; raises ``ValidationError`` by field."""
    require(by, Ability.MANAGE_REVIEWS, _("Only the business unit records outcomes."))
    review = PracticeReview.objects.prefetch_related("stages").get(pk=review.pk)
    if review.kind == ReviewKind.LCSPR:
        _record_publication(review, by=by, today=today, outcome=outcome, fields={
            "published_on": published_on, "published_url": published_url,
            "embargo_reason": embargo_reason, "embargo_proceeding": embargo_proceeding,
            "embargo_proceeding_detail": embargo_proceeding_detail,
            "embargo_expected_end": embargo_expected_end,
            "embargo_next_review": embargo_next_review,
            "not_published_reason": not_published_reason,
            "published_instead": published_instead})
    else:
        _record_completion(review, by=by, today=today, completed_on=completed_on)
    if summary is not None:
        review.summary = _text(summary)
    _save(review, by)
    review_refresh_status(review=review, by=by)
    return review


def _record_publication(review, *, by, today, outcome, fields: dict) -> None:
    """An LCSPR's publication outcome: checked by the outcome's own rule, then applied."""
    errors: dict = {}
    if outcome not in PublicationOutcome.values:
        _add(errors, "outcome", _("Choose the publication outcome."))
    if not review.ratified_on:
        _add(errors, "outcome", _("Record the date the partnership ratified the report (on "
                                  "the stages page) before its publication outcome."))
    if outcome in _OUTCOMES:
        _OUTCOMES[outcome][0](errors, review, today, fields)
    _raise_if(errors)
    review.outcome = outcome
    _OUTCOMES[outcome][1](review, by, fields)


def _check_published(errors, review, today, f) -> None:
    published_on = f["published_on"]
    if published_on is None:
        _add(errors, "published_on", _("Give the publication date."))
    else:
        _not_future(errors, "published_on", published_on, today, _("The publication date"))
        if review.ratified_on and published_on < review.ratified_on:
            _add(errors, "published_on",
                 _("It cannot be published before it was ratified (%(d)s).")
                 % {"d": _d(review.ratified_on)})
    if not _text(f["published_url"]):
        _add(errors, "published_url", _("Give the link to the published report."))
    elif not _text(f["published_url"]).lower().startswith(("https://", "http://")):
        _add(errors, "published_url", _("The link must start with https://."))


def _apply_published(review, by, f) -> None:
    review.published_url = _text(f["published_url"])
    _set_stage_date(review, StageKey.PUBLISHED, f["published_on"], by)


def _check_embargoed(errors, review, today, f) -> None:
    if not _text(f["embargo_reason"]):
        _add(errors, "embargo_reason", _("Give the reason for the embargo."))
    if not f["embargo_proceeding"]:
        _add(errors, "embargo_proceeding", _("Choose the parallel proceeding."))
    if f["embargo_expected_end"] is None:
        _add(errors, "embargo_expected_end",
             _("Give the expected end of the proceedings (an estimate is fine)."))
    if f["embargo_next_review"] is None:
        _add(errors, "embargo_next_review", _("Give the date the embargo will next be reviewed."))
    elif review.ratified_on and f["embargo_next_review"] < review.ratified_on:
        _add(errors, "embargo_next_review",
             _("The next review of the embargo cannot be before ratification."))


def _apply_embargoed(review, by, f) -> None:
    review.embargo_reason = _text(f["embargo_reason"])
    review.embargo_proceeding = f["embargo_proceeding"]
    review.embargo_proceeding_detail = _text(f["embargo_proceeding_detail"])
    review.embargo_expected_end = f["embargo_expected_end"]
    review.embargo_next_review = f["embargo_next_review"]


def _check_not_published(errors, review, today, f) -> None:
    if not _text(f["not_published_reason"]):
        _add(errors, "not_published_reason", _("Give the exceptional reason for not "
                                               "publishing."))
    if not _text(f["published_instead"]):
        _add(errors, "published_instead",
             _("Say what was published instead (for example the improvements made)."))


def _apply_not_published(review, by, f) -> None:
    review.not_published_reason = _text(f["not_published_reason"])
    review.published_instead = _text(f["published_instead"])


#: Publication outcome -> (check, apply).
_OUTCOMES = {
    PublicationOutcome.PUBLISHED: (_check_published, _apply_published),
    PublicationOutcome.EMBARGOED: (_check_embargoed, _apply_embargoed),
    PublicationOutcome.NOT_PUBLISHED: (_check_not_published, _apply_not_published),
}


def _record_completion(review, *, by, today, completed_on) -> None:
    """A Spotlight, Tabletop Review or learning briefing: the date it was completed."""
    errors: dict = {}
    if completed_on is None:
        _add(errors, "completed_on", _("Give the date it was completed."))
    else:
        _not_future(errors, "completed_on", completed_on, today, _("The completion date"))
        if completed_on < review.decision_date:
            _add(errors, "completed_on",
                 _("It cannot be completed before the decision (%(d)s).")
                 % {"d": _d(review.decision_date)})
        if review.held_on and completed_on < review.held_on:
            _add(errors, "completed_on",
                 _("It cannot be completed before it was held (%(d)s).")
                 % {"d": _d(review.held_on)})
    _raise_if(errors)
    stage = review.stage(StageKey.COMPLETED)
    rows = [{"name": s.name, "key": s.key, "not_needed": s.not_needed,
             "actual_date": completed_on if s is stage else s.actual_date}
            for s in review.stages.all()]
    _raise_if(validate_stages(review=review, rows=rows, today=today))
    _set_stage_date(review, StageKey.COMPLETED, completed_on, by)


@transaction.atomic
def review_upload_briefing(*, by, review, upload) -> BriefingFile:
    """Store a learning briefing file after the same content checks as evidence (allow-list
    by content, 10 MB, virus scan), under a random private name. A file the scanner could not
    check yet is stored "waiting for scan" and not offered for download until the rescan
    passes it. Returns the record; raises ``ValidationError`` keyed ``file``."""
    require(by, Ability.MANAGE_REVIEWS, _("Only the business unit uploads learning briefings."))
    try:
        checked = check_upload(upload)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    record = BriefingFile(review=review, original_name=checked.original_name,
                          content_type=checked.content_type, size=checked.size,
                          sha256=checked.sha256, uploaded_by=by,
                          scan_status=checked.scan_status,
                          scanned_at=timezone.now() if checked.scan_status == "clean" else None)
    checked.file.seek(0)
    record.file.save(checked.original_name, checked.file, save=False)
    try:
        _save(record, by)
    except Exception:
        BriefingFile.file.field.storage.delete(record.file.name)
        raise
    return record
