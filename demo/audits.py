"""Demo audits from Sandwell's 2022-23 annual report (QPPA subgroup), dated relative to today.

* The MACFA on responses to referrals from non-professionals, after the national review into the
  murders of Arthur Labinjo-Hughes and Star Hobson, with four agencies' returns, moderation,
  findings and actions; and a second MACFA (neglect beyond home conditions) still in progress,
  so an agency officer can complete a return.
* The single-agency audit rota, with the late slots the report complains about.
* The biennial Section 11 round: 19 agencies, assurance of "Good" practice, and the practitioner
  survey's call for supervision training for managers.
* A Section 175 round for a few schools, which found governors must monitor how children are kept
  safe.

Everything goes through the services, so the records are what the app itself would make.
Idempotent: agencies and people by natural key, each audit by its kind and title.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from audits import services
from audits.models import (
    AnswerChoice,
    Audit,
    AuditKind,
    AuditStatus,
    Finding,
    Grade,
    RagRating,
)
from demo.core import demo_email, demo_password_hash
from scsp.models import Agency, Role, Theme, User

K = Agency.Kind

#: Section 11 agencies beyond the core demo partnership (short name, name, kind, lead's name).
EXTRA_AGENCIES = [
    ("CAFCASS", "Cafcass (West Midlands)", K.RELEVANT, "Joanne Pritchard"),
    ("WMFS", "West Midlands Fire Service", K.RELEVANT, "Kevin Doherty"),
    ("BTP", "British Transport Police", K.RELEVANT, "Ravinder Sandhu"),
    ("SLT", "Sandwell Leisure Trust", K.RELEVANT, "Megan Lloyd"),
    ("BCWA", "Black Country Women's Aid", K.VCF, "Yasmin Patel"),
    ("KPG", "Kaleidoscope Plus Group", K.VCF, "Owen Turner"),
    ("CGL", "Change Grow Live (Sandwell)", K.HEALTH, "Priya Chauhan"),
    ("MH", "Midland Heart (housing association)", K.RELEVANT, "Dean Roberts"),
]
#: Leads for core agencies the partnership demo gives no sign-in.
EXTRA_LEADS = {"BCHFT": "Helen Okoro", "YJS": "Dan Whitfield", "HOUS": "Sara Begum"}
SECTION_11_AGENCIES = ["SMBC", "WMP", "ICB", "SCT", "SWBNHS", "WMAS", "BCHFT", "SCVO", "PROB",
                       "YJS", "HOUS"] + [a[0] for a in EXTRA_AGENCIES]
#: Fictional schools for the Section 175 round.
SCHOOLS = [
    ("BROOKPS", "Brookfield Primary School", "Anita Shah"),
    ("HOLLYPA", "Hollybank Primary Academy", "Mark Evans"),
    ("WESTHS", "Westfield High School", "Louise Grant"),
    ("OAKSS", "Oakwood Special School", "Tariq Hussain"),
]

G, RI, OUT, INA, NA = (Grade.GOOD, Grade.REQUIRES_IMPROVEMENT, Grade.OUTSTANDING,
                       Grade.INADEQUATE, None)

# What each agency's records showed, question by question (the 7 defaults + the 8th on the
# referrer), for the four sampled cases in order. NA = no involvement at that point.
NON_PROFESSIONAL_GRADES = {
    "SCT": [[G, RI, G, G, G, G, RI, G], [G, RI, G, RI, RI, G, G, RI],
            [OUT, G, G, G, G, G, G, G], [G, INA, G, G, RI, RI, RI, RI]],
    "WMP": [[G, RI, G, G, NA, G, G, G], [G, RI, OUT, G, NA, G, RI, RI],
            [G, G, G, G, NA, G, G, G], [RI, RI, G, G, NA, RI, RI, G]],
    "SWBNHS": [[G, RI, RI, G, G, G, G, NA], [G, G, RI, G, G, G, RI, NA],
               [OUT, RI, G, G, G, OUT, G, NA], [RI, RI, RI, G, RI, G, RI, NA]],
    "EDU": [[G, RI, G, G, NA, G, G, NA], [G, RI, RI, RI, NA, G, G, NA],
            [NA, NA, NA, NA, NA, NA, NA, NA], [RI, RI, G, G, NA, RI, RI, NA]],
}
NARRATIVE = {
    OUT: "Exemplary: {what} was clear in the records, with the child's own words recorded.",
    G: "Records show {what} was done well and in good time.",
    RI: "Records show {what} was partly done; gaps were not followed up.",
    INA: "Records show {what} did not happen, leaving the child at risk.",
}
WHAT = ["the child's voice and daily life", "contact with fathers and male carers",
        "information sharing with partners", "applying the threshold",
        "the assessment and plan", "management oversight", "attention to ethnicity and culture",
        "the response to the non-professional referrer"]


def _agency(short, name, kind) -> Agency:
    agency, _created = Agency.objects.get_or_create(short_name=short,
                                                    defaults={"name": name, "kind": kind})
    return agency


def _person(email, full_name, agency, role=Role.AGENCY_LEAD) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": full_name, "agency": agency, "role": role,
                               "job_title": "Designated safeguarding lead"})
    if created:
        user.password = demo_password_hash()
        user.save()
    return user


def _staff(agency: Agency) -> User:
    """Someone who may complete the agency's return: its demo lead, else its officer."""
    user = (User.objects.filter(agency=agency, is_active=True,
                                role__in=[Role.AGENCY_LEAD, Role.AGENCY_OFFICER])
            .order_by("role", "pk").first())
    if user is None:
        user = _person(demo_email(f"lead.{agency.short_name.lower()}"),
                       f"{agency.short_name} safeguarding lead", agency)
    return user


