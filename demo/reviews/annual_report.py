"""Sandwell's 2022-23 cases from its annual report, with their real outcomes, and the two
2021-22 referrals they build on. Dates the report does not give are chosen to fit it."""

from __future__ import annotations

import datetime as dt

from demo.reviews.builder import D, Demo
from reviews import services
from reviews.models import (
    AgeBand,
    Case,
    IncidentType,
    LegalStatus,
    LocalRoute,
    PanelResponse,
    PublicationOutcome,
    RapidReviewDecision,
    ReferralDecision,
    Route,
    Sex,
    YesNoUnknown,
)


def spotlight_referral_2021_22(d: Demo):
    """The Spotlight Review completed in 2022-23 was referred (and decided) in 2021-22."""
    case = d.referral(
        "SLPR-2022-001", pseudonym="Child S", referrer="SCT", received=D(2022, 2, 14),
        incident=D(2022, 1, 28), agencies=["SCT", "EDU", "SWBNHS"], age_band=AgeBand.AGE_6_10,
        outline="A child missing education for long periods, with repeated concerns about home "
                "conditions that were not brought together by any one agency.",
        reason="Below the CSPR threshold, but agencies held different pieces of the picture.",
        decision=ReferralDecision.SPOTLIGHT, decided=D(2022, 3, 16),
        rationale="Multi-agency learning about children missing education; a Spotlight Review "
                  "will test the new process.",
        themes=("School exclusions", "Information sharing", "Neglect"),
    )
    if case:
        review = case.practice_reviews.get()
        d.stages(review, {"Agencies asked for information": D(2022, 3, 23),
                          "Agency information received": D(2022, 5, 6),
                          "Practitioner learning event": D(2022, 10, 12),
                          "completed": D(2022, 11, 24),
                          "Learning shared and actions agreed": D(2022, 12, 8)})
        services.review_record_outcome(
            by=d.coordinator, review=review, today=d.today, completed_on=D(2022, 11, 24),
            summary="The practitioner event used a segment written “from the view of the "
                    "child”. Schools and the Trust agreed a shared trigger for children "
                    "missing education.")
        d.review_actions(review, [(
            "Schools and the Trust share attendance concerns for children open to social care "
            "within 2 working days.", ["School exclusions", "Information sharing"], [
                {"agency": "EDU", "what": "Add children missing education to the weekly "
                 "education safeguarding meeting with the Trust.",
                 "measure": "Every child missing 10+ sessions discussed within a week.",
                 "by": D(2023, 3, 31), "done": D(2023, 3, 20), "signed": D(2023, 3, 28)},
            ])], created=D(2022, 12, 8))
        d.briefing(review, "spotlight-review-child-s-briefing.pdf",
                   "Spotlight Review: Child S, learning briefing")


def thematic_earlier_case(d: Demo):
    """An earlier neglect case later brought into Child 3's thematic LCSPR."""
    d.referral(
        "SLPR-2021-004", pseudonym="Child M", referrer="SWBNHS", received=D(2021, 11, 15),
        incident=D(2021, 10, 29), agencies=["SWBNHS", "SCT", "EDU", "ICB"],
        age_band=AgeBand.AGE_6_10,
        outline="A disabled child with complex health needs; missed medical appointments and "
                "persistent neglect over several years.",
        reason="Agencies found it hard to challenge a family who were skilled at engaging "
               "professionals.",
        decision=ReferralDecision.NO_FURTHER_ACTION, decided=D(2021, 12, 15),
        rationale="Single-agency learning already in hand at the time; to be kept in mind for "
                  "any thematic review of neglect.",
        themes=("Neglect", "Children with disabilities and complex needs"),
    )


