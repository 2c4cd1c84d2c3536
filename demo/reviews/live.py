"""Open cases whose clocks run from today: a notification just in, one whose panel is near,
one overdue, a referral awaiting the subgroup and an LCSPR under way."""

from __future__ import annotations

import datetime as dt

from demo.reviews import summaries
from demo.reviews.builder import Demo
from reviews import services
from reviews.models import (
    AgeBand,
    IncidentType,
    LocalRoute,
    PanelResponse,
    RapidReviewDecision,
    Route,
    YesNoUnknown,
)


def live_cases(d: Demo):
    """Open cases whose clocks run from today: a notification just in, one whose panel is
    near, one overdue, a referral awaiting the subgroup and an LCSPR under way."""
    year = d.wd(-1).year
    a = d.case(
        f"SLPR-{year}-101", route=Route.NOTIFICATION,
        children=[{"pseudonym": "Child A", "age_band": AgeBand.AGE_11_15}],
        agencies=["WMP", "SCT", "SWBNHS"], incident_date=d.wd(-3), became_aware_on=d.wd(-2),
        referral_received_on=d.wd(-1), incident_type=IncidentType.SERIOUS_HARM,
        harm_categories=["sexual", "exploitation"], police_investigation=YesNoUnknown.YES,
        case_outline="A 14-year-old found after being missing for three days; sexual "
                     "exploitation suspected.",
        themes=d.themes("Exploitation"),
    )
    if a:
        summaries.just_asked(d, a.rapid_review)
    b_received = d.wd(-12)
    b = d.case(
        f"SLPR-{b_received.year}-102", route=Route.NOTIFICATION,
        children=[{"pseudonym": "Baby B", "age_band": AgeBand.UNDER_1},
                  {"pseudonym": "Child B2", "age_band": AgeBand.AGE_1_5}],
        agencies=["SWBNHS", "SCT", "WMP", "WMAS", "ICB"], incident_date=d.wd(-14),
        became_aware_on=d.wd(-13), referral_received_on=b_received,
        notification_submitted_on=d.wd(-11), incident_type=IncidentType.SERIOUS_HARM,
        harm_categories=["physical", "domestic_abuse"], police_investigation=YesNoUnknown.YES,
        case_outline="A baby with a skull fracture; domestic abuse known to police. A sibling "
                     "aged 3 is also in the household.",
        themes=d.themes("Unborn and under-1s", "Domestic abuse", "Fathers and male carers"),
    )
    if b:
        services.rr_update(by=d.coordinator, rr=b.rapid_review, today=d.today,
                           meeting_date=d.wd(1),
                           facts_and_chronology="Agency summaries coming in.")
        summaries.near_panel(d, b.rapid_review)
    c_received = d.wd(-18)
    c = d.case(
        f"SLPR-{c_received.year}-103", route=Route.NOTIFICATION,
        children=[{"pseudonym": "Child C", "age_band": AgeBand.AGE_6_10}],
        agencies=["SCT", "EDU", "WMP"], incident_date=d.wd(-20), became_aware_on=d.wd(-19),
        referral_received_on=c_received, notification_submitted_on=d.wd(-13),
        late_notification_reason="Waited for the hospital to confirm the injuries were not "
                                 "accidental; the guidance is to notify while unsure.",
        incident_type=IncidentType.SERIOUS_HARM, harm_categories=["physical", "neglect"],
        case_outline="A child with burns; home conditions poor; school had raised concerns.",
        themes=d.themes("Neglect", "Early help"),
    )
    if c:
        rr = d.rapid_review(
            c, meeting=d.wd(-6),
            attendees=[("Dez Lambert", "SLPR subgroup chair", "SCSP BU"),
                       ("Jo Whitehouse", "SLPR review co-ordinator", "SCSP BU"),
                       ("Sunita Kaur", "Head of safeguarding", "SCT"),
                       ("Claire Bennett", "Education safeguarding lead", "EDU")],
            apologies=[("Gareth Price", "Detective Inspector", "WMP")],
            summaries=[("SCT", d.wd(-17), d.wd(-10)), ("EDU", d.wd(-17), d.wd(-9)),
                       ("WMP", d.wd(-17), d.wd(-7))],
            sections={"facts_and_chronology": "Early help offered twice and declined.",
                      "learning_multi_agency": "Escalation when early help is declined."},
            decision=RapidReviewDecision.LOCAL_ROUTE, local_route=LocalRoute.SPOTLIGHT,
            rationale="Not an LCSPR; a Spotlight Review will look at declined early help.",
            sign_offs=[("SCT", "Sunita Kaur", "Chief Executive (delegate)", d.wd(-4))],
        )
        d.rr_actions(rr, [
            {"agency": "EDU", "what": "Remind schools how to escalate when early help is "
             "declined.", "measure": "Bulletin sent; escalations logged.",
             "by": d.today + dt.timedelta(days=21)},
            {"agency": "SCT", "what": "Dip sample declined early help cases from the last "
             "quarter.", "measure": "20 cases sampled; findings to SLPR.",
             "by": d.today + dt.timedelta(days=45)},
        ], created=d.wd(-6))
    d.referral(
        f"SLPR-{d.wd(-7).year}-104", pseudonym="Child D", referrer="EDU", received=d.wd(-7),
        incident=d.wd(-25), agencies=["EDU", "SCT"], age_band=AgeBand.AGE_11_15,
        outline="A pupil excluded twice this term; found to be caring for a parent.",
        reason="School exclusions and young carers.", decision=None, decided=None, rationale="",
        themes=("School exclusions",), harms=(),
    )
    e_received = d.wd(-90)
    e = d.case(
        f"SLPR-{e_received.year}-105", route=Route.NOTIFICATION,
        children=[{"pseudonym": "Young Person E", "age_band": AgeBand.AGE_16_17}],
        agencies=["WMP", "SCT", "BCHFT", "EDU"], incident_date=d.wd(-93),
        became_aware_on=d.wd(-92), referral_received_on=e_received,
        notification_submitted_on=d.wd(-90), incident_type=IncidentType.DEATH,
        harm_categories=["suicide"], police_investigation=YesNoUnknown.NO,
        case_outline="A 17-year-old who died by suspected suicide; known to mental health "
                     "services.",
        themes=d.themes("Transitions to adult services", "Voice and lived experience of the child"),
    )
    if e:
        rr = d.rapid_review(
            e, meeting=d.wd(-80),
            attendees=[("Dez Lambert", "SLPR subgroup chair", "SCSP BU"),
                       ("Jo Whitehouse", "SLPR review co-ordinator", "SCSP BU"),
                       ("Gareth Price", "Detective Inspector", "WMP"),
                       ("Sunita Kaur", "Head of safeguarding", "SCT")],
            summaries=[("WMP", d.wd(-89), d.wd(-84)), ("SCT", d.wd(-89), d.wd(-83)),
                       ("BCHFT", d.wd(-89), d.wd(-82))],
            sections={"facts_and_chronology": "Waiting list for CAMHS; moved school."},
            decision=RapidReviewDecision.LCSPR,
            rationale="Criteria met; learning about mental health and transitions.",
            sign_offs=[(s, n, r, d.wd(-78)) for s, n, r in (
                ("SMBC", "Helen Carter", "Director of Children's Services"),
                ("WMP", "Gareth Price", "Detective Superintendent"),
                ("ICB", "Fiona Walsh", "Chief Nursing Officer"),
                ("SCT", "Sunita Kaur", "Chief Executive (delegate)"))],
            sent=d.wd(-77), response=PanelResponse.AGREES, response_on=d.wd(-60),
        )
        review = rr.practice_reviews.get()
        d.stages(review, {"Decision agreed by the National Panel": d.wd(-60),
                          "Family told and offered an advocate": d.wd(-70),
                          "Terms of reference agreed": d.wd(-55),
                          "Reviewer appointed and method chosen": d.wd(-50)})
        services.review_add_progress_check(
            by=d.coordinator, review=review, today=d.today, checked_on=d.wd(-10),
            note="Agency reports due; reviewer on track.")
