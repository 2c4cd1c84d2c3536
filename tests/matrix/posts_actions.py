"""POST entries for action plans and actions (the world: ``rows_actions.build_world``).

Only the co-ordinator creates and edits plans and actions and decides dates and closures; the
owners (the co-ordinator, and WMP's lead and officer for WMP's actions) add progress, impact
and date requests; the co-ordinator or the chair signs off and returns a completed action
nobody of them took part in. Anyone signed in may replace their own calendar address."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from actions.models import Action, ActionPlan, ActionStatus, ProgressUpdate, TargetDateChange
from scsp.permissions import Ability
from tests.matrix import PERSONAS
from tests.matrix.posting import Post
from tests.matrix.rows_actions import IMPORT_CSV

OWNERS = ("coordinator", "wmp_lead", "wmp_officer")
SIGNED_IN = tuple(p for p in PERSONAS if p != "anonymous")
#: The notices an action's step may queue (scsp.Reminder rows, sent by the next sweep).
NOTICES = {"scsp.Reminder": "+"}


def pk(name):
    return lambda w: {"pk": w[name].pk}


def later(days):
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def _other_wmp_officer(world):
    from scsp.models import User

    action = world["wmp_action"]
    return (User.objects.filter(agency_id=action.lead_agency_id, is_active=True)
            .exclude(pk=action.lead_officer_id).order_by("pk").values_list("pk", flat=True)
            .first())


def _status(name, status, by=None):
    def check(world, user, response):
        action = Action.objects.get(pk=world[name].pk)
        assert action.status == status, action.status
        assert action.lead_agency_id == world[name].lead_agency_id
        if by:
            assert getattr(action, by) == user
    return check


def _new_plan(world, user, response):
    plan = ActionPlan.objects.get(title="Ofsted ILACS May 2022")
    assert plan.owner == user and plan.reference.startswith("AP-")


def _new_action(world, user, response):
    action = Action.objects.get(title="Brief response officers")
    assert (action.lead_agency, action.created_by) == (world["wmp_action"].lead_agency, user)
    assert action.status == ActionStatus.NOT_STARTED and action.version == 1


def _progress(world, user, response):
    update = ProgressUpdate.objects.get(note="Half the teams briefed.")
    assert update.author == user and update.status_to == ""
    assert Action.objects.get(pk=world["wmp_action"].pk).status == ActionStatus.IN_PROGRESS


def _decided(world, user, response):
    change = TargetDateChange.objects.get(pk=world["date_change"].pk)
    assert change.decision == TargetDateChange.Decision.AGREED and change.decided_by == user
    assert Action.objects.get(pk=change.action_id).target_date == change.new_date


def _calendar(world, user, response):
    from scsp.models import User

    assert User.objects.get(pk=user.pk).calendar_token != user.calendar_token


def _imported(world, user, response):
    from actions.models import PlanImport

    batch = PlanImport.objects.get(pk=world["plan_import"].pk)
    assert (batch.imported_by, batch.actions_added, batch.plans_added) == (user, 1, 1)
    action = Action.objects.get(plan__external_reference="MX-2022")
    assert action.entered_after_event_by == user and action.lead_agency.short_name == "WMP"


POSTS = [
    Post("actions:import_start", ability=Ability.IMPORT_PLANS, allowed=("coordinator",),
         files=lambda w: {"file": SimpleUploadedFile("tracker.csv", IMPORT_CSV)},
         writes={"actions.PlanImport": "+"}),
    Post("actions:import_check", ability=Ability.IMPORT_PLANS, allowed=("coordinator",),
         kwargs=pk("plan_import"),
         writes={"actions.PlanImport": "imported_at imported_by plans_added actions_added",
                 "actions.ActionPlan": "+", "actions.Action": "+",
                 "actions.Recommendation": "+"},
         changes=("actions.PlanImport", "actions.ActionPlan", "actions.Action"),
         check=_imported, note="the page's hidden field carries the check the person saw"),
    Post("actions:plan_create", ability=Ability.MANAGE_PLANS,
         allowed=("coordinator",),
         data=lambda w, u: {"title": "Ofsted ILACS May 2022", "origin_kind": "ofsted"},
         writes={"actions.ActionPlan": "+"}, check=_new_plan),
    Post("actions:plan_update", ability=Ability.MANAGE_PLANS,
         allowed=("coordinator",), kwargs=pk("health_plan"),
         data=lambda w, u: {"title": "Health visiting: the learning"},
         writes={"actions.ActionPlan": "title"}),
    Post("actions:recommendation_create", ability=Ability.MANAGE_PLANS,
         allowed=("coordinator",), kwargs=pk("shared_plan"),
         data=lambda w, u: {"text": "Involve fathers in assessments."},
         writes={"actions.Recommendation": "+"}),
    Post("actions:action_create", ability=Ability.MANAGE_PLANS,
         allowed=("coordinator",), kwargs=pk("shared_plan"),
         data=lambda w, u: {
             "title": "Brief response officers", "description": "Brief every response team.",
             "success_measure": "Dip sample: fathers contacted in 80% of cases.",
             "lead_agency": w["wmp_action"].lead_agency_id,
             "lead_officer": w["wmp_action"].lead_officer_id, "target_date": later(60)},
         writes={"actions.Action": "+", **NOTICES}, changes=("actions.Action",),
         check=_new_action),
    Post("actions:action_update", ability=Ability.MANAGE_PLANS,
         allowed=("coordinator",), kwargs=pk("wmp_action"),
         data=lambda w, u: {"title": "Brief every response team"},
         writes={"actions.Action": "title version"}),
    Post("actions:action_reassign", ability=Ability.REASSIGN_ACTIONS,
         allowed=("coordinator", "wmp_lead"), kwargs=pk("wmp_action"),
         data=lambda w, u: {"lead_officer": _other_wmp_officer(w), "reason": "On leave."},
         writes={"actions.Action": "lead_officer version", **NOTICES}),
    Post("actions:action_progress", ability=Ability.UPDATE_ACTIONS,
         allowed=OWNERS, kwargs=pk("wmp_action"),
         data=lambda w, u: {"note": "Half the teams briefed."},
         writes={"actions.Action": "last_update_at version", "actions.ProgressUpdate": "+",
                 **NOTICES},
         changes=("actions.ProgressUpdate",), check=_progress),
    Post("actions:action_complete", ability=Ability.UPDATE_ACTIONS,
         allowed=OWNERS, kwargs=pk("wmp_action"),
         data=lambda w, u: {"completion_evidence": "Every team briefed; register attached."},
         writes={"actions.Action": "status completion_evidence completed_on at_risk blocked "
                                   "last_update_at version",
                 "actions.ProgressUpdate": "+", **NOTICES},
         changes=("actions.ProgressUpdate", "actions.Action")),
    Post("actions:action_impact", ability=Ability.UPDATE_ACTIONS,
         allowed=OWNERS, kwargs=pk("wmp_signed_off"),
         data=lambda w, u: {"impact_evidence": "Fathers are now seen in 8 of 10 cases."},
         writes={"actions.Action": "impact_evidence impact_recorded_at last_update_at version",
                 "actions.ProgressUpdate": "+", **NOTICES}),
    Post("actions:date_change_request", ability=Ability.UPDATE_ACTIONS,
         allowed=OWNERS, kwargs=pk("wmp_awaiting"),
         data=lambda w, u: {"new_date": later(120), "reason": "Staff shortages."},
         writes={"actions.TargetDateChange": "+", **NOTICES}),
    Post("actions:date_change_decide", ability=Ability.DECIDE_ACTIONS,
         allowed=("coordinator",), kwargs=pk("date_change"),
         data=lambda w, u: {"decision": "agreed", "decision_note": "Agreed at the meeting."},
         writes={"actions.TargetDateChange": "decision decision_note decided_by decided_at",
                 "actions.Action": "target_date version", **NOTICES},
         changes=("actions.TargetDateChange", "actions.Action"), check=_decided),
    Post("actions:action_sign_off", ability=Ability.SIGN_OFF_ACTIONS,
         allowed=("coordinator", "chair"), kwargs=pk("wmp_awaiting"),
         data=lambda w, u: {"note": "The register shows every team briefed."},
         writes={"actions.Action": "status signed_off_by signed_off_at version",
                 "actions.ProgressUpdate": "+", "actions.ImpactReview": "+", **NOTICES},
         changes=("actions.Action", "actions.ProgressUpdate"),
         check=_status("wmp_awaiting", ActionStatus.SIGNED_OFF, by="signed_off_by")),
    Post("actions:action_return", ability=Ability.SIGN_OFF_ACTIONS,
         allowed=("coordinator", "chair"), kwargs=pk("wmp_awaiting"),
         data=lambda w, u: {"reason": "Attach the briefing register."},
         writes={"actions.Action": "status completed_on version", "actions.ProgressUpdate": "+",
                 **NOTICES},
         changes=("actions.Action", "actions.ProgressUpdate"),
         check=_status("wmp_awaiting", ActionStatus.RETURNED)),
    Post("actions:decisions", ability=Ability.DECIDE_ACTIONS,
         allowed=("coordinator",),
         data=lambda w, u: {"actions": [w["wmp_awaiting"].pk], "decision": "sign_off",
                            "note": "Registers checked for each team."},
         writes={"actions.Action": "status signed_off_by signed_off_at version",
                 "actions.ProgressUpdate": "+", "actions.ImpactReview": "+", **NOTICES},
         changes=("actions.Action", "actions.ProgressUpdate"),
         check=_status("wmp_awaiting", ActionStatus.SIGNED_OFF, by="signed_off_by"),
         note="bulk sign-off: the ticked actions, each through action_sign_off"),
    Post("actions:action_close", ability=Ability.DECIDE_ACTIONS,
         allowed=("coordinator",), kwargs=pk("wmp_action"),
         data=lambda w, u: {"reason": "Superseded by the regional strategy."},
         writes={"actions.Action": "status closed_reason at_risk blocked version",
                 "actions.ProgressUpdate": "+", **NOTICES},
         changes=("actions.Action", "actions.ProgressUpdate"),
         check=_status("wmp_action", ActionStatus.CLOSED_NOT_COMPLETED)),
    Post("actions:impact_review_set", ability=Ability.SCHEDULE_IMPACT_REVIEWS,
         allowed=("coordinator",), kwargs=pk("wmp_review"),
         data=lambda w, u: {"choice": "date", "due_on": later(200)},
         writes={"actions.ImpactReview": "due_on status not_needed_reason",
                 "actions.ProgressUpdate": "+"},
         changes=("actions.ImpactReview",)),
    Post("actions:impact_evidence_add", ability=Ability.ADD_IMPACT_EVIDENCE,
         allowed=OWNERS, kwargs=pk("wmp_review"),
         data=lambda w, u: {"kind": "survey", "summary": "Staff say supervision changed."},
         writes={"actions.ImpactEvidence": "+", "actions.ProgressUpdate": "+"},
         changes=("actions.ImpactEvidence",)),
    Post("actions:impact_rate", ability=Ability.RATE_IMPACT,
         allowed=("coordinator", "chair"), kwargs=pk("wmp_review"),
         data=lambda w, u: {"rating": "evident", "rationale": "The re-audit shows it.",
                            "meeting_date": later(0)},
         writes={"actions.ImpactReview": "status", "actions.ImpactRating": "+",
                 "actions.ProgressUpdate": "+"},
         changes=("actions.ImpactRating", "actions.ImpactReview")),
    Post("actions:calendar", allowed=SIGNED_IN, writes={"scsp.User": "calendar_token"},
         data=lambda w, u: {"confirm": "on"},
         check=_calendar, note="replaces the person's own calendar address"),
    Post("actions:index", read_only=True, note="a function view: sends each role to a list"),
    Post("actions:calendar_feed", read_only=True,
         kwargs=lambda w: {"token": w["calendar_token"]}),
]