def child_1(d: Demo):
    """Spring 2022; panel on day 10; LCSPR ratified February 2023, embargoed."""
    case = d.case(
        "SLPR-2022-002", route=Route.NOTIFICATION,
        children=[{"pseudonym": "Child 1", "age_band": AgeBand.AGE_16_17, "sex": Sex.MALE,
                   "legal_status": LegalStatus.CHILD_IN_NEED,
                   "agencies_known_to": d.agencies("SCT", "YJS", "EDU", "WMP")}],
        agencies=["WMP", "SCT", "YJS", "EDU", "SWBNHS", "SMBC"],
        incident_date=D(2022, 4, 10), became_aware_on=D(2022, 4, 11),
        referral_received_on=D(2022, 4, 12), notification_submitted_on=D(2022, 4, 13),
        incident_type=IncidentType.SERIOUS_HARM, harm_categories=["physical", "exploitation"],
        case_outline="A young person over 16 seriously injured in an assault. Known to youth "
                     "justice and the Trust; concerns about criminal exploitation.",
        police_investigation=YesNoUnknown.YES,
        immediate_safeguarding_actions="Strategy meeting held; safety plan in hospital and on "
                                       "discharge; exploitation screening completed.",
        themes=d.themes("Information sharing", "Multi-agency co-ordination", "Exploitation",
                        "Transitions to adult services"),
    )
    if case is None:
        return
    rr = d.rapid_review(
        case, meeting=D(2022, 4, 28),
        attendees=[("Dez Lambert", "SLPR subgroup chair", "SCSP BU"),
                   ("Jo Whitehouse", "SLPR review co-ordinator", "SCSP BU"),
                   ("Gareth Price", "Detective Inspector, public protection", "WMP"),
                   ("Sunita Kaur", "Head of safeguarding", "SCT"),
                   ("Rachel Adeyemi", "Named nurse, safeguarding children", "SWBNHS"),
                   ("Claire Bennett", "Education safeguarding lead", "EDU")],
        apologies=[("Helen Carter", "Safeguarding lead", "SMBC")],
        summaries=[("WMP", D(2022, 4, 13), D(2022, 4, 22)),
                   ("SCT", D(2022, 4, 13), D(2022, 4, 21)),
                   ("YJS", D(2022, 4, 13), D(2022, 4, 25)),
                   ("EDU", D(2022, 4, 13), D(2022, 4, 22)),
                   ("SWBNHS", D(2022, 4, 13), D(2022, 4, 26))],
        sections={
            "facts_and_chronology": "Child 1 was known to youth justice and the Trust for a "
                                    "year before the assault; two missing episodes in March.",
            "key_practice_episodes": "Return home interviews not shared with youth justice; "
                                     "the exploitation screening tool was not repeated after "
                                     "new intelligence.",
            "good_practice": "Prompt strategy meeting and hospital safety planning.",
            "immediate_safeguarding_actions": "Safety plan; exploitation panel referral.",
            "learning_single_agency": "Youth justice to check return home interviews.",
            "learning_multi_agency": "How information is used and analysed to inform plans; "
                                     "co-ordination when several agencies are involved.",
            "context": "Transition to adult services approaching; race and the adultification "
                       "of young Black men to be considered by the review.",
        },
        decision=RapidReviewDecision.LCSPR,
        rationale="The criteria for an LCSPR are met: serious harm, abuse suspected, and "
                  "important multi-agency learning about exploitation and transitions.",
        sign_offs=[("SMBC", "Helen Carter", "Director of Children's Services", D(2022, 5, 3)),
                   ("WMP", "Gareth Price", "Detective Superintendent", D(2022, 5, 3)),
                   ("ICB", "Fiona Walsh", "Chief Nursing Officer", D(2022, 5, 4)),
                   ("SCT", "Sunita Kaur", "Chief Executive (delegate)", D(2022, 5, 4))],
        sent=D(2022, 5, 5), response=PanelResponse.AGREES, response_on=D(2022, 6, 9),
        comments="The Panel agreed with the decision and commended the quality of the review.",
    )
    d.rr_actions(rr, [
        {"agency": "SCT", "what": "Share every return home interview with the youth justice "
         "case manager within 48 hours.", "measure": "Audit of 20 cases shows 90% shared.",
         "by": D(2022, 7, 29), "done": D(2022, 7, 20), "signed": D(2022, 8, 3)},
        {"agency": "WMP", "what": "Brief neighbourhood teams on exploitation screening after new "
         "intelligence.", "measure": "All teams briefed; screening repeated in audit sample.",
         "by": D(2022, 6, 30), "done": D(2022, 6, 24), "signed": D(2022, 7, 1)},
    ], created=D(2022, 4, 28))
    review = rr.practice_reviews.get()
    services.review_update(
        by=d.coordinator, review=review, today=d.today, title="LCSPR: Child 1",
        decision_date=review.decision_date, cases=[case], reviewer="Independent reviewer (A. N.)",
        method="Systems approach with practitioner learning events",
        themes=d.themes("Information sharing", "Multi-agency co-ordination", "Exploitation",
                        "Transitions to adult services"),
        summary="How information is used and analysed; co-ordination by multiple agencies; "
                "engaging young people involved in criminal activity and exploitation; "
                "transition between children's and adults' services.")
    d.stages(review, {
        "Decision agreed by the National Panel": D(2022, 6, 9),
        "Family told and offered an advocate": D(2022, 5, 12),
        "Terms of reference agreed": D(2022, 6, 15),
        "Reviewer appointed and method chosen": D(2022, 6, 22),
        "Agency reports received": D(2022, 8, 19),
        "Practitioner learning events": D(2022, 10, 5),
        "Family contribution": D(2022, 11, 2),
        "Draft report received": D(2022, 12, 14),
        "ratified": D(2023, 2, 16),
    }, planned={"sent_to_panel": None, "published": None})
    services.review_add_progress_check(
        by=d.coordinator, review=review, today=d.today, checked_on=D(2022, 9, 14),
        on_track=False, drafts_requested=True,
        note="Agency reports late from two agencies; reviewer asked in writing for the draft "
             "chronology by October.")
    services.review_record_outcome(
        by=d.coordinator, review=review, today=d.today, outcome=PublicationOutcome.EMBARGOED,
        embargo_reason="Publication could prejudice the criminal trial of the adults charged "
                       "with the assault.",
        embargo_proceeding="criminal", embargo_proceeding_detail="Crown Court trial",
        embargo_expected_end=d.today + dt.timedelta(days=120),
        embargo_next_review=d.today + dt.timedelta(days=30))
    review.refresh_from_db()
    d.review_actions(review, [
        ("Agencies analyse, not only share, information when planning for young people at "
         "risk of exploitation.", ["Information sharing", "Exploitation"], [
             {"agency": "SCT", "what": "Add an analysis section to the exploitation risk "
              "assessment and train team managers.", "measure": "Audit shows analysis in 80% "
              "of assessments.", "by": D(2023, 6, 30), "done": D(2023, 6, 16),
              "signed": D(2023, 7, 5)},
         ]),
        ("Plan transitions to adult services from 16 for young people with multi-agency "
         "involvement.", ["Transitions to adult services"], [
             {"agency": "SMBC", "what": "Agree a joint transitions protocol between children's "
              "and adults' services.", "measure": "Protocol signed by both directors; every "
              "eligible 16-year-old has a transitions plan.", "by": D(2023, 9, 29),
              "done": D(2023, 9, 22), "signed": D(2023, 10, 4)},
         ]),
    ], created=D(2023, 2, 16))


