"""Demo impact reviews: a plan of actions signed off some months ago on the annual report's
themes (neglect, exploitation, early help), each at another point of its impact review:
rated evident, partly evident (a data trend with figures and a file), not yet evident (the
next review scheduled), not evident (a linked follow-up action), overdue, due soon with
evidence waiting for the SLPR group, and one marked "no impact review needed".

Early help recurs: the live Rapid Review tagged "Neglect" and "Early help" (``demo.reviews``)
met after these actions were signed off, so the theme's page and the quarterly report show
the warning. Actions signed off in ``demo.actions`` have their first review scheduled too.

Everything goes through the services, dated relative to today. Idempotent: an action that
exists is left alone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.utils import timezone

from actions import services
from actions.models import Action, ActionPlan, OriginKind, Rating
from demo.actions import _at, _pdf, _person
from demo.core import demo_email
from scsp.models import Agency, Theme, User

PLAN = "AP-2023-041"


@dataclass
class Evidence:
    days_ago: int
    kind: str
    summary: str
    measure: str = ""
    before: str = ""
    after: str = ""
    period: str = ""
    file: str = ""


@dataclass
class Spec:
    agency: str
    who: str
    title: str
    description: str
    measure: str
    theme: str
    signed_days_ago: int
    evidence: list[Evidence] = field(default_factory=list)
    rating: str = ""
    rated_days_ago: int = 0
    rationale: str = ""
    extra: dict = field(default_factory=dict)
    not_needed: str = ""


SPECS = [
    Spec("SCT", "officer", "Graded Care Profile 2 in neglect assessments",
         "Use the Graded Care Profile 2 in every assessment where neglect is a concern.",
         "GCP2 completed in 90% of neglect assessments; re-audit shows it shaped the plan.",
         "Neglect", 300,
         [Evidence(110, "reaudit", "Re-audit of 20 neglect assessments: GCP2 used in 19, and "
                                   "in 16 it changed the plan.", "GCP2 used in neglect "
                                   "assessments", "35%", "95%", "Q1 to Q3 2024-25")],
         Rating.EVIDENT, 95, "The re-audit shows the tool in use and shaping plans."),
    Spec("SMBC", "lead", "Early help assessments reviewed at 12 weeks",
         "Review every early help assessment at 12 weeks, with the family, before closing it.",
         "Share of early help plans reviewed at 12 weeks rises from 45% to 75%.",
         "Early help", 260,
         [Evidence(70, "data_trend", "Reviews at 12 weeks rose, but families re-referred "
                                     "within a year did not fall.", "Early help plans "
                                     "reviewed at 12 weeks", "45%", "63%",
                   "April to September 2024", file="Early help reviews - QPPA dashboard.pdf")],
         Rating.PARTLY, 60, "Practice moved but is short of the target; re-referrals unchanged."),
    Spec("WMP", "officer", "Return home interviews within 72 hours",
         "Offer every child missing from home a return home interview within 72 hours.",
         "90% offered within 72 hours; exploitation screening recorded in each.",
         "Exploitation", 240,
         [Evidence(55, "survey", "Practitioner survey: 30 of 41 say interviews now reach "
                                 "them in time; too early to see a change in repeat missing "
                                 "episodes.")],
         Rating.NOT_YET, 50, "Promising survey, but no data yet on repeat missing episodes.",
         extra={"next_due_in": 40}),
    Spec("SWBNHS", "officer", "Was-not-brought policy in paediatric clinics",
         "Follow up every child not brought to a paediatric appointment under the "
         "was-not-brought policy.",
         "Every child not brought is followed up within 5 working days.",
         "Neglect", 230,
         [Evidence(35, "case_sample", "Sample of 15 case files: 6 children not brought were "
                                      "followed up within 5 working days.")],
         Rating.NOT_EVIDENT, 30, "Fewer than half followed up; the policy is not embedded.",
         extra={"follow_up": ("Audit was-not-brought follow-ups monthly and report to the "
                              "safeguarding committee until 90% is reached.",
                              "Monthly audit shows 90% followed up within 5 working days for "
                              "three months running.", 120),
                "reason": "The sample shows the policy is not yet followed."}),
    Spec("EDU", "officer", "Early help offer in school transition plans",
         "Include the early help offer in every year 6 to 7 transition plan for children "
         "known to early help.", "Every such plan names the early help offer.",
         "Early help", 200),
    Spec("SCVO", "lead", "Exploitation awareness in faith and community groups",
         "Deliver exploitation awareness sessions to faith and community groups.",
         "30 groups reached; groups know how to refer.",
         "Exploitation", 170,
         [Evidence(5, "voice", "Young people at two youth groups say leaders now talk about "
                               "county lines and who to tell.")]),
    Spec("SMBC", "officer", "Update the partnership's web links",
         "Update the partnership website's links to the new threshold guidance.",
         "Every link on the website goes to the June 2022 guidance.",
         "Early help", 150,
         not_needed="A purely administrative action: nothing for children to measure."),
]


def _make(spec: Spec, *, plan, coordinator, chair, agencies, themes, today):
    agency = agencies[spec.agency]
    owner = _person(agency, spec.who, coordinator)
    signed = today - dt.timedelta(days=spec.signed_days_ago)
    created = signed - dt.timedelta(days=120)
    action = services.action_create(
        by=coordinator, plan=plan, title=spec.title, description=spec.description,
        success_measure=spec.measure, lead_agency=agency, lead_officer=owner,
        target_date=signed - dt.timedelta(days=10), today=created, themes=[themes[spec.theme]],
        now=_at(created))
    done = signed - dt.timedelta(days=14)
    services.action_record_progress(
        by=owner, action=action, note="Delivered.", status="awaiting_sign_off",
        completion_evidence="Delivery log attached.", today=done, now=_at(done))
    action.refresh_from_db()
    services.action_sign_off(by=coordinator, action=action, now=_at(signed))
    review = action.impact_reviews.get()
    if spec.not_needed:
        services.impact_review_set(by=coordinator, review=review, today=signed,
                                   not_needed=True, reason=spec.not_needed, now=_at(signed))
        return action
    for ev in spec.evidence:
        day = today - dt.timedelta(days=ev.days_ago)
        files = [ContentFile(_pdf(ev.file), name=ev.file)] if ev.file else []
        services.impact_evidence_add(
            by=owner, review=review, kind=ev.kind, summary=ev.summary, measure=ev.measure,
            before=ev.before, after=ev.after, period=ev.period, files=files, now=_at(day))
    if spec.rating:
        day = today - dt.timedelta(days=spec.rated_days_ago)
        kwargs = {}
        if spec.rating == Rating.NOT_YET:
            kwargs["next_due_on"] = today + dt.timedelta(days=spec.extra["next_due_in"])
        if spec.rating == Rating.NOT_EVIDENT:
            text, measure, days = spec.extra["follow_up"]
            kwargs.update(consequence="follow_up", reason=spec.extra["reason"],
                          follow_up_description=text, follow_up_success_measure=measure,
                          follow_up_target_date=today + dt.timedelta(days=days))
        services.impact_rate(by=chair, review=review, rating=spec.rating,
                             rationale=spec.rationale, meeting_date=day, today=day,
                             now=_at(day), **kwargs)
    return action


def seed(command) -> None:
    today = timezone.localdate()
    coordinator = User.objects.get(email=demo_email("coordinator"))
    chair = User.objects.get(email=demo_email("chair"))
    agencies = {a.short_name: a for a in Agency.objects.all()}
    themes = {t.name: t for t in Theme.objects.all()}
    plan = ActionPlan.objects.filter(reference=PLAN).first()
    if plan is None:
        plan = services.plan_create(
            by=coordinator, reference=PLAN, origin_kind=OriginKind.SCRUTINY,
            title="Embedding learning: neglect, exploitation and early help",
            origin_reference="Independent Scrutineer, 2023-24",
            now=_at(today - dt.timedelta(days=450)))
    made = 0
    for spec in SPECS:
        if Action.objects.filter(plan=plan, title=spec.title).exists():
            continue
        _make(spec, plan=plan, coordinator=coordinator, chair=chair,
              agencies=agencies, themes=themes, today=today)
        made += 1
    command.stdout.write(f"Impact reviews: {made} actions with impact reviews in each state.")
