"""Benchmark impact reviews and learning themes, in proportion to the benchmark's actions
(``demo.bench``): every case, audit and action tagged with one of the partnership's learning
themes; every signed-off action has its first impact review, due six months after sign-off;
of those already due, about half are rated (each with one piece of evidence; about a tenth of
the ratings "not yet evident" with the next review scheduled), a tenth marked not needed and
the rest overdue. So the quarterly report's Impact section, the theme pages and the
recurrence warning have work to do at 20,000 actions.

Built with ``bulk_create`` (no history rows, as the rest of the benchmark); its own
``random.Random`` so the other benchmark records stay as they were."""

from __future__ import annotations

import datetime as dt
import random

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from actions.models import (
    Action,
    ActionStatus,
    EvidenceKind,
    ImpactEvidence,
    ImpactRating,
    ImpactReview,
    ProgressUpdate,
    Rating,
)
from audits.models import Audit
from demo.core import THEMES
from reviews.models import Case
from scsp.models import Theme

BATCH = 2000
#: Rating weights among the rated reviews: evident, partly, not yet (not evident needs a
#: follow-up action; the demo shows it).
WEIGHTS = {Rating.EVIDENT: 4, Rating.PARTLY: 4, Rating.NOT_YET: 2}


def _bulk(model, objs):
    return model.objects.bulk_create(objs, batch_size=BATCH)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(11)))


def build(*, actions: list[Action], cases: list[Case], audits: list[Audit], chair, coordinator,
          today: dt.date) -> dict:
    # Seeded for reproducible benchmark data; nothing secret comes from it.
    rng = random.Random(2027)  # nosec B311
    themes = [Theme.objects.get_or_create(name=name, defaults={"description": text})[0]
              for name, text in THEMES]
    _bulk(Action.themes.through, [Action.themes.through(action_id=a.pk,
                                                        theme_id=rng.choice(themes).pk)
                                  for a in actions])
    _bulk(Case.themes.through, [Case.themes.through(case_id=c.pk, theme_id=rng.choice(themes).pk)
                                for c in cases])
    _bulk(Audit.themes.through, [Audit.themes.through(audit_id=a.pk,
                                                      theme_id=rng.choice(themes).pk)
                                 for a in audits])
    reviews = []
    for action in actions:
        if action.status != ActionStatus.SIGNED_OFF:
            continue
        signed = timezone.localtime(action.signed_off_at).date()
        due = signed + relativedelta(months=6)
        r = rng.random()
        status = ImpactReview.Status.SCHEDULED
        if due < today and r < 0.5:
            status = ImpactReview.Status.RATED
        elif due < today and r < 0.6:
            status = ImpactReview.Status.NOT_NEEDED
        reviews.append(ImpactReview(
            action=action, number=1, due_on=due, status=status, scheduled_at=action.signed_off_at,
            scheduled_by=coordinator,
            not_needed_reason="Administrative." if status == ImpactReview.Status.NOT_NEEDED
            else ""))
    reviews = _bulk(ImpactReview, reviews)
    rated = [r for r in reviews if r.status == ImpactReview.Status.RATED]
    entries = []
    for review in rated:
        day = min(review.due_on + dt.timedelta(days=rng.randrange(0, 60)), today)
        entries.append(ProgressUpdate(action_id=review.action_id,
                                      author=review.action.lead_officer,
                                      created_at=_at(day) - dt.timedelta(days=7),
                                      kind=ProgressUpdate.Kind.IMPACT, note="Impact evidence."))
        entries.append(ProgressUpdate(action_id=review.action_id, author=chair,
                                      created_at=_at(day), kind=ProgressUpdate.Kind.DECISION,
                                      note="SLPR group's rating."))
    entries = _bulk(ProgressUpdate, entries)
    evidence, ratings, following = [], [], []
    kinds = EvidenceKind.values
    for k, review in enumerate(rated):
        shown, decided = entries[2 * k], entries[2 * k + 1]
        kind = rng.choice(kinds)
        evidence.append(ImpactEvidence(
            review=review, update=shown, kind=kind, summary="Benchmark evidence of impact.",
            measure="Benchmark measure" if kind == EvidenceKind.DATA_TREND else "",
            before="40%" if kind == EvidenceKind.DATA_TREND else "",
            after="60%" if kind == EvidenceKind.DATA_TREND else "",
            added_by=shown.author, added_at=shown.created_at))
        rating = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
        record = ImpactRating(review=review, update=decided, rating=rating,
                              rationale="Benchmark rationale.",
                              meeting_date=timezone.localtime(decided.created_at).date(),
                              rated_by=chair, rated_at=decided.created_at)
        if rating == Rating.NOT_YET:
            following.append((record, ImpactReview(
                action_id=review.action_id, number=2,
                due_on=record.meeting_date + relativedelta(months=6),
                scheduled_at=decided.created_at, scheduled_by=chair)))
        ratings.append(record)
    _bulk(ImpactEvidence, evidence)
    nxt = _bulk(ImpactReview, [review for _record, review in following])
    for (record, _review), made in zip(following, nxt, strict=True):
        record.consequence = ImpactRating.Consequence.NEXT_REVIEW
        record.next_review = made
    _bulk(ImpactRating, ratings)
    return {"impact_reviews": len(reviews) + len(nxt), "impact_ratings": len(ratings),
            "impact_updates": len(entries)}