def child_2(d: Demo):
    """Summer 2022 baby; LCSPR threshold not met; Tabletop Review held January 2023."""
    case = d.case(
        "SLPR-2022-004", route=Route.NOTIFICATION,
        children=[{"pseudonym": "Child 2", "age_band": AgeBand.UNDER_1, "sex": Sex.FEMALE,
                   "legal_status": LegalStatus.NONE,
                   "agencies_known_to": d.agencies("SWBNHS", "ICB")}],
        agencies=["SWBNHS", "ICB", "SCT", "WMP", "WMAS"],
        incident_date=D(2022, 7, 8), became_aware_on=D(2022, 7, 11),
        referral_received_on=D(2022, 7, 12), notification_submitted_on=D(2022, 7, 14),
        incident_type=IncidentType.SERIOUS_HARM, harm_categories=["physical"],
        case_outline="A baby under 6 months with serious injuries; conflicting medical views on "
                     "whether they were inflicted or had a medical cause.",
        police_investigation=YesNoUnknown.YES,
        immediate_safeguarding_actions="Child protection medical; safety plan with wider family.",
        themes=d.themes("Unborn and under-1s", "Communication with families who speak EAL"),
    )
    if case is None:
        return
    rr = d.rapid_review(
        case, meeting=D(2022, 7, 27),
        attendees=[("Dez Lambert", "SLPR subgroup chair", "SCSP BU"),
                   ("Jo Whitehouse", "SLPR review co-ordinator", "SCSP BU"),
                   ("Rachel Adeyemi", "Named nurse, safeguarding children", "SWBNHS"),
                   ("Fiona Walsh", "Designated nurse", "ICB"),
                   ("Sunita Kaur", "Head of safeguarding", "SCT"),
                   ("Gareth Price", "Detective Inspector, public protection", "WMP")],
        apologies=[("Paul Grant", "Safeguarding lead", "WMAS")],
        summaries=[("SWBNHS", D(2022, 7, 13), D(2022, 7, 21)),
                   ("ICB", D(2022, 7, 13), D(2022, 7, 22)),
                   ("SCT", D(2022, 7, 13), D(2022, 7, 20)),
                   ("WMP", D(2022, 7, 13), D(2022, 7, 25)),
                   ("WMAS", D(2022, 7, 13), D(2022, 7, 26))],
        sections={
            "facts_and_chronology": "Parents new to the area; antenatal care booked late; "
                                    "the family speak English as an additional language.",
            "key_practice_episodes": "Routine enquiry questions not asked at booking; "
                                     "interpreters not used at two health visits.",
            "good_practice": "Swift child protection medical and multi-agency strategy meeting.",
            "learning_single_agency": "Midwifery: routine questions at every contact.",
            "learning_multi_agency": "Communication between midwifery and health visiting.",
            "context": "Language barriers; recent migration; access to interpreters.",
        },
        decision=RapidReviewDecision.LOCAL_ROUTE, local_route=LocalRoute.TABLETOP,
        rationale="The threshold for an LCSPR is not met (conflicting views on the cause of "
                  "the injuries), but there is learning for the health economy: a Tabletop "
                  "Review is requested.",
        sign_offs=[("SMBC", "Helen Carter", "Director of Children's Services", D(2022, 7, 29)),
                   ("WMP", "Gareth Price", "Detective Superintendent", D(2022, 7, 29)),
                   ("ICB", "Fiona Walsh", "Chief Nursing Officer", D(2022, 7, 29)),
                   ("SCT", "Sunita Kaur", "Chief Executive (delegate)", D(2022, 8, 1))],
        sent=D(2022, 8, 1), response=PanelResponse.AGREES, response_on=D(2022, 9, 1),
        comments="The Panel concurred that a Tabletop Review is proportionate.",
    )
    d.rr_actions(rr, [
        {"agency": "SWBNHS", "what": "Remind midwives to use interpreters for every contact, "
         "not family members.", "measure": "Interpreter use recorded in 95% of EAL bookings.",
         "by": D(2022, 10, 31), "done": D(2022, 10, 14), "signed": D(2022, 10, 26)},
    ], created=D(2022, 7, 27))
    review = rr.practice_reviews.get()
    services.review_update(
        by=d.coordinator, review=review, today=d.today, title="Tabletop Review: Child 2",
        decision_date=review.decision_date, cases=[case], reviewer="SLPR subgroup",
        method="Tabletop Review", themes=d.themes("Unborn and under-1s",
                                                  "Communication with families who speak EAL"),
    )
    d.stages(review, {"Agencies invited and chronologies requested": D(2022, 9, 7),
                      "Agency chronologies received": D(2022, 11, 4),
                      "held": D(2023, 1, 18)})
    services.review_record_outcome(
        by=d.coordinator, review=review, today=d.today, completed_on=D(2023, 2, 8),
        summary="Routine questions during antenatal care; working with families who speak "
                "EAL; communication between midwifery and health visiting services.")
    d.review_actions(review, [
        ("Midwifery and health visiting share the antenatal record at the 28-week handover.",
         ["Unborn and under-1s", "Information sharing"], [
             {"agency": "SWBNHS", "what": "Introduce a written midwifery to health visiting "
              "handover for every EAL family.", "measure": "Handover present in 90% of "
              "audited records.", "by": D(2023, 5, 31), "done": D(2023, 5, 25),
              "signed": D(2023, 6, 7)},
         ]),
    ], created=D(2023, 2, 8))


