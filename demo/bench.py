"""Benchmark data: a partnership with years of records, built fast with ``bulk_create``.

``python manage.py seed_demo --scale large`` calls :func:`build`. At the default size
(``actions=20_000``) it makes 50 agencies, 500 people, 2,000 cases (one child each), 1,000 Rapid
Reviews, 300 practice reviews, 100 audits, 1,500 action plans, 20,000 actions and about
100,000 progress updates, with learning themes and impact reviews (``demo.bench_impact``).
``actions=N`` scales every record count except agencies and people
by ``N / 20,000`` (the harness also builds 1,000 actions).

It lives in the ``demo`` package, outside the product apps, because it builds records of every
app; ``seed_demo`` imports it only for ``--scale large``.

Deterministic: one ``random.Random(2026)``; dates are relative to ``today`` so that about 15% of
actions are overdue and 10% due within 14 days whenever it is run.

``bulk_create`` skips ``save()`` and signals, so **no django-simple-history rows** are written
for these records (acceptable for benchmark data). The invariants the services keep are kept
here by hand: every lead officer belongs to the action's lead agency, references are unique
and built as the services build them, ``original_target_date`` is the first agreed date (on or
before the current one), ``last_update_at`` is the newest progress update's time, and the
database constraints (closed needs a reason, signed off needs a signer, dates in order) hold.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from actions.models import Action, ActionPlan, ActionStatus, OriginKind, ProgressUpdate
from audits.models import REFERENCE_PREFIX, Audit, AuditKind, AuditStatus
from demo import bench_audit, bench_impact
from demo.core import demo_password_hash
from reviews.models import (
    AgencySummary,
    Case,
    Child,
    ChronologyEntry,
    PracticeReview,
    RapidReview,
    SummaryStatus,
)
from reviews.models.choices import (
    REVIEW_PREFIX,
    CaseStatus,
    IncidentType,
    RapidReviewDecision,
    ReviewKind,
    ReviewStatus,
    Route,
)
from scsp.models import Agency, AgencyKind, Role, User

BATCH = 2000
FULL_ACTIONS = 20_000
DOMAIN = "bench.example"
#: Sign-ins the harness uses (password: ``demo.core.DEMO_PASSWORD``).
COORDINATOR = f"coordinator@{DOMAIN}"
CHAIR = f"chair@{DOMAIN}"
SCRUTINEER = f"scrutineer@{DOMAIN}"
AGENCY_LEAD = f"lead-01@{DOMAIN}"
AGENCY_OFFICER = f"officer-01-01@{DOMAIN}"
#: The agency the harness lists overdue actions of gets this share of all actions, so it has
#: more than a page of overdue actions even at 1,000 actions.
MAIN_AGENCY_SHARE = 0.2

SIZES = {
    "agencies": 50, "users": 500, "cases": 2000, "rapid_reviews": 1000,
    "practice_reviews": 300, "audits": 100, "plans": 1500, "actions": FULL_ACTIONS,
}
#: Plans by origin at full size (sums to ``SIZES["plans"]``).
PLAN_ORIGINS = {"rapid_review": 800, "practice_review": 300, "audit": 100, "other": 300}
OTHER_ORIGINS = [OriginKind.OFSTED, OriginKind.SCRUTINY, OriginKind.YOUNG_PEOPLE, OriginKind.OTHER]
OPEN = [ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS, ActionStatus.RETURNED]


def _bulk(model, objs):
    return model.objects.bulk_create(objs, batch_size=BATCH)


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9)) + dt.timedelta(
        minutes=rng.randrange(0, 8 * 60)))


def _highest(model, *keys) -> defaultdict:
    """The highest ``reference_number`` already used, by ``keys`` (e.g. year)."""
    from django.db.models import Max

    found = defaultdict(int)
    for row in model.objects.values(*keys).annotate(top=Max("reference_number")).order_by():
        found[tuple(row[k] for k in keys) if len(keys) > 1 else row[keys[0]]] = row["top"] or 0
    return found


def _audit_numbers() -> defaultdict:
    """The highest number in the existing audit references, by (kind, year)."""
    found = defaultdict(int)
    prefixes = {prefix: kind for kind, prefix in REFERENCE_PREFIX.items()}
    for reference, kind in Audit.objects.values_list("reference", "kind"):
        prefix, _sep, rest = reference.partition("-")
        year, _sep, number = rest.partition("-")
        if prefixes.get(prefix) == kind and year.isdigit() and number.isdigit():
            found[kind, int(year)] = max(found[kind, int(year)], int(number))
    return found


def already_built() -> bool:
    return User.objects.filter(email=COORDINATOR).exists()


def _summaries(rrs, agencies, staff, rng) -> int:
    """Three agency summaries for each Rapid Review: two submitted with four chronology
    entries each, one received by e-mail; every 50th review has a late draft instead."""
    summaries, entries = [], []
    for i, rr in enumerate(rrs):
        asked = rr.case.referral_received_on
        due = asked + dt.timedelta(days=9)
        for k, agency in enumerate(rng.sample(agencies, 3)):
            late = k == 2 and i % 50 == 0
            submitted = k < 2
            lead = staff[agency.pk][0]
            summaries.append(AgencySummary(
                rapid_review=rr, agency=agency, requested_on=asked, due_on=due,
                status=(SummaryStatus.SUBMITTED if submitted else
                        SummaryStatus.DRAFT if late else SummaryStatus.RECEIVED),
                received_on=None if late else due,
                went_well="Benchmark analysis.", could_be_better="Benchmark analysis.",
                actions_taken="Benchmark actions.",
                submitted_at=_at(due, rng) if submitted else None,
                submitted_by=lead if submitted else None))
    summaries = _bulk(AgencySummary, summaries)
    for summary in summaries:
        if summary.status == SummaryStatus.SUBMITTED:
            entries += [ChronologyEntry(
                summary=summary, happened_on=summary.requested_on - dt.timedelta(days=10 * j),
                what=f"Benchmark event {j}.", who="Practitioner", source="Case record")
                for j in range(1, 5)]
    _bulk(ChronologyEntry, entries)
    return len(summaries)


@transaction.atomic
def build(*, actions: int = FULL_ACTIONS, today: dt.date | None = None, out=None,
          access_events: int | None = None) -> dict:
    """Build the benchmark partnership; returns the counts made. Does nothing (returns ``{}``)
    when it is already there. ``access_events`` defaults to
    ``demo.bench_audit.EVENTS_PER_ACTION`` per action (2,000,000 at 20,000 actions)."""
    if already_built():
        return {}
    today = today or timezone.localdate()
    # Seeded for reproducible benchmark data; nothing secret comes from it.
    rng = random.Random(2026)  # nosec B311
    f = actions / FULL_ACTIONS
    n = {k: (v if k in ("agencies", "users") else max(1, round(v * f))) for k, v in SIZES.items()}
    n["actions"] = actions
    say = (lambda msg: out.write(msg)) if out else (lambda msg: None)

    # --- agencies and people -------------------------------------------------------------
    bu = Agency.objects.filter(is_business_unit=True).first()
    made_bu = bu is None
    kinds = [k for k in AgencyKind.values if k != AgencyKind.OTHER]
    agencies = _bulk(Agency, [
        Agency(name=f"Bench agency {i:02d}", short_name=f"B{i:02d}", kind=kinds[i % len(kinds)])
        for i in range(1, n["agencies"] + (0 if made_bu else 1))
    ])
    if made_bu:  # the demo's own business unit, so `seed_demo` after this finds it
        bu = Agency.objects.create(name="SCSP Business Unit", short_name="SCSP BU",
                                   kind=AgencyKind.OTHER, is_business_unit=True)
    password = demo_password_hash()
    people = [
        User(email=COORDINATOR, full_name="Bench Co-ordinator", role=Role.COORDINATOR, agency=bu,
             password=password, is_staff=True),
        User(email=CHAIR, full_name="Bench Chair", role=Role.CHAIR, agency=bu, password=password),
        User(email=SCRUTINEER, full_name="Bench Scrutineer", role=Role.SCRUTINEER, agency=bu,
             password=password),
    ]
    per_agency = (n["users"] - len(people)) // len(agencies)
    extra = (n["users"] - len(people)) - per_agency * len(agencies)
    for i, agency in enumerate(agencies, start=1):
        people.append(User(email=f"lead-{i:02d}@{DOMAIN}", full_name=f"Lead {agency.short_name}",
                           role=Role.AGENCY_LEAD, agency=agency, password=password))
        for j in range(1, per_agency + (1 if i <= extra else 0)):
            people.append(User(email=f"officer-{i:02d}-{j:02d}@{DOMAIN}",
                               full_name=f"Officer {j:02d} {agency.short_name}",
                               role=Role.AGENCY_OFFICER, agency=agency, password=password))
    people = _bulk(User, people)
    coordinator = people[0]
    staff = defaultdict(list)
    for person in people[3:]:
        staff[person.agency_id].append(person)
    say(f"{len(agencies) + made_bu} agencies, {len(people)} people\n")

    # --- cases, children, Rapid Reviews ----------------------------------------------------
    # Numbers follow any records already there (the demo partnership, seeded before or after:
    # the services number theirs after the highest too), so the two seeds combine.
    cases, numbers = [], _highest(Case, "reference_year")
    for _ in range(n["cases"]):
        received = today - dt.timedelta(days=rng.randrange(20, 8 * 365))
        incident = received - dt.timedelta(days=rng.randrange(1, 20))
        numbers[received.year] += 1
        number = numbers[received.year]
        route = Route.NOTIFICATION if rng.random() < 0.7 else Route.REFERRAL
        aware = incident + dt.timedelta(days=rng.randrange(0, 3))
        cases.append(Case(
            reference=f"SLPR-{received.year}-{number:03d}", reference_year=received.year,
            reference_number=number, route=route, status=rng.choice(CaseStatus.values),
            referring_agency=rng.choice(agencies) if route == Route.REFERRAL else None,
            incident_date=incident,
            became_aware_on=aware if route == Route.NOTIFICATION else None,
            notification_submitted_on=(aware + dt.timedelta(days=rng.randrange(0, 6))
                                       if route == Route.NOTIFICATION else None),
            referral_received_on=received, incident_type=rng.choice(IncidentType.values),
            location="in_area", police_investigation="unknown",
            referral_reason="Benchmark referral.", case_outline="Benchmark case outline.",
            created_by=coordinator, created_at=_at(received, rng),
        ))
    cases = _bulk(Case, cases)
    _bulk(Child, [Child(case=c, position=1, pseudonym=f"Child {i}")
                  for i, c in enumerate(cases, start=1)])
    say(f"{len(cases)} cases\n")

    # --- plans (their references come from their origins) ---------------------------------
    scale = {k: max(1, round(v * f)) for k, v in PLAN_ORIGINS.items()}
    rr_cases = cases[: n["rapid_reviews"]]
    pr_refs, pr_rows, pr_numbers = [], [], _highest(PracticeReview, "kind", "reference_year")
    for _ in range(n["practice_reviews"]):
        kind = rng.choice(ReviewKind.values)
        decided = today - dt.timedelta(days=rng.randrange(30, 6 * 365))
        pr_numbers[kind, decided.year] += 1
        number = pr_numbers[kind, decided.year]
        ref = f"{REVIEW_PREFIX[kind]}-{decided.year}-{number:02d}"
        pr_refs.append(ref)
        pr_rows.append((kind, decided, number, ref))
    audit_rows, audit_numbers = [], _audit_numbers()
    for _ in range(n["audits"]):
        kind = rng.choice(AuditKind.values)
        start = today - dt.timedelta(days=rng.randrange(0, 5 * 365))
        audit_numbers[kind, start.year] += 1
        ref = f"{REFERENCE_PREFIX[kind]}-{start.year}-{audit_numbers[kind, start.year]:02d}"
        audit_rows.append((kind, start, ref))

    plans = []
    for case in rr_cases[: scale["rapid_review"]]:
        plans.append(ActionPlan(reference=f"AP-{case.reference}", origin_kind=OriginKind.RAPID_REVIEW,
                                origin_reference=case.reference,
                                title=f"Rapid Review {case.reference}"))
    for kind, _decided, _number, ref in pr_rows[: scale["practice_review"]]:
        plans.append(ActionPlan(reference=f"AP-{ref}", origin_kind=kind, origin_reference=ref,
                                title=f"Review {ref}"))
    for kind, _start, ref in audit_rows[: scale["audit"]]:
        plans.append(ActionPlan(reference=f"AP-{ref}", origin_kind=kind, origin_reference=ref,
                                title=f"Audit {ref}"))
    for i in range(1, max(1, n["plans"] - len(plans)) + 1):
        plans.append(ActionPlan(reference=f"AP-OTH-{i:05d}", origin_kind=rng.choice(OTHER_ORIGINS),
                                title=f"Improvement plan {i}"))
    for plan in plans:
        plan.owner = coordinator
        plan.created_at = _at(today - dt.timedelta(days=rng.randrange(30, 3 * 365)), rng)
        plan.status = ActionPlan.Status.ACTIVE
    plans = _bulk(ActionPlan, plans)
    plan_by_ref = {p.reference: p for p in plans}
    say(f"{len(plans)} plans\n")

    # --- Rapid Reviews, practice reviews, audits -------------------------------------------
    rrs = []
    for case in rr_cases:
        meeting = case.referral_received_on + dt.timedelta(days=15)
        decided = rng.random() < 0.6
        plan = plan_by_ref.get(f"AP-{case.reference}")
        rrs.append(RapidReview(
            case=case, meeting_date=meeting,
            facts_and_chronology="Benchmark chronology.", good_practice="Good practice noted.",
            key_practice_episodes="Benchmark episodes.",
            decision=(rng.choice([RapidReviewDecision.LCSPR, RapidReviewDecision.NO_FURTHER])
                      if decided else ""),
            decided_on=meeting if decided else None,
            decision_rationale="Benchmark rationale." if decided else "",
            action_plan=plan, created_at=_at(meeting, rng)))
    rrs = _bulk(RapidReview, rrs)
    say(f"{_summaries(rrs, agencies, staff, rng)} agency summaries\n")
    reviews = _bulk(PracticeReview, [
        PracticeReview(kind=kind, reference=ref, reference_year=decided.year,
                       reference_number=number, title=f"Practice review {ref}",
                       decision_date=decided,
                       status=rng.choice([ReviewStatus.IN_PROGRESS, ReviewStatus.COMPLETED]),
                       action_plan=plan_by_ref.get(f"AP-{ref}"), created_by=coordinator,
                       created_at=_at(decided, rng))
        for kind, decided, number, ref in pr_rows
    ])
    through = PracticeReview.cases.through
    _bulk(through, [through(practicereview_id=r.pk, case_id=rng.choice(cases).pk)
                    for r in reviews])
    audits = _bulk(Audit, [
        Audit(reference=ref, kind=kind, title=f"Audit {ref}", lead=coordinator,
              status=rng.choice(AuditStatus.values), planned_start=start,
              planned_end=start + dt.timedelta(days=60),
              agency=rng.choice(agencies) if kind == AuditKind.SINGLE_AGENCY else None,
              month_due=start.replace(day=1) if kind == AuditKind.SINGLE_AGENCY else None,
              action_plan=plan_by_ref.get(f"AP-{ref}"), created_by=coordinator,
              created_at=_at(start, rng))
        for kind, start, ref in audit_rows
    ])
    say(f"{len(rrs)} Rapid Reviews, {len(reviews)} practice reviews, {len(audit_rows)} audits\n")

    # --- actions and their progress updates ------------------------------------------------
    main_agency = agencies[0]
    plan_numbers = defaultdict(int)
    action_rows, update_counts = [], []
    for i in range(actions):
        plan = plans[rng.randrange(len(plans))]
        agency = main_agency if rng.random() < MAIN_AGENCY_SHARE else rng.choice(agencies)
        officer = rng.choice(staff[agency.pk])
        created_day = today - dt.timedelta(days=rng.randrange(30, 2 * 365))
        r = rng.random()
        if r < 0.15:  # overdue
            target, status = today - dt.timedelta(days=rng.randrange(1, 365)), rng.choice(OPEN)
        elif r < 0.25:  # due within 14 days
            target, status = today + dt.timedelta(days=rng.randrange(0, 15)), rng.choice(OPEN)
        elif r < 0.60:  # later
            target, status = today + dt.timedelta(days=rng.randrange(15, 400)), rng.choice(OPEN)
        else:  # finished or awaiting sign-off
            target = created_day + dt.timedelta(days=rng.randrange(30, 400))
            status = rng.choices([ActionStatus.SIGNED_OFF, ActionStatus.AWAITING_SIGN_OFF,
                                  ActionStatus.CLOSED_NOT_COMPLETED], weights=[6, 2, 2])[0]
        moved = rng.random() < 0.1
        plan_numbers[plan.pk] += 1
        number = plan_numbers[plan.pk]
        action = Action(
            plan=plan, number=number, reference=f"{plan.reference}-{number:02d}",
            title=f"Bench action {i + 1}", description=f"Benchmark action {i + 1}: do the thing.",
            success_measure="Audit shows the change in practice.", lead_agency=agency,
            lead_officer=officer, target_date=target,
            original_target_date=target - dt.timedelta(days=rng.randrange(14, 90)) if moved
            else target,
            status=status, at_risk=status in OPEN and rng.random() < 0.05,
            blocked=status in OPEN and rng.random() < 0.02,
            created_at=_at(created_day, rng), created_by=coordinator,
        )
        if status in (ActionStatus.AWAITING_SIGN_OFF, ActionStatus.SIGNED_OFF):
            action.completed_on = min(target, today)
            action.completion_evidence = "Evidence of completion."
        if status == ActionStatus.SIGNED_OFF:
            action.signed_off_by = coordinator
            action.signed_off_at = _at(min(target + dt.timedelta(days=7), today), rng)
        if status == ActionStatus.CLOSED_NOT_COMPLETED:
            action.closed_reason = "Superseded by a later plan."
        action_rows.append(action)
        update_counts.append(10 if i == 0 else rng.randint(0, 10))
    # The updates: spread between the action's creation and now; newest sets last_update_at.
    now = timezone.now()
    updates = []
    for action, count in zip(action_rows, update_counts, strict=True):
        span = max(1, int((now - action.created_at).total_seconds()))
        times = sorted(action.created_at + dt.timedelta(seconds=rng.randrange(span))
                       for _ in range(count))
        action.last_update_at = times[-1] if times else None
        updates.append(times)
    action_rows = _bulk(Action, action_rows)
    say(f"{len(action_rows)} actions\n")
    batch, total = [], 0
    for action, times in zip(action_rows, updates, strict=True):
        for k, at in enumerate(times, start=1):
            batch.append(ProgressUpdate(action=action, author=action.lead_officer, created_at=at,
                                        note=f"Progress note {k} on {action.reference}."))
        if len(batch) >= 10 * BATCH:
            total += len(_bulk(ProgressUpdate, batch))
            batch = []
    total += len(_bulk(ProgressUpdate, batch))
    say(f"{total} progress updates\n")
    impact = bench_impact.build(actions=action_rows, cases=cases, audits=audits,
                                chair=people[1], coordinator=coordinator, today=today)
    total += impact.pop("impact_updates")
    say(f"{impact['impact_reviews']} impact reviews, {impact['impact_ratings']} rated\n")

    # --- the access log ----------------------------------------------------------------------
    plan_case = {rr.action_plan.pk: (rr.case.pk, rr.case.reference) for rr in rrs
                 if rr.action_plan is not None}
    events = bench_audit.build(
        count=(bench_audit.EVENTS_PER_ACTION * actions if access_events is None
               else access_events),
        people=[(p.pk, p.agency_id) for p in people],
        rapid_reviews=[(rr.pk, rr.case.pk, rr.case.reference) for rr in rrs],
        actions=[(a.pk, *plan_case[a.plan_id]) for a in action_rows if a.plan_id in plan_case],
        say=say)
    say(f"{events} access events\n")
    return {"agencies": len(agencies) + made_bu, "users": len(people), "cases": len(cases),
            "rapid_reviews": len(rrs), "practice_reviews": len(reviews),
            "audits": len(audit_rows), "plans": len(plans), "actions": len(action_rows),
            "updates": total, **impact, "access_events": events, "ten_update_action": action_rows[0].pk,
            "main_agency": main_agency.pk}
