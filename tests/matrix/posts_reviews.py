"""POST entries for cases, Rapid Reviews and practice reviews (the world:
``rows_reviews.build_world``).

Only the business unit changes them (``Ability.MANAGE_REVIEWS``); an agency safeguarding lead
also refers a case (``REFER_CASES``) and the chair signs a Rapid Review off in person
(``SIGN_OFF_RAPID_REVIEWS``). People who may see a record get 403 to a change, the others
404 (the GET rows)."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from reviews.models import Case, SignOff, StageKey
from scsp.permissions import Ability
from tests.matrix.posting import Post

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def pk(name):
    return lambda w: {"pk": w[name].pk}


def today():
    return timezone.localdate().isoformat()


def case_form(w, u):
    """A new case as the form's browser sends it (the children formset is on the page)."""
    return {
        "incident_date": "2022-04-10", "became_aware_on": "2022-04-11",
        "notification_submitted_on": "2022-04-13", "referral_received_on": "2022-04-12",
        "incident_type": "serious_harm", "harm_categories": ["physical"],
        "location": "in_area", "case_outline": "A young person was assaulted.",
        "police_investigation": "yes", "immediate_safeguarding_actions": "Safety plan.",
        "agencies_involved": [w["case_wmp"].agencies_involved.first().pk],
        "children-0-pseudonym": "Child 9", "children-0-age_band": "16_17",
        "referral_reason": "Learning about exploitation.",
        "referring_agency": w["case_wmp"].agencies_involved.first().pk,
    }


def _new_case(route):
    def check(world, user, response):
        case = Case.objects.get(children__pseudonym="Child 9")
        assert case.route == route and case.created_by == user
        assert list(case.agencies_involved.all()) == list(
            world["case_wmp"].agencies_involved.all())
    return check


def _signed_off(world, user, response):
    sign_off = SignOff.objects.get(rapid_review=world["rr_wmp"])
    assert sign_off.recorded_by == user
    if sign_off.signed_by is not None:  # the chair, in person
        assert (sign_off.signed_by, sign_off.agency) == (user, user.agency)


def _partner_signed(world, user, response):
    sign_off = SignOff.objects.get(rapid_review=world["rr_wmp"])
    assert (sign_off.signed_by, sign_off.agency, sign_off.how) == (user, user.agency, "")
    assert sign_off.version_at == world["rr_wmp"].__class__.objects.get(
        pk=world["rr_wmp"].pk).version_at