def child_3(d: Demo):
    """Winter 2022; panel on day 9; thematic LCSPR (with Child M), in progress at 31 March 2023,
    completed in winter 2023-24 as the report expected."""
    case = d.case(
        "SLPR-2022-006", route=Route.NOTIFICATION,
        children=[{"pseudonym": "Child 3", "age_band": AgeBand.AGE_6_10, "sex": Sex.MALE,
                   "disability": YesNoUnknown.YES,
                   "legal_status": LegalStatus.CHILD_PROTECTION,
                   "agencies_known_to": d.agencies("SCT", "SWBNHS", "EDU", "ICB")}],
        agencies=["SCT", "SWBNHS", "EDU", "ICB", "WMP", "WMAS"],
        incident_date=D(2022, 12, 4), became_aware_on=D(2022, 12, 5),
        referral_received_on=D(2022, 12, 6), notification_submitted_on=D(2022, 12, 8),
        incident_type=IncidentType.DEATH, harm_categories=["neglect"],
        case_outline="A child under 8 with complex additional needs who died suddenly. "
                     "Persistent neglect had been a concern for several years.",
        police_investigation=YesNoUnknown.YES,
        immediate_safeguarding_actions="Joint agency response; siblings' safety assessed the "
                                       "same day.",
        themes=d.themes("Neglect", "Children with disabilities and complex needs"),
    )
    if case is None:
        return
    rr = d.rapid_review(
        case, meeting=D(2022, 12, 19),
        attendees=[("Dez Lambert", "SLPR subgroup chair", "SCSP BU"),
                   ("Jo Whitehouse", "SLPR review co-ordinator", "SCSP BU"),
                   ("Sunita Kaur", "Head of safeguarding", "SCT"),
                   ("Rachel Adeyemi", "Named nurse, safeguarding children", "SWBNHS"),
                   ("Fiona Walsh", "Designated nurse", "ICB"),
                   ("Claire Bennett", "Education safeguarding lead", "EDU"),
                   ("Gareth Price", "Detective Inspector, public protection", "WMP")],
        summaries=[("SCT", D(2022, 12, 7), D(2022, 12, 14)),
                   ("SWBNHS", D(2022, 12, 7), D(2022, 12, 15)),
                   ("EDU", D(2022, 12, 7), D(2022, 12, 13)),
                   ("ICB", D(2022, 12, 7), D(2022, 12, 15)),
                   ("WMP", D(2022, 12, 7), D(2022, 12, 16))],
        sections={
            "facts_and_chronology": "Child 3 had been subject to a child protection plan for "
                                    "neglect; many missed health appointments.",
            "key_practice_episodes": "Step-down from child protection despite little change; "
                                     "disguised compliance not challenged.",
            "good_practice": "School's persistent escalation of concerns.",
            "learning_multi_agency": "The stubborn challenges of intervening in persistent "
                                     "neglect; safeguarding disabled children with complex "
                                     "needs.",
            "context": "Disability: the child's needs masked signs of neglect.",
        },
        decision=RapidReviewDecision.LCSPR,
        rationale="Criteria met. A thematic LCSPR with earlier neglect cases will look at the "
                  "stubborn practice challenges of persistent neglect and complex needs.",
        sign_offs=[("SMBC", "Helen Carter", "Director of Children's Services", D(2022, 12, 21)),
                   ("WMP", "Gareth Price", "Detective Superintendent", D(2022, 12, 21)),
                   ("ICB", "Fiona Walsh", "Chief Nursing Officer", D(2022, 12, 22)),
                   ("SCT", "Sunita Kaur", "Chief Executive (delegate)", D(2022, 12, 22))],
        sent=D(2022, 12, 22), response=PanelResponse.AGREES, response_on=D(2023, 1, 26),
    )
    d.rr_actions(rr, [
        {"agency": "SCT", "what": "Review every child protection plan for neglect closed in the "
         "last 6 months with no change in the home.", "measure": "All reviewed; outcomes "
         "reported to SLPR.", "by": D(2023, 2, 28), "done": D(2023, 2, 21),
         "signed": D(2023, 3, 2)},
        {"agency": "SWBNHS", "what": "Escalate 3 missed appointments for a child with complex "
         "needs to the named nurse.", "measure": "Escalation recorded in audit sample.",
         "by": D(2023, 3, 31), "done": D(2023, 3, 24), "signed": D(2023, 4, 4)},
    ], created=D(2022, 12, 19))
    review = rr.practice_reviews.get()
    earlier = Case.objects.get(reference="SLPR-2021-004")
    services.review_update(
        by=d.coordinator, review=review, today=d.today,
        title="Thematic LCSPR: persistent neglect and complex needs",
        decision_date=review.decision_date, cases=[case, earlier], is_thematic=True,
        reviewer="Independent reviewer (B. K.)", method="Appreciative inquiry and case audit",
        themes=d.themes("Neglect", "Children with disabilities and complex needs"),
        summary="The stubborn practice challenges when intervening in persistent neglect; "
                "safeguarding children who also have complex needs.")
    d.stages(review, {
        "Decision agreed by the National Panel": D(2023, 1, 26),
        "Family told and offered an advocate": D(2023, 1, 10),
        "Terms of reference agreed": D(2023, 2, 20),
        "Reviewer appointed and method chosen": D(2023, 2, 27),
        "Agency reports received": D(2023, 5, 12),
        "Practitioner learning events": D(2023, 7, 5),
        "Draft report received": D(2023, 10, 20),
        "ratified": D(2023, 12, 14),
        "sent_to_panel": D(2024, 1, 10),
        "published": D(2024, 1, 24),
    }, planned={"published": D(2024, 1, 24)}, not_needed=("Family contribution",))
    services.review_add_progress_check(
        by=d.coordinator, review=review, today=d.today, checked_on=D(2023, 3, 15),
        note="Terms of reference agreed; two agency reports outstanding. On track for a "
             "winter 2023 completion.")
    services.review_record_outcome(
        by=d.coordinator, review=review, today=d.today, outcome=PublicationOutcome.PUBLISHED,
        published_on=D(2024, 1, 24),
        published_url="https://scsp.example/published-reviews/lcspr-2022-02")
    d.review_actions(review, [
        ("Use the graded care profile in every neglect case open for more than 12 months.",
         ["Neglect"], [
             {"agency": "SCT", "what": "Make the graded care profile mandatory at every review "
              "of a neglect plan.", "measure": "Profile on file in 85% of neglect cases "
              "audited.", "by": d.today + dt.timedelta(days=60),
              "progress": (d.today - dt.timedelta(days=20), "Tool in the case system; "
                                                              "training half done.")},
         ]),
    ], created=D(2024, 1, 24))


