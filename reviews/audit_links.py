"""What the audit trail needs from reviews, registered with ``scsp.case_links`` at start-up
(``ReviewsConfig.ready``): which case(s) each record concerns, finding cases by reference or
child's pseudonym, and the cases on legal hold.

A case's records: the case and its children and harms; its Rapid Review (with attendees,
agency summaries, their chronology entries and proposed actions, and sign-offs) and
Spotlight referral decision; each practice review that names it (a thematic review concerns
every case it names), with its stages, progress checks and briefing files; and the action
plans of both, with their recommendations, actions, progress updates, evidence and date
changes (``actions`` does not know its case: this app owns the one-to-one from a review to
its plan). One query a record at most."""

from __future__ import annotations

from django.db.models import Q

from reviews.models import Case
from scsp import case_links


def _refs(cases) -> list[tuple[int, str]]:
    return list(cases.values_list("pk", "reference").distinct())


def _case(case) -> list[tuple[int, str]]:
    return [(case.pk, case.reference)]


def _by_case_id(obj) -> list[tuple[int, str]]:
    """A record with a ``case`` foreign key (no query when the case is loaded)."""
    cached = obj._state.fields_cache.get("case")
    return _case(cached) if cached is not None else _refs(Case.objects.filter(pk=obj.case_id))


def _of_rapid_review(obj) -> list[tuple[int, str]]:
    return _refs(Case.objects.filter(rapid_review__id=obj.rapid_review_id))


def _of_summary(obj) -> list[tuple[int, str]]:
    return _refs(Case.objects.filter(rapid_review__agency_summaries__id=obj.summary_id))


def _practice_review(review) -> list[tuple[int, str]]:
    return _refs(Case.objects.filter(practice_reviews__id=review.pk))


def _of_practice_review(obj) -> list[tuple[int, str]]:
    return _refs(Case.objects.filter(practice_reviews__id=obj.review_id))


def _plan(plan_id) -> list[tuple[int, str]]:
    return _refs(Case.objects.filter(Q(rapid_review__action_plan=plan_id)
                                     | Q(practice_reviews__action_plan=plan_id)))


def _of_action(obj) -> list[tuple[int, str]]:
    return _refs(Case.objects.filter(Q(rapid_review__action_plan__actions__id=obj.action_id)
                                     | Q(practice_reviews__action_plan__actions__id=obj.action_id)))


def search(text: str) -> list[tuple[int, str]]:
    return _refs(Case.objects.filter(Q(reference__iexact=text)
                                     | Q(children__pseudonym__iexact=text)))


def held() -> list[int]:
    return list(Case.objects.filter(legal_hold=True).values_list("pk", flat=True))


def register() -> None:
    case_links.register_cases("reviews.Case", _case)
    for label in ("reviews.Child", "reviews.CaseHarm", "reviews.SpotlightReferral"):
        case_links.register_cases(label, _by_case_id)
    case_links.register_cases("reviews.RapidReview", _by_case_id)
    for label in ("reviews.Attendee", "reviews.AgencySummary", "reviews.SignOff"):
        case_links.register_cases(label, _of_rapid_review)
    for label in ("reviews.ChronologyEntry", "reviews.ProposedAction"):
        case_links.register_cases(label, _of_summary)
    case_links.register_cases("reviews.PracticeReview", _practice_review)
    for label in ("reviews.ReviewStage", "reviews.ProgressCheck", "reviews.BriefingFile"):
        case_links.register_cases(label, _of_practice_review)
    case_links.register_cases("actions.ActionPlan", lambda plan: _plan(plan.pk))
    for label in ("actions.Recommendation", "actions.Action"):
        case_links.register_cases(label, lambda obj: _plan(obj.plan_id))
    for label in ("actions.ProgressUpdate", "actions.Evidence", "actions.TargetDateChange"):
        case_links.register_cases(label, _of_action)
    case_links.register_search(search)
    case_links.register_holds(held)
