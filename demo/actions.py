"""Demo action plans from Sandwell's 2022-23 annual report: the partnership's response to the
May 2022 Ofsted ILACS inspection, the Independent Scrutineer's challenges, and the pledges made
to young people at the SHAPE takeover (October 2022).

Everything is made through the services (so the demo obeys the same rules as people do), with
dates relative to today so the demo always looks live: actions in every status, overdue ones,
slipped ones, one waiting for a date decision, blocked and at-risk ones. Idempotent: plans,
recommendations and actions are looked up by reference first, and an action that exists is
left alone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.utils import timezone

from actions import services
from actions.models import Action, ActionPlan, ActionStatus, OriginKind, TargetDateChange
from demo.core import demo_email
from scsp.models import Agency, Theme, User

S = ActionStatus


@dataclass
class Step:
    """One thing that happened to an action, ``days_ago`` days before today."""

    kind: str  # progress, complete, sign_off, return, impact, ask_date, decide, close
    days_ago: int
    text: str = ""
    status: str = ""
    evidence: str = ""
    file: str = ""
    at_risk: bool | None = None
    blocked: bool | None = None
    new_date_in: int = 0  # ask_date: days from today
    agree: bool = True


@dataclass
class ActionSpec:
    rec: int | None
    agency: str
    who: str  # "officer", "lead" or "coordinator"
    description: str
    measure: str
    themes: list[str]
    created_days_ago: int
    target_in: int  # days from today (negative: in the past)
    steps: list[Step] = field(default_factory=list)


@dataclass
class PlanSpec:
    reference: str
    title: str
    origin: str
    origin_reference: str
    created_days_ago: int
    recommendations: list[tuple[str, list[str]]]
    actions: list[ActionSpec]


OFSTED = PlanSpec(
    reference="AP-OFSTED-22",
    title="Partnership response to the Ofsted ILACS inspection (May 2022)",
    origin=OriginKind.OFSTED,
    origin_reference="ILACS, May 2022",
    created_days_ago=200,
    recommendations=[
        ("Too many referrals to children's social care do not meet the threshold. Agencies must "
         "apply the Threshold Guidance and offer early help first.", ["Early help"]),
        ("Domestic abuse notifications reach the front door without being pre-screened.",
         ["Domestic abuse", "Information sharing"]),
        ("The quality of Multi-Agency Request Forms (MARFs) is too often poor.",
         ["Multi-agency co-ordination", "Information sharing"]),
    ],
    actions=[
        ActionSpec(1, "SMBC", "lead",
                   "Run threshold workshops for every partner agency on the June 2022 Threshold "
                   "Guidance.",
                   "80% of agency designated safeguarding leads attend; the share of MARFs "
                   "leading to an assessment rises from 38% to 55% over two quarters.",
                   ["Early help"], 190, -60, [
                       Step("progress", 150, "Six workshops booked; 41 leads registered.",
                            status=S.IN_PROGRESS),
                       Step("complete", 95, "All six workshops delivered.",
                            evidence="Attendance registers: 86% of designated leads attended. "
                                     "Slides and feedback summary attached.",
                            file="Threshold workshops - attendance.pdf"),
                       Step("sign_off", 90, "Attendance evidence is clear. Signed off."),
                       Step("impact", 20, "MARF conversion to assessment rose from 38% to 52% "
                                          "(QPPA dashboard, Q2 against Q4). Close to the target; "
                                          "QPPA keeps watching it."),
                   ]),
        ActionSpec(1, "EDU", "officer",
                   "Brief every school designated safeguarding lead network on the Threshold "
                   "Guidance and the early help offer.",
                   "All five DSL networks briefed; Section 175 returns show 90% of schools "
                   "know how to request early help.",
                   ["Early help", "School exclusions"], 180, 14, [
                       Step("progress", 120, "Three of five networks briefed.",
                            status=S.IN_PROGRESS),
                       Step("complete", 6, "Last two networks briefed this month.",
                            evidence="Briefing notes and sign-in sheets for all five networks.",
                            file="DSL network briefings.pdf"),
                   ]),
        ActionSpec(1, "SCT", "officer",
                   "Audit 40 MASH contacts each quarter for whether they met the threshold and "
                   "whether parents knew the referral was being made.",
                   "Quarterly audit reported to QPPA; parental consent recorded in 90% of "
                   "contacts by the end of the year.",
                   ["Early help", "Voice and lived experience of the child"], 170, 20, [
                       Step("progress", 40, "Q1 audit done: consent recorded in 71% of "
                                            "contacts.", status=S.IN_PROGRESS),
                   ]),
        ActionSpec(2, "WMP", "officer",
                   "Pre-screen domestic abuse notifications in the MASH police hub before they "
                   "are shared with the Children's Trust.",
                   "No unscreened domestic abuse notification reaches SCT; monthly dip sample "
                   "of 20 notifications shows screening recorded.",
                   ["Domestic abuse", "Information sharing"], 160, -12, [
                       Step("progress", 100, "Screening tool drafted with SCT.",
                            status=S.IN_PROGRESS),
                       Step("progress", 45, "Training for hub staff delayed by vacancies."),
                   ]),
        ActionSpec(2, "SWBNHS", "officer",
                   "Agree a health pathway for domestic abuse notifications involving pregnant "
                   "women.",
                   "Pathway signed off by the Trust's safeguarding committee; midwifery records "
                   "show notifications acted on within 2 working days.",
                   ["Domestic abuse", "Unborn and under-1s"], 160, -5, [
                       Step("progress", 90, "Draft pathway shared with midwifery leads.",
                            status=S.IN_PROGRESS),
                       Step("ask_date", 70, "The safeguarding committee meets after the "
                                            "original date.", new_date_in=25),
                       Step("decide", 66, "Agreed: the committee date is fixed.", agree=True),
                       Step("progress", 9, "Pathway on the committee's agenda."),
                   ]),
        ActionSpec(3, "ICB", "lead",
                   "Build MASH health KPIs into contracts with health providers.",
                   "KPIs in all three provider contracts; quarterly KPI report to the ICB "
                   "quality committee.",
                   ["Multi-agency co-ordination"], 200, -80, [
                       Step("progress", 150, "KPIs agreed with providers.",
                            status=S.IN_PROGRESS),
                       Step("complete", 100, "KPIs in all contracts from April.",
                            evidence="Contract schedules (extracts) for the three providers.",
                            file="MASH health KPIs - contract schedules.pdf"),
                       Step("sign_off", 97, "Contract extracts seen. Signed off."),
                   ]),
        ActionSpec(3, "WMP", "lead",
                   "Re-launch the MARF across all police teams with the reinforced practice "
                   "expectations.",
                   "Briefing to every response and neighbourhood team; MARF quality audit score "
                   "for police referrals rises from 'requires improvement' to 'good'.",
                   ["Multi-agency co-ordination"], 150, 30, [
                       Step("progress", 110, "Briefing pack written.", status=S.IN_PROGRESS),
                       Step("complete", 30, "Briefings delivered.",
                            evidence="Briefings delivered to all teams."),
                       Step("return", 25, "Please attach the briefing log and the MARF quality "
                                          "audit result: 'briefings delivered' alone does not "
                                          "show the measure was met."),
                   ]),
    ],
)

SCRUTINY = PlanSpec(
    reference="AP-SCRUTINY-23",
    title="Independent Scrutineer's challenges 2022-23",
    origin=OriginKind.SCRUTINY,
    origin_reference="Scrutineer's report 2022-23",
    created_days_ago=150,
    recommendations=[
        ("Rapid Reviews must set out clearly the single and multi-agency actions to be taken, "
         "and by whom (challenge after case GN).", ["Multi-agency co-ordination"]),
        ("Make early help a whole-system responsibility: every agency, every practitioner, a "
         "whole-family approach.", ["Early help"]),
        ("Address the additional vulnerabilities of children with disabilities in the local "
         "response to neglect.", ["Neglect", "Children with disabilities and complex needs"]),
        ("Involve housing providers in MASH decision making.", ["Information sharing"]),
    ],
    actions=[
        ActionSpec(1, "SCSP BU", "coordinator",
                   "Add a mandatory action plan section to the Rapid Review template and report "
                   "compliance to the SLPR subgroup each quarter.",
                   "Every Rapid Review from next quarter has an action plan with named leads and "
                   "dates; compliance reported quarterly.",
                   ["Multi-agency co-ordination"], 140, 45, [
                       Step("progress", 60, "Template revised; trial on the next two Rapid "
                                            "Reviews.", status=S.IN_PROGRESS),
                   ]),
        ActionSpec(2, "SCT", "lead",
                   "Publish an Early Help Strategy action plan naming a lead professional role "
                   "in each agency.",
                   "Strategy action plan published; each statutory partner names its lead "
                   "professionals.",
                   ["Early help"], 60, 70, []),
        ActionSpec(2, "SCVO", "officer",
                   "Train voluntary sector safeguarding leads to hold early help assessments "
                   "as lead professional.",
                   "30 voluntary sector leads trained; 10 early help assessments led by the "
                   "sector in the following six months.",
                   ["Early help"], 130, 50, [
                       Step("progress", 30, "Training can't be booked until the trainer post "
                                            "is funded.", status=S.IN_PROGRESS, blocked=True),
                   ]),
        ActionSpec(3, "SCT", "officer",
                   "Review how the GCP2 neglect tool is used for disabled children and report "
                   "the findings to QPPA.",
                   "Review of 20 cases reported to QPPA with recommendations for GCP2 use.",
                   ["Neglect", "Children with disabilities and complex needs"], 120, 10, [
                       Step("progress", 20, "Case sample chosen; two auditors off sick.",
                            status=S.IN_PROGRESS, at_risk=True),
                       Step("ask_date", 5, "Two of three auditors are off sick; the review "
                                           "needs six more weeks.", new_date_in=52),
                   ]),
        ActionSpec(3, "SWBNHS", "lead",
                   "Add disability-specific neglect indicators to health visitor and school "
                   "nurse supervision.",
                   "Supervision template updated; audit of 20 supervision records shows the "
                   "indicators used.",
                   ["Neglect", "Children with disabilities and complex needs"], 140, 30, [
                       Step("progress", 90, "Draft indicators shared.", status=S.IN_PROGRESS),
                       Step("close", 35, "Superseded by the Black Country neglect strategy, "
                                         "which sets one supervision template for all trusts."),
                   ]),
        ActionSpec(4, "SMBC", "officer",
                   "Second a housing officer to the MASH two days a week.",
                   "Housing officer in MASH strategy discussions from the start of next "
                   "quarter; 12-week review with MASH managers.",
                   ["Information sharing"], 100, 60, [
                       Step("progress", 12, "Secondment agreed by housing managers.",
                            status=S.IN_PROGRESS),
                   ]),
    ],
)

SHAPE = PlanSpec(
    reference="AP-SHAPE-22",
    title="Pledges to young people: SHAPE takeover (October 2022)",
    origin=OriginKind.YOUNG_PEOPLE,
    origin_reference="SHAPE takeover, Oct 2022",
    created_days_ago=240,
    recommendations=[
        ("Trusted adults: young people want consistency, and not to keep repeating their "
         "stories to new workers.", ["Voice and lived experience of the child"]),
        ("Bullying in schools: what support is out there, and what training do teachers get?",
         ["Bullying", "School exclusions"]),
        ("Care leavers: what support is there for university and further education?",
         ["Transitions to adult services"]),
    ],
    actions=[
        ActionSpec(1, "SCT", "lead",
                   "Report each quarter to the SHAPE board the share of children in care who had "
                   "three or more social workers in 12 months, with the plan to reduce it.",
                   "Quarterly report to SHAPE; the share falls from 18% to under 10% within a "
                   "year.",
                   ["Voice and lived experience of the child"], 230, -120, [
                       Step("progress", 200, "First report drafted.", status=S.IN_PROGRESS),
                       Step("ask_date", 170, "Workforce data not available until the new "
                                             "system goes live.", new_date_in=-60),
                       Step("decide", 168, "Agreed.", agree=True),
                       Step("ask_date", 70, "The SHAPE board asked for the report to include "
                                            "care leavers too.", new_date_in=40),
                       Step("decide", 66, "Agreed, once more: please hold to this date.",
                            agree=True),
                       Step("progress", 14, "Q2 figure: 14%."),
                   ]),
        ActionSpec(1, "ICB", "officer",
                   "Review CAMHS discharge so that young people are not discharged while still "
                   "struggling; agree a step-down check-in.",
                   "Step-down check-in at 4 weeks in the CAMHS service specification; SHAPE "
                   "young people review the change.",
                   ["Voice and lived experience of the child",
                    "Transitions to adult services"], 210, -20, []),
        ActionSpec(2, "EDU", "lead",
                   "Take the anti-bullying roadshow to every secondary school, not only the 13 "
                   "that took part.",
                   "All 24 secondary schools visited; pupil survey shows more pupils know where "
                   "to get help.",
                   ["Bullying"], 220, 18, [
                       Step("progress", 45, "17 of 24 schools visited.",
                            status=S.IN_PROGRESS),
                   ]),
        ActionSpec(2, "EDU", "officer",
                   "Check every school's anti-bullying policy against the SCSP standard through "
                   "the Section 175 audit.",
                   "Section 175 returns from all schools include the anti-bullying check; "
                   "schools below the standard have a plan.",
                   ["Bullying"], 220, 30, [
                       Step("progress", 90, "Question added to the Section 175 audit.",
                            status=S.IN_PROGRESS),
                       Step("complete", 3, "All returns in.",
                            evidence="Section 175 summary: 71 of 76 schools meet the standard; "
                                     "5 have plans.",
                            file="S175 anti-bullying summary.pdf"),
                   ]),
        ActionSpec(2, "WMP", "officer",
                   "Police schools officers to run an online bullying session with young people "
                   "in every secondary school.",
                   "Session delivered in all secondary schools; feedback from 500 pupils.",
                   ["Bullying"], 230, -90, [
                       Step("progress", 180, "Session designed with SHAPE members.",
                            status=S.IN_PROGRESS),
                       Step("complete", 100, "Delivered in all schools.",
                            evidence="Delivery log for 24 schools and 612 pupil feedback forms.",
                            file="Online bullying sessions - delivery log.pdf"),
                       Step("sign_off", 98, "Signed off on the delivery log."),
                       Step("impact", 30, "In the follow-up SHAPE survey 64% of pupils said "
                                          "they would report online bullying, up from 41%."),
                   ]),
        ActionSpec(3, "SMBC", "lead",
                   "Raise the care leavers' offer for further and higher education at the "
                   "Corporate Parenting Group and report back to SHAPE.",
                   "Offer revised with a bursary and accommodation in holidays; SHAPE told the "
                   "outcome in person.",
                   ["Transitions to adult services"], 200, -40, [
                       Step("complete", 50, "Corporate Parenting Group agreed the revised "
                                            "offer.",
                            status=S.AWAITING_SIGN_OFF,
                            evidence="Corporate Parenting Group minutes and the revised offer."),
                       Step("sign_off", 45, "Signed off."),
                   ]),
        ActionSpec(3, "SCVO", "lead",
                   "Offer volunteer mentors from the voluntary sector to care leavers starting "
                   "college.",
                   "15 care leavers matched with a mentor in the first term.",
                   ["Transitions to adult services"], 30, 90, []),
    ],
)

PLANS = [OFSTED, SCRUTINY, SHAPE]

#: Short titles: what reminders and calendar feeds show (never the description).
TITLES = {
    "AP-OFSTED-22-01": "Threshold workshops for partner agencies",
    "AP-OFSTED-22-02": "Threshold briefings for school DSL networks",
    "AP-OFSTED-22-03": "Quarterly audit of MASH contacts",
    "AP-OFSTED-22-04": "Pre-screen domestic abuse notifications",
    "AP-OFSTED-22-05": "Health pathway for domestic abuse in pregnancy",
    "AP-OFSTED-22-06": "MASH health KPIs in provider contracts",
    "AP-OFSTED-22-07": "Re-launch the MARF across police teams",
    "AP-SCRUTINY-23-01": "Action plan section in the Rapid Review template",
    "AP-SCRUTINY-23-02": "Early Help Strategy action plan with lead professionals",
    "AP-SCRUTINY-23-03": "Early help training for voluntary sector leads",
    "AP-SCRUTINY-23-04": "Review GCP2 use for disabled children",
    "AP-SCRUTINY-23-05": "Disability neglect indicators in health supervision",
    "AP-SCRUTINY-23-06": "Housing officer in the MASH",
    "AP-SHAPE-22-01": "Report social worker changes to the SHAPE board",
    "AP-SHAPE-22-02": "Review CAMHS discharge and step-down",
    "AP-SHAPE-22-03": "Anti-bullying roadshow in every secondary school",
    "AP-SHAPE-22-04": "Anti-bullying policies in the Section 175 audit",
    "AP-SHAPE-22-05": "Online bullying sessions by police schools officers",
    "AP-SHAPE-22-06": "Care leavers' offer for further and higher education",
    "AP-SHAPE-22-07": "Volunteer mentors for care leavers at college",
}


def _pdf(title: str) -> bytes:
    """A small, valid one-page PDF standing in for a real evidence document."""
    text = title.replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 14 Tf 72 760 Td (Demo evidence: {text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 30)))


def _person(agency: Agency, who: str, coordinator: User) -> User:
    if who == "coordinator":
        return coordinator
    return User.objects.get(email=demo_email(f"{who}.{agency.short_name.lower()}"))


def _play(step: Step, *, action: Action, owner: User, coordinator: User, today: dt.date):
    day = today - dt.timedelta(days=step.days_ago)
    now = _at(day)
    action.refresh_from_db()
    if step.kind in ("progress", "complete"):
        files = [ContentFile(_pdf(step.file), name=step.file)] if step.file else []
        status = step.status or ("" if step.kind == "progress" else S.AWAITING_SIGN_OFF)
        services.action_record_progress(
            by=owner, action=action, note=step.text, status=status, at_risk=step.at_risk,
            blocked=step.blocked, completion_evidence=step.evidence or None, files=files,
            today=day, now=now,
        )
    elif step.kind == "sign_off":
        services.action_sign_off(by=coordinator, action=action, note=step.text, now=now)
    elif step.kind == "return":
        services.action_return(by=coordinator, action=action, reason=step.text, now=now)
    elif step.kind == "impact":
        services.action_record_impact(by=owner, action=action, impact_evidence=step.text,
                                      now=now)
    elif step.kind == "close":
        services.action_close(by=coordinator, action=action, reason=step.text, now=now)
    elif step.kind == "ask_date":
        services.action_request_date_change(
            by=owner, action=action, new_date=today + dt.timedelta(days=step.new_date_in),
            reason=step.text, today=day, now=now,
        )
    elif step.kind == "decide":
        change = action.date_changes.get(decision=TargetDateChange.Decision.PENDING)
        services.action_decide_date_change(by=coordinator, change=change, agree=step.agree,
                                           note=step.text, today=day, now=now)
    else:  # pragma: no cover - a typo in the demo script
        raise ValueError(step.kind)


def seed(command) -> None:
    today = timezone.localdate()
    coordinator = User.objects.get(email=demo_email("coordinator"))
    agencies = {a.short_name: a for a in Agency.objects.all()}
    themes = {t.name: t for t in Theme.objects.all()}
    made = 0
    for spec in PLANS:
        plan = ActionPlan.objects.filter(reference=spec.reference).first()
        if plan is None:
            plan = services.plan_create(
                by=coordinator, title=spec.title, origin_kind=spec.origin,
                origin_reference=spec.origin_reference, reference=spec.reference,
                now=_at(today - dt.timedelta(days=spec.created_days_ago)),
            )
        recs = {r.number: r for r in plan.recommendations.all()}
        for number, (text, theme_names) in enumerate(spec.recommendations, start=1):
            if number not in recs:
                recs[number] = services.recommendation_add(
                    by=coordinator, plan=plan, text=text,
                    themes=[themes[n] for n in theme_names])
        for number, a in enumerate(spec.actions, start=1):
            if Action.objects.filter(reference=f"{plan.reference}-{number:02d}").exists():
                continue
            agency = agencies[a.agency]
            owner = _person(agency, a.who, coordinator)
            created = today - dt.timedelta(days=a.created_days_ago)
            action = services.action_create(
                by=coordinator, plan=plan, title=TITLES.get(f"{plan.reference}-{number:02d}", ""),
                description=a.description, success_measure=a.measure,
                lead_agency=agency, lead_officer=owner,
                target_date=today + dt.timedelta(days=a.target_in), today=created,
                recommendation=recs.get(a.rec), themes=[themes[n] for n in a.themes],
                now=_at(created),
            )
            for step in a.steps:
                _play(step, action=action, owner=owner, coordinator=coordinator, today=today)
            made += 1
    command.stdout.write(
        f"Action plans: {ActionPlan.objects.count()} plans, {Action.objects.count()} actions "
        f"({made} new)."
    )
