"""POST entries for audits (the world: ``rows_audits.build_world``, plus the audits below).

The co-ordinator manages audits (``Ability.MANAGE_AUDITS``) and records findings
(``RECORD_FINDINGS``); WMP's lead and officer complete WMP's returns
(``COMPLETE_AUDIT_RETURNS``, their agency's only); the chair and the scrutineer read. An
agency taking part gets 403 to what it may not do, an agency outside the audit 404."""

import datetime as dt

from django.utils import timezone

from audits import services
from audits.models import AgencyReturn, Audit, AuditStatus, Grade
from scsp.models import Role
from scsp.permissions import Ability
from tests.audits.factories import answer_all, make_macfa, return_of, submit
from tests.factories import UserFactory
from tests.matrix.posting import Post

OWN_AGENCY = ("wmp_lead", "wmp_officer")


def _open(w):
    return {"pk": w["macfa_open"].pk}


def _return(audit, ret):
    return lambda w: {"pk": w[audit].pk, "return_pk": w[ret].pk}


def today():
    return timezone.localdate().isoformat()


def build_world(world, personas):
    coordinator, wmp_officer = personas["coordinator"], personas["wmp_officer"]
    wmp, swbnhs = wmp_officer.agency, personas["health_officer"].agency
    day = timezone.localdate()
    # A case nobody answered about yet, to take out of the open MACFA's sample.
    world["spare_case"] = services.case_add(by=coordinator, audit=world["macfa_open"],
                                            reference="MACFA-T-09")
    # WMP has answered everything but not submitted: its return can be submitted.
    complete = make_macfa(coordinator, [wmp, swbnhs], title="Ready to submit", today=day)
    world["macfa_complete"] = complete
    world["complete_wmp_return"] = answer_all(wmp_officer, return_of(complete, wmp), Grade.GOOD)
    # WMP has submitted: the co-ordinator can reopen it while the audit is in progress.
    submitted = make_macfa(coordinator, [wmp, swbnhs], title="Submitted", today=day)
    world["macfa_submitted"] = submitted
    world["submitted_wmp_return"] = submit(
        wmp_officer, answer_all(wmp_officer, return_of(submitted, wmp), Grade.GOOD))
    # SCT has submitted the SCT-only MACFA: it can move to moderation.
    sct_officer = UserFactory(agency=world["macfa_sct"].returns.get().agency,
                              role=Role.AGENCY_OFFICER)
    submit(sct_officer, answer_all(sct_officer, world["macfa_sct"].returns.get(), Grade.GOOD))


def _audit(title):
    def check(world, user, response):
        audit = Audit.objects.get(title=title)
        assert audit.lead == user and audit.status == AuditStatus.PLANNED
    return check


def _return_status(name, status, by):
    def check(world, user, response):
        ret = AgencyReturn.objects.get(pk=world[name].pk)
        assert ret.status == status and ret.agency_id == world[name].agency_id
        if by:
            assert ret.submitted_by == user
    return check


