"""Individual agency summaries written in the browser, and partners signing a Rapid Review
off in person.

The business unit asks agencies (:func:`summaries_ask`), returns a summary with a comment
(:func:`summary_return`) and accepts its proposed single-agency actions into the Rapid
Review's plan (:func:`summary_accept_actions`). The agency's lead, or the officer they
delegated it to (:func:`summary_delegate`), writes it (:func:`summary_save`,
:func:`summary_set_chronology`, :func:`summary_set_actions`) and submits it, which locks it
(:func:`summary_submit`). Who may change which summary is ``AgencySummary.objects.editable_by``.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reviews.models import (
    AgencySummary,
    ChronologyEntry,
    ProposedAction,
    RapidReview,
    SignOff,
    SummaryStatus,
)
from reviews.services._common import _add, _d, _not_future, _raise_if, _save, _text
from reviews.services.rapid_reviews import rr_add_action
from scsp.models import Agency
from scsp.permissions import Ability, NotForYourRole, require, scoped

MAX_ROWS = 60


def _editable(by, summary) -> AgencySummary:
    """The summary, locked for the write, if ``by`` may change it now; refuses otherwise."""
    require(by, Ability.WRITE_AGENCY_SUMMARIES,
            _("Only the agency's safeguarding lead or the officer they asked writes it."))
    locked = scoped(AgencySummary.objects.select_for_update(), by, edit=True).filter(
        pk=summary.pk).first()
    if locked is None:
        raise PermissionDenied(_("This summary has been submitted, or is not yours to "
                                 "write."))
    return locked


def _touch(summary, by, now=None) -> None:
    if summary.status in (SummaryStatus.ASKED, SummaryStatus.RETURNED):
        summary.status = SummaryStatus.DRAFT
    summary.updated_at = now or timezone.now()
    _save(summary, by)


@transaction.atomic
def summaries_ask(*, by, rr, today, agencies, due_on) -> list[AgencySummary]:
    """Ask ``agencies`` for their summaries, due on ``due_on``. Agencies already asked keep
    their summary (an open one takes the new due date); an agency no longer chosen is taken
    off only while it has written nothing. Returns the summaries asked."""
    require(by, Ability.MANAGE_REVIEWS, _("Only the business unit asks for agency summaries."))
    errors: dict = {}
    agencies = list(agencies)
    if not agencies:
        _add(errors, "agencies", _("Choose at least one agency."))
    if any(a.is_business_unit or not a.active for a in agencies):
        _add(errors, "agencies", _("Ask only active partner agencies."))
    if due_on is None:
        _add(errors, "due_on", _("Give the date the summaries are due."))
    elif due_on < today:
        _add(errors, "due_on", _("The due date cannot be in the past (%(d)s).") % {
            "d": _d(due_on)})
    existing = {s.agency_id: s for s in rr.agency_summaries.select_related("agency")}
    wanted = {a.pk for a in agencies}
    for summary in existing.values():
        if summary.agency_id not in wanted and summary.status != SummaryStatus.ASKED:
            _add(errors, "agencies", _("%(agency)s has started its summary; it stays asked.")
                 % {"agency": summary.agency.name})
    _raise_if(errors)
    for summary in existing.values():
        if summary.agency_id not in wanted:
            summary._history_user = by
            summary.delete()
    asked = []
    for agency in agencies:
        summary = existing.get(agency.pk)
        if summary is None:
            summary = AgencySummary(rapid_review=rr, agency=agency, requested_on=today,
                                    status=SummaryStatus.ASKED)
        if summary.is_open:
            summary.due_on = due_on
            _save(summary, by)
        asked.append(summary)
    return asked


@transaction.atomic
def summary_delegate(*, by, summary, writer) -> AgencySummary:
    """The agency's lead asks an officer of their agency to write the summary (``None``
    takes it back). Returns the summary."""
    require(by, Ability.DELEGATE_AGENCY_SUMMARIES,
            _("Only the agency's safeguarding lead chooses who writes its summary."))
    summary = _editable(by, summary)
    if writer is not None and (writer.agency_id != summary.agency_id or not writer.is_active):
        raise ValidationError({"writer": _("Choose an active officer of %(agency)s.") % {
            "agency": summary.agency.name}})
    summary.writer = writer
    _save(summary, by)
    return summary


@transaction.atomic
def summary_save(*, by, summary, went_well="", could_be_better="", actions_taken="",
                 learning_agency="", learning_partnership="", now=None) -> AgencySummary:
    """Save the summary's analysis, actions already taken and learning as a draft."""
    summary = _editable(by, summary)
    summary.went_well, summary.could_be_better = _text(went_well), _text(could_be_better)
    summary.actions_taken = _text(actions_taken)
    summary.learning_agency = _text(learning_agency)
    summary.learning_partnership = _text(learning_partnership)
    _touch(summary, by, now)
    return summary