def _themes(*names) -> list[Theme]:
    return list(Theme.objects.filter(name__in=names))


def _at(day: dt.date) -> dt.datetime:
    """Mid-afternoon on ``day``: when a demo return was saved or submitted."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(15, 30)))


def _exists(kind, title) -> bool:
    return Audit.objects.filter(kind=kind, title=title).exists()


def _fill_macfa_return(audit, agency, by_case, *, submit_on=None):
    person = _staff(agency)
    r = audit.returns.get(agency=agency)
    questions = list(audit.questions.order_by("number"))
    for case, grades in zip(audit.cases.order_by("reference"), by_case, strict=False):
        answers = {}
        for i, (q, grade) in enumerate(zip(questions, grades, strict=False)):
            if grade is None:
                answers[q.pk] = {"answer": AnswerChoice.NOT_APPLICABLE}
            else:
                answers[q.pk] = {
                    "answer": {OUT: "yes", G: "yes", RI: "partly", INA: "no"}[grade],
                    "grade": grade,
                    "narrative": NARRATIVE[grade].format(what=WHAT[min(i, len(WHAT) - 1)]),
                }
        services.return_save_case(by=person, agency_return=r, case=case, answers=answers,
                                  now=_at(submit_on) if submit_on else None)
    if submit_on:
        services.return_submit(by=person, agency_return=r, now=_at(submit_on))
    return r


def _non_professional_macfa(coordinator, agencies, today):
    title = "Responses to referrals from non-professionals"
    if _exists(AuditKind.MACFA, title):
        return
    start = today - dt.timedelta(days=150)
    audit = services.audit_create(
        by=coordinator, kind=AuditKind.MACFA, title=title, lead=coordinator, today=start,
        description=(
            "Learning from the national review into the murders of Arthur Labinjo-Hughes and "
            "Star Hobson: when relatives, neighbours or members of the public raise concerns "
            "about physical abuse with Sandwell Children's Trust, do children receive an "
            "appropriate response? As in every MACFA, it also tests how well services involved "
            "fathers and male carers and understood the child's lived experience."),
        themes=_themes("Voice and lived experience of the child", "Fathers and male carers",
                       "Information sharing", "Early help"),
        planned_start=start, planned_end=today - dt.timedelta(days=60),
        agencies=[agencies[s] for s in NON_PROFESSIONAL_GRADES],
        case_references=["MACFA-NP-01", "MACFA-NP-02", "MACFA-NP-03", "MACFA-NP-04"],
    )
    for case, summary in zip(audit.cases.order_by("reference"), [
            "Concern raised by a grandparent; child aged 1-5",
            "Anonymous call from a neighbour; child aged 6-10",
            "Concern raised by an aunt; child under 1",
            "Concern raised by a family friend; child aged 11-15"], strict=True):
        case.summary = summary
        case.save(update_fields=["summary"])
    services.tool_item_add(
        by=coordinator, audit=audit, short_label="Non-professional referrer",
        text="When the concern came from a relative, neighbour or member of the public, was it "
             "treated as seriously as a professional referral, and was the referrer told what "
             "happened next?")
    audit = services.audit_transition(by=coordinator, audit=audit,
                                      to_status=AuditStatus.IN_PROGRESS,
                                      today=start + dt.timedelta(days=10))
    for n, (short, by_case) in enumerate(NON_PROFESSIONAL_GRADES.items()):
        _fill_macfa_return(audit, agencies[short], by_case,
                           submit_on=start + dt.timedelta(days=30 + 3 * n))
    meeting = today - dt.timedelta(days=95)
    audit = services.audit_transition(by=coordinator, audit=audit,
                                      to_status=AuditStatus.MODERATION, today=meeting)
    questions = {q.number: q for q in audit.questions.all()}
    cases = list(audit.cases.order_by("reference"))
    agreed = {(c.pk, questions[n].pk): g for c in cases for n, g in [
        (1, G), (2, RI), (3, G), (4, G), (5, G), (6, G), (7, RI), (8, RI)]}
    agreed[(cases[3].pk, questions[2].pk)] = INA
    returns = {r.agency.short_name: r for r in audit.returns.select_related("agency")}
    services.moderation_record(
        by=coordinator, audit=audit, meeting_date=meeting, today=meeting,
        notes=("Moderation meeting with SCT, WMP, SWBNHS and education safeguarding. All four "
               "concerns were screened by the MASH on the day they arrived and none was "
               "dismissed because it came from a non-professional. Fathers and male carers were "
               "the weakest area again: in case 4 the mother's partner was never identified. "
               "Referrers were told the outcome in only one case."),
        case_grades=agreed,
        return_grades={returns["SCT"].pk: G, returns["WMP"].pk: G, returns["SWBNHS"].pk: G,
                       returns["EDU"].pk: RI},
        return_notes={returns["EDU"].pk: "Schools' records of what the child said were thin."},
    )
    found = [
        (Finding.Kind.STRENGTH, None, 3,
         "Concerns from relatives, neighbours and friends were screened by the MASH on the day "
         "they were received, in all four cases, and given the same weight as professional "
         "referrals."),
        (Finding.Kind.STRENGTH, "WMP", 3,
         "Police and the Trust shared information promptly and held timely strategy "
         "discussions."),
        (Finding.Kind.IMPROVEMENT, "SCT", 2,
         "Fathers and male carers, including men not living in the household, were not "
         "consistently identified, spoken to or assessed."),
        (Finding.Kind.IMPROVEMENT, None, 8,
         "People who raised concerns as relatives or neighbours were told the outcome in only "
         "one of four cases, which discourages them from raising concerns again."),
        (Finding.Kind.IMPROVEMENT, "EDU", 1,
         "School records rarely captured what the child said or what daily life was like for "
         "them."),
    ]
    findings = []
    for kind, short, q, text in found:
        findings.append(services.finding_add(
            by=coordinator, audit=audit, kind=kind, text=text,
            agency=agencies[short] if short else None, question=questions[q]))
    actions = [
        (findings[2], "SCT",
         "Add a required 'fathers and male carers' section to the single assessment, naming "
         "every adult male in the child's life and whether he was seen.",
         "Dip sample of 20 assessments shows fathers and male carers identified and spoken to "
         "in at least 80%.", 60),
        (findings[3], "SCT",
         "Introduce a call-back to non-professional referrers within 5 working days, telling "
         "them their concern was acted on (within what can be shared).",
         "MASH log shows call-backs made in 90% of non-professional referrals for a quarter.",
         90),
        (findings[4], "EDU",
         "Brief designated safeguarding leads on recording the child's own words and daily "
         "life in safeguarding records.",
         "Section 175 sample of 10 schools' records shows the child's voice recorded in 8.",
         120),
    ]
    for finding, short, description, measure, days in actions:
        services.finding_action_create(
            by=coordinator, finding=finding, description=description, success_measure=measure,
            lead_agency=agencies[short], lead_officer=_staff(agencies[short]),
            target_date=today + dt.timedelta(days=days), today=today)
    services.audit_transition(by=coordinator, audit=audit,
                              to_status=AuditStatus.FINDINGS_AGREED,
                              today=today - dt.timedelta(days=80))


def _neglect_macfa(coordinator, agencies, today):
    title = "Neglect: looking beyond home conditions"
    if _exists(AuditKind.MACFA, title):
        return
    start = today - dt.timedelta(days=20)
    audit = services.audit_create(
        by=coordinator, kind=AuditKind.MACFA, title=title, lead=coordinator, today=start,
        description=("Whether agencies recognise neglect beyond the state of the home: "
                     "health, education, supervision and emotional care, including for "
                     "disabled children."),
        themes=_themes("Neglect", "Children with disabilities and complex needs",
                       "Fathers and male carers"),
        planned_start=start, planned_end=today + dt.timedelta(days=40),
        agencies=[agencies[s] for s in ("WMP", "SCT", "SWBNHS", "EDU")],
        case_references=["MACFA-NG-01", "MACFA-NG-02", "MACFA-NG-03"],
    )
    audit = services.audit_transition(by=coordinator, audit=audit,
                                      to_status=AuditStatus.IN_PROGRESS, today=start)
    _fill_macfa_return(audit, agencies["WMP"], [[G, RI, G, G, NA, G, RI]] * 3,
                       submit_on=today - dt.timedelta(days=3))
    _fill_macfa_return(audit, agencies["SCT"], [[G, RI, G, RI, G, G, G]])  # a draft: case 1


def _rota(coordinator, agencies, today):
    this_month = today.replace(day=1)

    def month(offset):
        y, m = divmod(this_month.month - 1 + offset, 12)
        return dt.date(this_month.year + y, m + 1, 1)

    slots = [
        (-7, "SMBC", "Early help: quality of family support plans", "closed"),
        (-6, "WMP", "Missing children: return home interviews", "finding"),
        (-5, "ICB", "GP contributions to child protection conferences", "late"),
        (-4, "SWBNHS", "Safeguarding supervision for midwives", "presented"),
        (-3, "PROB", "Domestic abuse risk assessments where children live at home", "late"),
        (-2, "SCVO", "Safer recruitment in voluntary and faith groups", "moved"),
        (-1, "WMAS", "Recognising neglect on ambulance call-outs", "late"),
        (0, "EDU", "The role of safeguarding governors", "due"),
        (1, "SCT", "Pre-birth assessments and the Sandwell Unborn Baby Network", "due"),
        (2, "BCHFT", "Young people moving to adult mental health services", "due"),
        (3, "YJS", "Exploitation screening at first contact", "due"),
        (4, "HOUS", "Children in temporary accommodation", "due"),
    ]
    for offset, short, topic, state in slots:
        if _exists(AuditKind.SINGLE_AGENCY, topic):
            continue
        due = month(offset)
        first_agreed = month(offset - 1) if state == "moved" else due
        slot = services.audit_create(
            by=coordinator, kind=AuditKind.SINGLE_AGENCY, title=topic,
            lead=_staff(agencies[short]), today=min(first_agreed, today),
            agency=agencies[short], month_due=first_agreed)
        if state == "moved":
            slot = services.audit_update(
                by=coordinator, audit=slot, title=topic, lead=slot.lead, month_due=due,
                reschedule_reason="Agreed at QPPA: the agency's safeguarding lead was on leave.")
        if state in ("closed", "finding", "presented", "moved"):
            slot = services.audit_transition(by=coordinator, audit=slot,
                                             to_status=AuditStatus.IN_PROGRESS,
                                             today=due - dt.timedelta(days=40))
            slot = services.rota_record_presented(by=coordinator, audit=slot,
                                                  date_presented=due + dt.timedelta(days=13),
                                                  today=today)
        if state in ("closed", "finding"):
            text = {
                "closed": "Family support plans now name what will change for the child; "
                          "the agency showed re-audit evidence of improvement.",
                "finding": "Return home interviews were offered within 72 hours in only 60% "
                           "of cases sampled.",
            }[state]
            kind = Finding.Kind.STRENGTH if state == "closed" else Finding.Kind.IMPROVEMENT
            finding = services.finding_add(by=coordinator, audit=slot, kind=kind, text=text,
                                           agency=agencies[short])
            if state == "finding":
                services.finding_action_create(
                    by=coordinator, finding=finding,
                    description="Commission return home interviews from one provider with a "
                                "72-hour standard, and report compliance monthly.",
                    success_measure="Return home interviews offered within 72 hours in 85% "
                                    "of episodes for two consecutive quarters.",
                    lead_agency=agencies[short], lead_officer=_staff(agencies[short]),
                    target_date=today + dt.timedelta(days=75), today=today)
            else:
                slot = services.audit_transition(by=coordinator, audit=slot,
                                                 to_status=AuditStatus.FINDINGS_AGREED,
                                                 today=today)
                services.audit_transition(by=coordinator, audit=slot,
                                          to_status=AuditStatus.CLOSED, today=today)


def _section_11(coordinator, agencies, today):
    title = "Section 11 biennial audit"
    if _exists(AuditKind.SECTION_11, title):
        return
    start = today - dt.timedelta(days=300)
    audit = services.audit_create(
        by=coordinator, kind=AuditKind.SECTION_11, title=title, lead=coordinator, today=start,
        description=("Every two years each agency assesses itself against the Section 11 "
                     "standards, with a survey of practitioners on the broader themes."),
        themes=_themes("Supervision and management oversight", "Multi-agency co-ordination"),
        planned_start=start, planned_end=start + dt.timedelta(days=120),
        agencies=[agencies[s] for s in SECTION_11_AGENCIES],
    )
    audit = services.audit_transition(by=coordinator, audit=audit,
                                      to_status=AuditStatus.IN_PROGRESS, today=start)
    standards = list(audit.standards.order_by("number"))
    supervision_amber = {"SWBNHS", "WMAS", "SCVO", "SLT", "KPG", "MH"}
    for n, short in enumerate(SECTION_11_AGENCIES):
        person = _staff(agencies[short])
        ratings = {}
        for s in standards:
            rag = RagRating.GREEN
            if s.number == 9 and short in supervision_amber:
                rag = RagRating.AMBER
            if short == "MH" and s.number in (5, 8):
                rag = RagRating.RED if s.number == 8 else RagRating.AMBER
            ratings[s.pk] = {
                "rag": rag,
                "evidence": f"{short}: policy, training figures and audit evidence for "
                            f"“{s.short_label.lower()}” reviewed by the board.",
                "improvement": "" if rag == RagRating.GREEN else
                "Action plan agreed by the senior leadership team, reviewed quarterly.",
            }
        r = audit.returns.get(agency=agencies[short])
        when = _at(start + dt.timedelta(days=40 + n))
        services.return_save_ratings(by=person, agency_return=r, ratings=ratings, now=when)
        services.return_submit(by=person, agency_return=r, now=when)
    meeting = start + dt.timedelta(days=110)
    audit = services.audit_transition(by=coordinator, audit=audit,
                                      to_status=AuditStatus.MODERATION, today=meeting)
    grades = {r.pk: (Grade.OUTSTANDING if r.agency.short_name == "WMAS" else
                     Grade.REQUIRES_IMPROVEMENT if r.agency.short_name == "MH" else Grade.GOOD)
              for r in audit.returns.select_related("agency")}
    services.moderation_record(
        by=coordinator, audit=audit, meeting_date=meeting, today=meeting, return_grades=grades,
        notes=("Challenge sessions with each agency. The audit gives assurance of good practice "
               "across the 19 participating agencies. Practitioners asked for more face-to-face "
               "learning and short webinars, and pointed to the pivotal role of supervision."))
    improvement = services.finding_add(
        by=coordinator, audit=audit, kind=Finding.Kind.IMPROVEMENT, standard=standards[8],
        text="The practitioner survey showed managers need training in safeguarding "
             "supervision; six agencies rated supervision amber.")
    services.finding_add(
        by=coordinator, audit=audit, kind=Finding.Kind.STRENGTH, standard=standards[6],
        text="Every agency has a named safeguarding lead with time for the role.")
    services.finding_action_create(
        by=coordinator, finding=improvement,
        description="Commission a partnership supervision course for managers, with short "
                    "webinars as 'snapshots' for practitioners.",
        success_measure="60 managers trained; the next Section 11 survey shows 80% of "
                        "practitioners receive regular supervision.",
        lead_agency=coordinator.agency, lead_officer=coordinator,
        target_date=today + dt.timedelta(days=150), today=today)
    services.audit_transition(by=coordinator, audit=audit,
                              to_status=AuditStatus.FINDINGS_AGREED, today=meeting)


def _section_175(coordinator, agencies, today):
    title = "Section 175 annual audit"
    if _exists(AuditKind.SECTION_175, title):
        return
    schools = {short: _agency(short, name, K.SCHOOL) for short, name, _dsl in SCHOOLS}
    for short, _name, dsl in SCHOOLS:
        _person(demo_email(f"dsl.{short.lower()}"), dsl, schools[short])
    start = today - dt.timedelta(days=60)
    audit = services.audit_create(
        by=coordinator, kind=AuditKind.SECTION_175, title=title, lead=coordinator, today=start,
        description="Schools' annual self-assessment of their safeguarding arrangements.",
        themes=_themes("School exclusions", "Neglect"),
        planned_start=start, planned_end=today + dt.timedelta(days=30),
        agencies=list(schools.values()),
    )
    audit = services.audit_transition(by=coordinator, audit=audit,
                                      to_status=AuditStatus.IN_PROGRESS, today=start)
    standards = list(audit.standards.order_by("number"))
    for n, short in enumerate(["BROOKPS", "HOLLYPA", "WESTHS"]):
        person = _staff(schools[short])
        ratings = {}
        for s in standards:
            rag = RagRating.AMBER if s.number == 1 else RagRating.GREEN
            if short == "WESTHS" and s.number == 7:
                rag = RagRating.RED
            ratings[s.pk] = {
                "rag": rag,
                "evidence": f"Checked by the DSL and the safeguarding governor ({s.label}).",
                "improvement": "" if rag == RagRating.GREEN else
                "Governors to receive a termly safeguarding report and visit the DSL.",
            }
        r = audit.returns.get(agency=schools[short])
        when = _at(start + dt.timedelta(days=20 + n))
        services.return_save_ratings(by=person, agency_return=r, ratings=ratings, now=when)
        services.return_submit(by=person, agency_return=r, now=when)
    audit = services.audit_transition(by=coordinator, audit=audit,
                                      to_status=AuditStatus.MODERATION,
                                      today=today - dt.timedelta(days=7))
    finding = services.finding_add(
        by=coordinator, audit=audit, kind=Finding.Kind.IMPROVEMENT, standard=standards[0],
        text="Governing bodies do not routinely monitor how children are kept safe; "
             "safeguarding governors need a clear role.")
    edu = agencies["EDU"]
    services.finding_action_create(
        by=coordinator, finding=finding,
        description="Publish guidance on the role of the safeguarding governor and run two "
                    "briefings for governors.",
        success_measure="Next Section 175 round: 90% of schools rate governance green with "
                        "evidence of termly monitoring.",
        lead_agency=edu, lead_officer=_staff(edu), target_date=today + dt.timedelta(days=100),
        today=today)


@transaction.atomic
def seed(command) -> None:
    today = timezone.localdate()
    coordinator = User.objects.get(email=demo_email("coordinator"))
    for short, name, kind, lead in EXTRA_AGENCIES:
        agency = _agency(short, name, kind)
        _person(demo_email(f"lead.{short.lower()}"), lead, agency)
    agencies = {a.short_name: a for a in Agency.objects.all()}
    for short, lead in EXTRA_LEADS.items():
        if short in agencies:
            _person(demo_email(f"lead.{short.lower()}"), lead, agencies[short])
    _non_professional_macfa(coordinator, agencies, today)
    _neglect_macfa(coordinator, agencies, today)
    _rota(coordinator, agencies, today)
    _section_11(coordinator, agencies, today)
    _section_175(coordinator, agencies, today)
    late = Audit.objects.late(today).count()
    command.stdout.write(
        f"Audits: {Audit.objects.exclude(kind=AuditKind.SINGLE_AGENCY).count()} audits, "
        f"{Audit.objects.rota().count()} rota slots ({late} late)."
    )