POSTS = [
    Post("reviews:case_notify", ability=Ability.LOG_NOTIFICATIONS,
         allowed=("coordinator",), data=case_form,
         writes={"reviews.Case": "+", "reviews.Case_agencies_involved": "+",
                 "reviews.Child": "+", "reviews.CaseHarm": "+", "reviews.RapidReview": "+",
                 "actions.ActionPlan": "+"},
         changes=("reviews.Case", "reviews.Child", "reviews.RapidReview"),
         check=_new_case("notification")),
    Post("reviews:case_refer", ability=Ability.REFER_CASES,
         allowed=("coordinator", "wmp_lead"), data=case_form,
         writes={"reviews.Case": "+", "reviews.Case_agencies_involved": "+",
                 "reviews.Child": "+", "reviews.CaseHarm": "+"},
         changes=("reviews.Case", "reviews.Child"), check=_new_case("referral")),
    Post("reviews:case_update", ability=Ability.MANAGE_REVIEWS,
         allowed=("coordinator",), kwargs=pk("case_health"),
         data=lambda w, u: {"case_outline": "Edited outline."},
         writes={"reviews.Case": "case_outline"}),
    Post("reviews:case_legal_hold", ability=Ability.PLACE_LEGAL_HOLD,
         allowed=("coordinator",), kwargs=pk("case_health"),
         data=lambda w, u: {"reason": "Civil claim notified by the legal team."},
         writes={"reviews.Case": "legal_hold legal_hold_reason legal_hold_since"}),
    Post("reviews:case_children", ability=Ability.MANAGE_REVIEWS,
         allowed=("coordinator",), kwargs=pk("case_wmp"),
         data=lambda w, u: {"children-0-pseudonym": "Child 12"},
         writes={"reviews.Child": "pseudonym"}),
    Post("reviews:referral_decide", ability=Ability.MANAGE_REVIEWS,
         allowed=("coordinator",), kwargs=pk("case_health"),
         data=lambda w, u: {"rationale": "Learning for health visiting, agreed again."},
         writes={"reviews.SpotlightReferral": "rationale"}),
    Post("reviews:rr_update", ability=Ability.MANAGE_REVIEWS,
         allowed=("coordinator",), kwargs=pk("rr_wmp"),
         data=lambda w, u: {"good_practice": "Prompt strategy discussion."},
         writes={"reviews.RapidReview": "good_practice version_at"}),
    Post("reviews:rr_attendees", ability=Ability.MANAGE_REVIEWS,
         allowed=("coordinator",), kwargs=pk("rr_wmp"),
         data=lambda w, u: {"people-0-name": "Gareth Price", "people-0-role": "DI",
                            "people-0-agency": w["case_wmp"].agencies_involved.first().pk,
                            "people-0-attendance": "attended"},
         writes={"reviews.Attendee": "+", "reviews.RapidReview": "version_at"},
         changes=("reviews.Attendee",)),
    Post("reviews:rr_summaries", ability=Ability.MANAGE_REVIEWS,
         allowed=("coordinator",), kwargs=pk("rr_wmp"),
         data=lambda w, u: {"summaries-1-received_on": today()},
         writes={"reviews.AgencySummary": "status received_on"},
         note="row 1 is WMP's draft (row 0 SWBNHS's submitted summary, which it leaves alone)",
         changes=("reviews.AgencySummary",)),
    Post("reviews:rr_decide", ability=Ability.MANAGE_REVIEWS,
         allowed=("coordinator",), kwargs=pk("rr_wmp"),
         data=lambda w, u: {"decision_rationale": "Criteria for an LCSPR are met, again."},
         writes={"reviews.RapidReview": "decision_rationale version_at"},
         changes=("reviews.RapidReview",)),
    Post("reviews:rr_sign_off", ability=Ability.SIGN_OFF_RAPID_REVIEWS,
         allowed=("coordinator", "chair"), kwargs=pk("rr_wmp"),
         data=lambda w, u: {"agency": w["case_wmp"].agencies_involved.first().pk,
                            "signed_by_name": "Dana Partner", "signed_by_role": "Director",
                            "signed_on": today()},
         writes={"reviews.SignOff": "+"}, check=_signed_off,
         note="the chair's form has no fields (they sign in person): the partner's fields "
              "sent to it are ignored"),
    Post("reviews:rr_panel", ability=Ability.MANAGE_REVIEWS,
         allowed=("coordinator",), kwargs=pk("rr_wmp"),
         data=lambda w, u: {"sent_to_panel_on": "2022-05-03"},
         writes={"reviews.RapidReview": "sent_to_panel_on"}),
    Post("reviews:rr_action_create", ability=Ability.MANAGE_REVIEWS,
         allowed=("coordinator",), kwargs=pk("rr_wmp"),
         data=lambda w, u: {
             "title": "WMP briefing", "description": "Brief WMP staff.",
             "success_measure": "All staff briefed.",
             "lead_agency": w["case_wmp"].agencies_involved.first().pk,
             "lead_officer": w["wmp_action"].lead_officer_id,
             "target_date": (timezone.localdate() + dt.timedelta(days=60)).isoformat()},
         writes={"actions.Action": "+", "scsp.Reminder": "+", "reviews.RapidReview": "version_at"},
         changes=("actions.Action",)),
    Post("reviews:rr_summaries_ask", ability=Ability.MANAGE_REVIEWS,
         allowed=("coordinator",), kwargs=pk("rr_wmp"),
         data=lambda w, u: {"due_on": (timezone.localdate() + dt.timedelta(days=9)).isoformat()},
         writes={"reviews.AgencySummary": "due_on"}),
    Post("reviews:rr_partner_sign_off", ability=Ability.SIGN_OFF_FOR_AGENCY,
         allowed=("wmp_lead",), kwargs=pk("rr_wmp"), data=lambda w, u: {"confirm": "on"},
         writes={"reviews.SignOff": "+"}, check=_partner_signed),
    Post("reviews:summary_edit", ability=Ability.WRITE_AGENCY_SUMMARIES,
         allowed=("wmp_lead",), kwargs=pk("summary_wmp"),
         data=lambda w, u: {"learning_agency": "Refer the same day."},
         writes={"reviews.AgencySummary": "learning_agency updated_at"}),
    Post("reviews:summary_chronology", ability=Ability.WRITE_AGENCY_SUMMARIES,
         allowed=("wmp_lead",), kwargs=pk("summary_wmp"),
         data=lambda w, u: {"entries-1-happened_on": "2022-03-01",
                            "entries-1-what": "Strategy discussion", "entries-1-who": "DS"},
         writes={"reviews.ChronologyEntry": "+", "reviews.AgencySummary": "updated_at"},
         changes=("reviews.ChronologyEntry",)),
    Post("reviews:summary_actions", ability=Ability.WRITE_AGENCY_SUMMARIES,
         allowed=("wmp_lead",), kwargs=pk("summary_wmp"),
         data=lambda w, u: {"proposed-1-description": "Train call handlers",
                            "proposed-1-success_measure": "All trained",
                            "proposed-1-target_date": (timezone.localdate()
                                                       + dt.timedelta(days=60)).isoformat()},
         writes={"reviews.ProposedAction": "+", "reviews.AgencySummary": "updated_at"},
         changes=("reviews.ProposedAction",)),
    Post("reviews:summary_delegate", ability=Ability.DELEGATE_AGENCY_SUMMARIES,
         allowed=("wmp_lead",), kwargs=pk("summary_wmp"),
         data=lambda w, u: {"writer": w["summary_wmp"].agency.people.filter(
             role="agency_officer", is_active=True).order_by("pk").first().pk},
         writes={"reviews.AgencySummary": "writer"}),
    Post("reviews:summary_submit", ability=Ability.WRITE_AGENCY_SUMMARIES,
         allowed=("wmp_lead",), kwargs=pk("summary_wmp"), form=False,
         denied={"coordinator": 403},
         writes={"reviews.AgencySummary": "status submitted_at submitted_by received_on "
                                          "updated_at"}),
    Post("reviews:summary_return", ability=Ability.MANAGE_REVIEWS,
         allowed=("coordinator",), kwargs=pk("summary_health"),
         data=lambda w, u: {"comment": "Add the GP's involvement."},
         writes={"reviews.AgencySummary": "status return_comment submitted_at received_on"}),
    Post("reviews:summary_accept", ability=Ability.MANAGE_REVIEWS,
         allowed=("coordinator",), kwargs=pk("summary_health"), form=False,
         writes={"reviews.AgencySummary": "actions_accepted_at",
                 "reviews.ProposedAction": "action", "actions.Action": "+",
                 "actions.ActionPlan": "+", "scsp.Reminder": "+",
                 "reviews.RapidReview": "version_at action_plan"},
         changes=("actions.Action", "reviews.ProposedAction")),
    Post("reviews:review_create", ability=Ability.MANAGE_REVIEWS,
         allowed=("coordinator",),
         data=lambda w, u: {"kind": "spotlight", "title": "Spotlight: neglect",
                            "decision_date": today(), "cases": [w["case_wmp"].pk]},
         writes={"reviews.PracticeReview": "+", "reviews.PracticeReview_cases": "+",
                 "reviews.ReviewStage": "+", "actions.ActionPlan": "+"},
         changes=("reviews.PracticeReview", "reviews.PracticeReview_cases",
                  "reviews.ReviewStage")),
    Post("reviews:review_update", ability=Ability.MANAGE_REVIEWS,
         allowed=("coordinator",), kwargs=pk("review_lb"),
         data=lambda w, u: {"reviewer": "Independent reviewer"},
         writes={"reviews.PracticeReview": "reviewer"}),
    Post("reviews:review_stages", ability=Ability.MANAGE_REVIEWS,
         allowed=("coordinator",), kwargs=pk("review_lb"),
         data=lambda w, u: {"stages-0-note": "Done early."},
         writes={"reviews.ReviewStage": "note"}),
    Post("reviews:review_check_create", ability=Ability.MANAGE_REVIEWS,
         allowed=("coordinator",), kwargs=pk("review_lb"),
         data=lambda w, u: {"checked_on": today(), "on_track": "on", "note": "On track."},
         writes={"reviews.ProgressCheck": "+"}),
    Post("reviews:review_recommendation_create", ability=Ability.MANAGE_REVIEWS,
         allowed=("coordinator",),
         kwargs=pk("review_lb"), data=lambda w, u: {"text": "Share the briefing."},
         writes={"actions.Recommendation": "+"}),
    Post("reviews:review_outcome", ability=Ability.MANAGE_REVIEWS,
         allowed=("coordinator",), kwargs=pk("review_lb"),
         data=lambda w, u: {"completed_on": today(), "summary": "What we learnt."},
         writes={"reviews.ReviewStage": "actual_date", "reviews.PracticeReview": "summary status",
                 "reviews.Case": "status"},
         changes=("reviews.ReviewStage", "reviews.PracticeReview"),
         note="the world marks the briefing's stages done (build_world below)"),
    Post("reviews:review_briefing_upload", ability=Ability.MANAGE_REVIEWS,
         allowed=("coordinator",), kwargs=pk("review_lb"),
         files=lambda w: {"file": SimpleUploadedFile("briefing-2.pdf", PDF,
                                                     content_type="application/pdf")},
         writes={"reviews.BriefingFile": "+"}),
]


def build_world(world, personas):
    """The learning briefing's stages are done but its completion, which can be recorded."""
    review = world["review_lb"]
    review.stages.exclude(key=StageKey.COMPLETED).update(actual_date=review.decision_date)
