"""Action plans in the persona x URL matrix.

The world: a plan shared by WMP and SWBNHS (each leads an action), and a plan only SWBNHS
leads. So WMP gets 404 on the SWBNHS plan and its evidence; the health officer reads the shared
plan but gets 403 on changing WMP's action in it; the chair and scrutineer read everything and
change nothing, except that the chair signs off and returns completed actions; only the
co-ordinator creates plans and actions and decides dates and closures."""

from django.utils import timezone

from actions.models import ActionStatus, ImpactReview
from tests.actions.factories import (
    ActionFactory,
    EvidenceFactory,
    PlanFactory,
    TargetDateChangeFactory,
)
from tests.matrix import PUBLIC, Row, only, statuses

BU = ("coordinator", "chair", "scrutineer")
PARTNERS = ("wmp_lead", "wmp_officer", "health_officer")


def build_world(world, personas):
    coordinator = personas["coordinator"]
    wmp_officer, health_officer = personas["wmp_officer"], personas["health_officer"]
    wmp, swbnhs = wmp_officer.agency, health_officer.agency
    shared = PlanFactory(reference="AP-2026-101", owner=coordinator)
    world["shared_plan"] = shared
    world["wmp_action"] = ActionFactory(plan=shared, number=1, lead_agency=wmp,
                                        lead_officer=wmp_officer)
    ActionFactory(plan=shared, number=2, lead_agency=swbnhs, lead_officer=health_officer)
    world["wmp_awaiting"] = ActionFactory(plan=shared, number=3, lead_agency=wmp,
                                          lead_officer=wmp_officer,
                                          status=ActionStatus.AWAITING_SIGN_OFF)
    world["wmp_signed_off"] = ActionFactory(plan=shared, number=4, lead_agency=wmp,
                                            lead_officer=wmp_officer,
                                            status=ActionStatus.SIGNED_OFF,
                                            signed_off_by=coordinator)
    world["wmp_review"] = ImpactReview.objects.create(
        action=world["wmp_signed_off"], due_on=timezone.localdate(), scheduled_by=coordinator)
    world["date_change"] = TargetDateChangeFactory(action=world["wmp_action"])
    health_plan = PlanFactory(reference="AP-2026-102", owner=coordinator)
    world["health_plan"] = health_plan
    health_only = ActionFactory(plan=health_plan, number=1, lead_agency=swbnhs,
                                lead_officer=health_officer)
    world["health_evidence"] = EvidenceFactory(action=health_only,
                                               uploaded_by=health_officer)
    world["calendar_token"] = wmp_officer.calendar_token
    world["plan_import"] = plan_import(coordinator)


#: One action for WMP's officer, as a CSV the import checks and (for the POST walk) imports.
IMPORT_CSV = (
    b"Plan reference,Plan title,Origin,Action reference,Action,Success measure,Lead agency,"
    b"Lead officer,Target date,Recommendation\r\n"
    b"MX-2022,Matrix plan,Scrutiny challenge,1,Brief the front desk.,Every desk briefed.,WMP,"
    b"officer@wmp.test,31/03/2023,Brief people.\r\n")


def plan_import(coordinator):
    import hashlib

    from actions.models import PlanImport

    return PlanImport.objects.create(
        uploaded_by=coordinator, original_name="matrix.csv", file_kind="csv",
        size=len(IMPORT_CSV), sha256=hashlib.sha256(IMPORT_CSV).hexdigest(), content=IMPORT_CSV)


def pk(name):
    return lambda w: {"pk": w[name].pk}


ROWS = [
    Row("actions:index", statuses(302), note="sends each role to its own action list"),
    Row("actions:my_actions", statuses()),
    Row("actions:agency_actions", only(*PARTNERS)),
    Row("actions:all_actions", only(*BU)),
    Row("actions:decisions", only("coordinator")),
    Row("actions:plan_list", statuses()),
    Row("actions:plan_create", only("coordinator")),
    Row("actions:import_start", only("coordinator"),
        note="spreadsheet import: the business unit only (Ability.IMPORT_PLANS)"),
    Row("actions:import_template", only("coordinator"), kwargs=lambda w: {"kind": "xlsx"}),
    Row("actions:import_check", only("coordinator"), kwargs=pk("plan_import"),
        note="the row-by-row check of an uploaded spreadsheet"),
    Row("actions:plan_detail", statuses(wmp_lead=404, wmp_officer=404), kwargs=pk("health_plan"),
        note="WMP leads no action in this plan: 404"),
    Row("actions:plan_update", {**only("coordinator"), "wmp_lead": 404, "wmp_officer": 404},
        kwargs=pk("health_plan")),
    Row("actions:recommendation_create", only("coordinator"), kwargs=pk("shared_plan")),
    Row("actions:action_create", only("coordinator"), kwargs=pk("shared_plan")),
    Row("actions:action_detail", statuses(), kwargs=pk("wmp_action"),
        note="the health officer reads WMP's action in a plan SWBNHS shares"),
    Row("actions:action_update", only("coordinator"), kwargs=pk("wmp_action")),
    Row("actions:action_reassign", only("coordinator", "wmp_lead"), kwargs=pk("wmp_action"),
        note="an agency lead gives their agency's action to another of its officers"),
    Row("actions:action_progress", only("coordinator", "wmp_lead", "wmp_officer"),
        kwargs=pk("wmp_action"), note="the health officer may read it but not update it: 403"),
    Row("actions:action_complete", only("coordinator", "wmp_lead", "wmp_officer"),
        kwargs=pk("wmp_action"), note="'Mark as complete': the owners' step, as progress"),
    Row("actions:action_impact", only("coordinator", "wmp_lead", "wmp_officer"),
        kwargs=pk("wmp_signed_off")),
    Row("actions:date_change_request", only("coordinator", "wmp_lead", "wmp_officer"),
        kwargs=pk("wmp_awaiting")),
    Row("actions:date_change_decide", only("coordinator"), kwargs=pk("date_change")),
    Row("actions:action_sign_off", only("coordinator", "chair"), kwargs=pk("wmp_awaiting"),
        note="the chair signs off too (Ability.SIGN_OFF_ACTIONS)"),
    Row("actions:action_return", only("coordinator", "chair"), kwargs=pk("wmp_awaiting")),
    Row("actions:action_close", only("coordinator"), kwargs=pk("wmp_action")),
    Row("actions:impact_register", statuses(),
        note="each person's impact reviews are those of the actions they see"),
    Row("actions:impact_review_set", only("coordinator"), kwargs=pk("wmp_review"),
        note="the co-ordinator sets the date or marks it not needed"),
    Row("actions:impact_evidence_add", only("coordinator", "wmp_lead", "wmp_officer"),
        kwargs=pk("wmp_review"),
        note="the lead agency's staff (and the co-ordinator); the health officer reads it: 403"),
    Row("actions:impact_rate", only("coordinator", "chair"), kwargs=pk("wmp_review"),
        note="the SLPR group's rating, recorded by the co-ordinator or the chair"),
    Row("actions:evidence_download", statuses(wmp_lead=404, wmp_officer=404),
        kwargs=pk("health_evidence"), note="evidence of a plan WMP has no part in: 404"),
    Row("actions:calendar", statuses()),
    Row("actions:calendar_feed", PUBLIC, kwargs=lambda w: {"token": w["calendar_token"]},
        note="found by its secret token alone; calendar apps cannot sign in"),
]