@transaction.atomic
def summary_set_chronology(*, by, summary, today, entries: list[dict]) -> list[ChronologyEntry]:
    """Replace the summary's chronology (each entry: happened_on, what, who, source; ``id``
    keeps an existing one). Returns the entries in date order."""
    summary = _editable(by, summary)
    errors: dict = {}
    rows = [e for e in entries if e.get("happened_on") or _text(e.get("what")) or e.get("id")]
    if len(rows) > MAX_ROWS:
        _add(errors, "__all__", _("At most %(n)s entries.") % {"n": MAX_ROWS})
    for row in rows:
        if row.get("happened_on") is None or not _text(row.get("what")):
            _add(errors, "__all__", _("Give each entry its date and what happened."))
            break
        _not_future(errors, "__all__", row["happened_on"], today, _("An entry's date"))
    _raise_if(errors)
    existing = {e.pk: e for e in summary.chronology.all()}
    kept = []
    for row in rows:
        entry = existing.pop(row.get("id"), None) or ChronologyEntry(summary=summary)
        entry.happened_on, entry.what = row["happened_on"], _text(row["what"])
        entry.who, entry.source = _text(row.get("who"))[:200], _text(row.get("source"))[:200]
        _save(entry, by)
        kept.append(entry)
    for entry in existing.values():
        entry._history_user = by
        entry.delete()
    _touch(summary, by)
    return sorted(kept, key=lambda e: (e.happened_on, e.pk))


@transaction.atomic
def summary_set_actions(*, by, summary, today, actions: list[dict]) -> list[ProposedAction]:
    """Replace the single-agency actions the agency proposes (each: description,
    success_measure, target_date; ``id`` keeps one). Returns them."""
    summary = _editable(by, summary)
    errors: dict = {}
    rows = [a for a in actions if _text(a.get("description")) or a.get("id")]
    if len(rows) > MAX_ROWS:
        _add(errors, "__all__", _("At most %(n)s actions.") % {"n": MAX_ROWS})
    for row in rows:
        if not _text(row.get("description")) or not _text(row.get("success_measure")) \
                or row.get("target_date") is None:
            _add(errors, "__all__", _("Give each action, how you will know it worked and its "
                                      "target date."))
            break
        if row["target_date"] < today:
            _add(errors, "__all__", _("A target date cannot be in the past (%(d)s).") % {
                "d": _d(row["target_date"])})
    _raise_if(errors)
    existing = {a.pk: a for a in summary.proposed_actions.all()}
    kept = []
    for row in rows:
        proposed = existing.pop(row.get("id"), None) or ProposedAction(summary=summary)
        proposed.description = _text(row["description"])
        proposed.success_measure = _text(row["success_measure"])
        proposed.target_date = row["target_date"]
        _save(proposed, by)
        kept.append(proposed)
    for proposed in existing.values():
        proposed._history_user = by
        proposed.delete()
    _touch(summary, by)
    return kept


def submit_problems(summary) -> list[str]:
    """What the summary still needs before it can be submitted (nothing: ready)."""
    problems = []
    if not summary.chronology.exists():
        problems.append(_("Add at least one entry to the chronology."))
    if not summary.went_well or not summary.could_be_better:
        problems.append(_("Say what went well and what could have been better."))
    if not summary.actions_taken:
        problems.append(_("Say what immediate safeguarding actions have been taken (or "
                          "that none were needed)."))
    return problems


@transaction.atomic
def summary_submit(*, by, summary, today, now=None) -> AgencySummary:
    """Submit the summary: it is locked, and received today."""
    summary = _editable(by, summary)
    problems = submit_problems(summary)
    if problems:
        raise ValidationError(problems)
    summary.status = SummaryStatus.SUBMITTED
    summary.submitted_at = now or timezone.now()
    summary.submitted_by = by
    summary.received_on = max(today, summary.requested_on)
    summary.updated_at = summary.submitted_at
    _save(summary, by)
    return summary