POSTS = [
    Post("audits:audit_create", ability=Ability.MANAGE_AUDITS,
         allowed=("coordinator",), kwargs=lambda w: {"kind": "macfa"},
         data=lambda w, u: {"title": "Neglect: the voice of the child",
                            "planned_start": today(), "agencies": [w["wmp_return"].agency_id],
                            "case_references": "MACFA-N-01\r\nMACFA-N-02\r\n"},
         writes={"audits.Audit": "+", "audits.AuditCase": "+", "audits.Question": "+",
                 "audits.AgencyReturn": "+"},
         changes=("audits.Audit", "audits.AuditCase", "audits.Question", "audits.AgencyReturn"),
         check=_audit("Neglect: the voice of the child")),
    Post("audits:audit_update", ability=Ability.MANAGE_AUDITS,
         allowed=("coordinator",), kwargs=_open,
         data=lambda w, u: {"description": "Referrals from family and friends."},
         writes={"audits.Audit": "description"}),
    Post("audits:audit_transition", ability=Ability.MANAGE_AUDITS,
         allowed=("coordinator",), form=False,
         kwargs=lambda w: {"pk": w["macfa_sct"].pk}, data=lambda w, u: {"to": "moderation"},
         writes={"audits.Audit": "status"}),
    Post("audits:participants_update", ability=Ability.MANAGE_AUDITS,
         allowed=("coordinator",), kwargs=_open,
         data=lambda w, u: {"agencies": [str(w["wmp_return"].agency_id)]},
         writes={"audits.AgencyReturn": "-"},
         note="SWBNHS, which has not started, leaves the audit"),
    Post("audits:case_list", ability=Ability.MANAGE_AUDITS,
         allowed=("coordinator",), kwargs=_open,
         data=lambda w, u: {"reference": "MACFA-T-10", "summary": "Sibling group."},
         writes={"audits.AuditCase": "+"}),
    Post("audits:case_remove", ability=Ability.MANAGE_AUDITS,
         allowed=("coordinator",), form=False,
         kwargs=lambda w: {"pk": w["macfa_open"].pk, "case_pk": w["spare_case"].pk},
         writes={"audits.AuditCase": "-"}),
    Post("audits:tool_list", ability=Ability.MANAGE_AUDITS,
         allowed=("coordinator",), kwargs=_open,
         data=lambda w, u: {"text": "Were fathers seen?", "short_label": "Fathers"},
         writes={"audits.Question": "+"}),
    Post("audits:tool_item_update", ability=Ability.MANAGE_AUDITS,
         allowed=("coordinator",),
         kwargs=lambda w: {"pk": w["macfa_open"].pk, "item_pk": w["question"].pk},
         data=lambda w, u: {"short_label": "Voice of the child"},
         writes={"audits.Question": "short_label"}),
    Post("audits:tool_item_remove", ability=Ability.MANAGE_AUDITS,
         allowed=("coordinator",), form=False,
         kwargs=lambda w: {"pk": w["macfa_open"].pk, "item_pk": w["question"].pk},
         writes={"audits.Question": "- number"}),
    Post("audits:return_case_update", ability=Ability.COMPLETE_AUDIT_RETURNS,
         allowed=OWN_AGENCY,
         kwargs=lambda w: {"pk": w["macfa_open"].pk, "return_pk": w["wmp_return"].pk,
                           "case_pk": w["case"].pk},
         data=lambda w, u: {f"q{w['question'].pk}_answer": "yes",
                            f"q{w['question'].pk}_grade": "good",
                            f"q{w['question'].pk}_narrative": "Seen alone twice."},
         writes={"audits.Answer": "+", "audits.AgencyReturn": "updated_at updated_by status"},
         changes=("audits.Answer",)),
    Post("audits:return_ratings_update", ability=Ability.COMPLETE_AUDIT_RETURNS,
         allowed=OWN_AGENCY,
         kwargs=_return("s11", "s11_wmp_return"),
         data=lambda w, u: {f"s{w['s11'].standards.first().pk}_rag": "green",
                            f"s{w['s11'].standards.first().pk}_evidence": "Policy reviewed."},
         writes={"audits.StandardRating": "+",
                 "audits.AgencyReturn": "updated_at updated_by status"},
         changes=("audits.StandardRating",)),
    Post("audits:return_submit", ability=Ability.COMPLETE_AUDIT_RETURNS,
         allowed=OWN_AGENCY, form=False,
         kwargs=_return("macfa_complete", "complete_wmp_return"),
         writes={"audits.AgencyReturn": "status submitted_at submitted_by"},
         check=_return_status("complete_wmp_return", "submitted", by=True)),
    Post("audits:return_reopen", ability=Ability.MANAGE_AUDITS,
         allowed=("coordinator",), form=False,
         kwargs=_return("macfa_submitted", "submitted_wmp_return"),
         writes={"audits.AgencyReturn": "status submitted_at submitted_by"},
         check=_return_status("submitted_wmp_return", "draft", by=False)),
    Post("audits:moderation_update", ability=Ability.MANAGE_AUDITS,
         allowed=("coordinator",),
         kwargs=lambda w: {"pk": w["macfa_mod"].pk},
         data=lambda w, u: {"notes": "Fathers were rarely seen."},
         writes={"audits.Audit": "moderation_notes"}),
    Post("audits:finding_create", ability=Ability.RECORD_FINDINGS,
         allowed=("coordinator",),
         kwargs=lambda w: {"pk": w["macfa_mod"].pk},
         data=lambda w, u: {"kind": "strength", "text": "Referrals screened the same day."},
         writes={"audits.Finding": "+", "actions.Recommendation": "+",
                 "actions.ActionPlan": "+"},
         changes=("audits.Finding", "actions.Recommendation")),
    Post("audits:finding_action_create", ability=Ability.RECORD_FINDINGS,
         allowed=("coordinator",),
         kwargs=lambda w: {"pk": w["macfa_mod"].pk, "finding_pk": w["finding"].pk},
         data=lambda w, u: {
             "description": "Brief response officers on fathers.",
             "success_measure": "Dip sample: fathers contacted in 80%.",
             "lead_agency": w["wmp_return"].agency_id,
             "lead_officer": w["wmp_action"].lead_officer_id,
             "target_date": (timezone.localdate() + dt.timedelta(days=60)).isoformat()},
         writes={"actions.Action": "+", "scsp.Reminder": "+"}, changes=("actions.Action",)),
    Post("audits:rota_presented", ability=Ability.MANAGE_AUDITS,
         allowed=("coordinator",),
         kwargs=lambda w: {"pk": w["slot"].pk},
         writes={"audits.Audit": "date_presented actual_start status"}),
]