def referrals_2022_23(d: Demo):
    """The 4 referrals of 2022-23: 1 no further action, 3 learning briefings."""
    k = d.referral(
        "SLPR-2022-003", pseudonym="Child K", referrer="EDU", received=D(2022, 6, 6),
        incident=D(2022, 5, 17), agencies=["EDU", "SCT", "SWBNHS"], age_band=AgeBand.AGE_11_15,
        outline="A young carer whose own needs were missed while attendance fell.",
        reason="Schools and health saw different parts of the picture.",
        decision=ReferralDecision.LEARNING_BRIEFING, decided=D(2022, 6, 22),
        rationale="Clear single message for practitioners: a learning briefing.",
        themes=("Voice and lived experience of the child",),
    )
    if k:
        review = k.practice_reviews.get()
        d.stages(review, {"Learning points drafted": D(2022, 7, 13),
                          "Briefing approved by the subgroup": D(2022, 8, 10),
                          "completed": D(2022, 9, 14)})
        d.briefing(review, "young-carers-7-minute-briefing.pdf", "Young carers: 7-minute briefing")
    d.referral(
        "SLPR-2022-005", pseudonym="Young Person L", referrer="WMP", received=D(2022, 9, 12),
        incident=D(2022, 8, 30), agencies=["WMP", "YJS"], age_band=AgeBand.AGE_16_17,
        outline="A young person arrested with others; concerns about exploitation.",
        reason="Possible learning about the National Referral Mechanism.",
        decision=ReferralDecision.NO_FURTHER_ACTION, decided=D(2022, 10, 12),
        rationale="The learning is already being addressed through the exploitation subgroup's "
                  "action plan; no further action for SLPR.",
        themes=("Exploitation",), harms=("exploitation",),
    )
    n = d.referral(
        "SLPR-2023-001", pseudonym="Baby N", referrer="SWBNHS", received=D(2023, 1, 9),
        incident=D(2022, 12, 20), agencies=["SWBNHS", "SCT", "ICB"], age_band=AgeBand.UNDER_1,
        outline="A bruised non-mobile baby; the bruising protocol was not followed by one "
                "service.",
        reason="Bruising in non-mobile babies: a recurring theme.",
        decision=ReferralDecision.LEARNING_BRIEFING, decided=D(2023, 2, 8),
        rationale="A briefing on the bruising protocol for all practitioners.",
        themes=("Unborn and under-1s",), harms=("physical",),
    )
    if n:
        d.stages(n.practice_reviews.get(), {"Learning points drafted": D(2023, 3, 1),
                                             "Briefing approved by the subgroup": D(2023, 4, 12),
                                             "completed": D(2023, 5, 10)})
    p = d.referral(
        "SLPR-2023-002", pseudonym="Child P", referrer="SCVO", received=D(2023, 2, 20),
        incident=D(2023, 2, 3), agencies=["SCVO", "SCT", "EDU"], age_band=AgeBand.AGE_6_10,
        outline="A child living with domestic abuse; a faith group's concerns were not "
                "taken up.",
        reason="Responses to referrals from non-professionals.",
        decision=ReferralDecision.LEARNING_BRIEFING, decided=D(2023, 3, 15),
        rationale="A briefing on listening to concerns raised by community and faith groups.",
        themes=("Domestic abuse", "Voice and lived experience of the child"),
        harms=("domestic_abuse", "emotional"),
    )
    if p:
        d.stages(p.practice_reviews.get(), {"Learning points drafted": D(2023, 4, 19),
                                             "Briefing approved by the subgroup": D(2023, 5, 17),
                                             "completed": D(2023, 6, 14)})