def _submitted(by, summary) -> AgencySummary:
    require(by, Ability.MANAGE_REVIEWS, _("Only the business unit returns or accepts agency "
                                          "summaries."))
    summary = AgencySummary.objects.select_for_update().get(pk=summary.pk)
    if summary.status != SummaryStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted summary can be returned or accepted."))
    return summary


@transaction.atomic
def summary_return(*, by, summary, comment) -> AgencySummary:
    """Return a submitted summary to the agency with a comment; it can be changed again."""
    summary = _submitted(by, summary)
    if summary.actions_accepted_at is not None:
        raise ValidationError(_("Its actions are already in the plan; it cannot be returned."))
    if not _text(comment):
        raise ValidationError({"comment": _("Say what the agency should change.")})
    summary.status, summary.return_comment = SummaryStatus.RETURNED, _text(comment)
    summary.submitted_at = summary.received_on = None
    _save(summary, by)
    return summary


@transaction.atomic
def summary_accept_actions(*, by, summary, today) -> list:
    """Accept the summary's proposed single-agency actions: each becomes an action in the
    Rapid Review's plan, led by the agency, with the person who submitted it as lead officer.
    Returns the actions."""
    summary = _submitted(by, summary)
    if summary.actions_accepted_at is not None:
        raise ValidationError(_("These actions are already in the plan."))
    rr = RapidReview.objects.get(pk=summary.rapid_review_id)
    made = []
    for proposed in summary.proposed_actions.filter(action__isnull=True):
        action = rr_add_action(
            by=by, rr=rr, today=today, description=proposed.description,
            success_measure=proposed.success_measure, lead_agency=summary.agency,
            lead_officer=summary.submitted_by, target_date=proposed.target_date,
        )
        proposed.action = action
        _save(proposed, by)
        made.append(action)
    summary.actions_accepted_at = timezone.now()
    _save(summary, by)
    return made


# --- partners sign off in person ---------------------------------------------------------------

@transaction.atomic
def rr_partner_sign_off(*, by, rr, today, seen_version: str | None = None) -> SignOff:
    """A statutory partner's safeguarding lead signs the Rapid Review off in the browser: for
    its current version (``version_at``). ``seen_version`` (its ISO timestamp as the page
    showed it) must still be the current one: a change while they read is not signed unseen.
    A sign-off for an earlier version is replaced. Returns the sign-off."""
    require(by, Ability.SIGN_OFF_FOR_AGENCY,
            _("Only a statutory partner's safeguarding lead signs off for their agency."))
    agency = Agency.objects.get(pk=by.agency_id) if by.agency_id else None
    if agency is None or agency.kind != Agency.Kind.STATUTORY or not agency.active:
        raise NotForYourRole(_("Only the statutory safeguarding partners sign a Rapid Review "
                               "off."))
    if not RapidReview.objects.full_record_for(by).filter(pk=rr.pk).exists():
        raise PermissionDenied(_("You cannot read this Rapid Review."))
    rr = RapidReview.objects.select_for_update().get(pk=rr.pk)
    if not rr.decision:
        raise ValidationError(_("The decision has not been recorded yet: sign off once the "
                                "Rapid Review is final."))
    if seen_version is not None and seen_version != rr.version_at.isoformat():
        raise ValidationError(_("The Rapid Review changed while you were reading it. Read this "
                                "version (the page now shows it) and sign again."))
    sign_off = rr.sign_offs.filter(agency=agency).first()
    if sign_off is not None and sign_off.is_current(rr):
        raise ValidationError(_("%(agency)s has already signed off this version.") % {
            "agency": agency.name})
    sign_off = sign_off or SignOff(rapid_review=rr, agency=agency)
    sign_off.signed_by_name = by.full_name
    sign_off.signed_by_role = by.job_title or _("Safeguarding lead")
    sign_off.signed_on, sign_off.signed_by, sign_off.recorded_by = today, by, by
    sign_off.version_at, sign_off.how = rr.version_at, ""
    sign_off.recorded_at = timezone.now()
    _save(sign_off, by)
    return sign_off


def missing_sign_offs(rr, partners) -> list[tuple]:
    """The statutory partners without a sign-off for the current version: (agency, the
    sign-off for an earlier version or None)."""
    signed = {s.agency_id: s for s in rr.sign_offs.all()}
    return [(p, signed.get(p.pk)) for p in partners
            if p.pk not in signed or not signed[p.pk].is_current(rr)]


def late_summaries(summaries, today: dt.date) -> list[AgencySummary]:
    return [s for s in summaries if s.is_late(today)]
