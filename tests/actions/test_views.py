"""Pages: what each persona sees and may do, forms that refuse bad input and change nothing,
escaping, and that a POST is refused exactly where the button is not shown."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ActionPlan, ActionStatus, ProgressUpdate, TargetDateChange
from scsp.models import AccessEvent
from tests.actions.factories import ActionFactory, PlanFactory, TargetDateChangeFactory
from tests.factories import ThemeFactory

S = ActionStatus
pytestmark = pytest.mark.django_db


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def url(name, *args):
    return reverse(f"actions:{name}", args=args)


# --- lists -----------------------------------------------------------------------------------


def test_my_actions_are_the_ones_i_lead(client_for, world, wmp_officer, wmp_lead):
    other_wmp = ActionFactory(plan=world["shared_plan"], number=7,
                              lead_agency=wmp_officer.agency, lead_officer=wmp_lead)
    html = page(client_for(wmp_officer).get(url("my_actions")))
    assert world["wmp_action"].reference in html
    assert other_wmp.reference not in html and world["health_action"].reference not in html


def test_my_agencys_actions_are_only_my_agencys(client_for, world, wmp_officer, wmp_lead):
    other_wmp = ActionFactory(plan=world["shared_plan"], number=7,
                              lead_agency=wmp_officer.agency, lead_officer=wmp_lead)
    for who in (wmp_officer, wmp_lead):
        html = page(client_for(who).get(url("agency_actions")))
        assert world["wmp_action"].reference in html and other_wmp.reference in html
        assert world["health_action"].reference not in html  # visible, but not WMP's
        assert "My agency&#x27;s actions (WMP)" in html


def test_all_actions_is_for_the_business_unit(client_for, world, chair, wmp_lead):
    html = page(client_for(chair).get(url("all_actions")))
    assert html.count('href="/actions/') >= 4
    for a in Action.objects.all():
        assert a.reference in html
    assert client_for(wmp_lead).get(url("all_actions")).status_code == 403


@pytest.mark.parametrize(("persona", "target"), [
    ("wmp_officer", "my_actions"), ("wmp_lead", "agency_actions"),
    ("coordinator", "all_actions"), ("chair", "all_actions")])
def test_actions_home_sends_each_role_to_its_list(client_for, request, persona, target):
    response = client_for(request.getfixturevalue(persona)).get(url("index"))
    assert response.status_code == 302 and response["Location"] == url(target)


def test_list_filters_sort_and_paginate(client_for, coordinator, wmp_officer):
    plan = PlanFactory()
    today = timezone.localdate()
    for n in range(30):
        ActionFactory(plan=plan, number=n + 1, lead_agency=wmp_officer.agency,
                      lead_officer=wmp_officer, target_date=today + dt.timedelta(days=n + 1))
    client = client_for(coordinator)
    first = page(client.get(url("all_actions")))
    assert "30 actions" in first and "Page 1 of 2" in first
    assert first.index(f"{plan.reference}-01<") < first.index(f"{plan.reference}-02<")
    second = page(client.get(url("all_actions"), {"page": 2}))
    assert f"{plan.reference}-30<" in second and f"{plan.reference}-01<" not in second
    newest_first = page(client.get(url("all_actions"), {"sort": "-target_date"}))
    assert newest_first.index(f"{plan.reference}-30<") < newest_first.index(
        f"{plan.reference}-29<")
    assert 'aria-sort="descending"' in newest_first
    searched = page(client.get(url("all_actions"), {"q": f"{plan.reference}-07"}))
    assert "1 action match" in searched


def test_invalid_filter_shows_the_problem_and_no_rows(client_for, coordinator, world):
    html = page(client_for(coordinator).get(url("all_actions"), {"due_from": "31/02/2026"}))
    assert "There is a problem" in html and "0 actions" in html


def test_plan_page_links_to_its_actions_in_the_list(client_for, world, wmp_officer, sct_officer):
    plan = world["shared_plan"]
    html = page(client_for(wmp_officer).get(url("plan_detail", plan.pk)))
    link = f'{url("agency_actions")}?plan={plan.reference}'
    assert f'href="{link}"' in html
    listed = page(client_for(wmp_officer).get(link))
    assert world["wmp_action"].reference in listed
    # Another agency's officer, naming a plan they cannot see: told so, nothing listed, and
    # the same words as for a reference that does not exist.
    other = page(client_for(sct_officer).get(url("agency_actions"), {"plan": plan.reference}))
    nowhere = page(client_for(sct_officer).get(url("agency_actions"), {"plan": "AP-NONE"}))
    for html, ref in ((other, plan.reference), (nowhere, "AP-NONE")):
        assert "There is a problem" in html and "0 actions" in html
        assert f"There is no plan with the reference {ref} that you can see" in html
        assert 'aria-invalid="true"' in html and "id_plan_error" in html


# --- plans -----------------------------------------------------------------------------------


def test_plan_page_groups_actions_under_recommendations(client_for, coordinator, world):
    from actions import services

    plan = world["shared_plan"]
    rec = services.recommendation_add(by=coordinator, plan=plan, text="Involve fathers.")
    Action.objects.filter(pk=world["wmp_action"].pk).update(recommendation=rec)
    html = page(client_for(coordinator).get(url("plan_detail", plan.pk)))
    assert "Recommendation 1" in html and "Involve fathers." in html
    assert "Actions not linked to a recommendation" in html
    assert html.index(world["wmp_action"].reference) < html.index("not linked")
    assert "Add an action" in html
    event = AccessEvent.objects.get(kind="view")
    assert event.object_type == "actions.ActionPlan" and event.label == plan.reference


def test_plan_list_counts(client_for, wmp_officer, world):
    html = page(client_for(wmp_officer).get(url("plan_list")))
    assert world["shared_plan"].reference in html
    assert world["health_plan"].reference not in html and world["sct_plan"].reference not in html
    assert "New action plan" not in html


def test_coordinator_creates_a_plan_then_an_action(client_for, coordinator, wmp_officer):
    client = client_for(coordinator)
    response = client.post(url("plan_create"), {
        "title": "Ofsted ILACS May 2022", "origin_kind": "ofsted", "origin_reference": "ILACS",
        "owner": coordinator.pk, "reference": ""})
    plan = ActionPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    assert plan.reference.startswith("AP-")
    theme = ThemeFactory(name="Early help")
    response = client.post(url("action_create", plan.pk), {
        "title": "Threshold workshops", "description": "Run threshold workshops.",
        "success_measure": "80% attend.",
        "lead_agency": wmp_officer.agency.pk, "lead_officer": wmp_officer.pk,
        "target_date": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        "themes": [theme.pk]})
    action = Action.objects.get()
    assert response.status_code == 302 and response["Location"] == action.get_absolute_url()
    assert action.reference == f"{plan.reference}-01" and list(action.themes.all()) == [theme]
    assert action.title == "Threshold workshops"


@pytest.mark.parametrize(("change", "message"), [
    ({"target_date": "2020-01-01"}, "The target date cannot be in the past."),
    ({"success_measure": ""}, "a success measure is required"),
    ({"lead_officer": "health"}, "works for SWBNHS, not WMP"),
])
def test_bad_action_input_is_explained_and_changes_nothing(client_for, coordinator,
                                                           wmp_officer, health_officer,
                                                           change, message):
    plan = PlanFactory()
    data = {"title": "Workshops", "description": "Run workshops.", "success_measure": "80% attend.",
            "lead_agency": wmp_officer.agency.pk, "lead_officer": wmp_officer.pk,
            "target_date": (timezone.localdate() + dt.timedelta(days=30)).isoformat()}
    data.update(change)
    if data["lead_officer"] == "health":
        data["lead_officer"] = health_officer.pk
    html = page(client_for(coordinator).post(url("action_create", plan.pk), data))
    assert message in html and "There is a problem" in html
    assert not Action.objects.exists()


# --- one action: who sees which controls, and the POSTs behind them ---------------------------


CONTROLS = ["Add a progress update", "Mark as complete", "Ask for a new target date",
            "Edit details",
            "Close without completion", "Sign off", "Return for more evidence"]


@pytest.mark.parametrize(("persona", "shown"), [
    ("wmp_officer", {"Add a progress update", "Mark as complete", "Ask for a new target date"}),
    ("wmp_lead", {"Add a progress update", "Mark as complete", "Ask for a new target date"}),
    ("health_officer", set()),
    ("chair", set()),
    ("scrutineer", set()),
    ("coordinator", {"Add a progress update", "Mark as complete", "Ask for a new target date",
                     "Edit details", "Close without completion"}),
])
def test_action_page_shows_exactly_the_allowed_controls(client_for, request, world, persona,
                                                        shown):
    html = page(client_for(request.getfixturevalue(persona)).get(
        url("action_detail", world["wmp_action"].pk)))
    assert {c for c in CONTROLS if f">{c}</a>" in html} == shown
    if persona == "health_officer":
        assert "This action belongs to West Midlands Police. You can read it" in html


def test_health_officer_post_to_edit_urls_is_refused(client_for, world, health_officer):
    action = world["wmp_action"]
    client = client_for(health_officer)
    for name, data in [
        ("action_progress", {"note": "Hijack", "status": S.IN_PROGRESS,
                             "version": action.version}),
        ("action_complete", {"note": "Hijack", "completion_evidence": "x",
                             "completed_on": "2026-01-01", "version": action.version}),
        ("action_update", {"description": "Hijack", "version": action.version}),
        ("date_change_request", {"new_date": "2030-01-01", "reason": "x"}),
        ("action_close", {"reason": "x", "version": action.version}),
        ("action_sign_off", {"version": action.version}),
        ("action_return", {"reason": "x", "version": action.version}),
        ("action_impact", {"impact_evidence": "x", "version": action.version}),
    ]:
        assert client.post(url(name, action.pk), data).status_code == 403, name
    action.refresh_from_db()
    assert action.version == 1 and action.status == S.IN_PROGRESS
    assert not ProgressUpdate.objects.exists() and not TargetDateChange.objects.exists()
    # Outside their scope altogether: 404, not 403.
    sct_action = world["sct_plan"].actions.get()
    assert client.post(url("action_progress", sct_action.pk), {}).status_code == 404


def test_mass_assignment_is_ignored(client_for, world, wmp_officer, health_officer):
    action = world["wmp_action"]
    response = client_for(wmp_officer).post(url("action_progress", action.pk), {
        "note": "Progress.", "status": "", "version": action.version,
        "lead_agency": health_officer.agency.pk, "lead_officer": health_officer.pk,
        "signed_off_by": wmp_officer.pk, "created_by": wmp_officer.pk, "is_staff": "on",
        "target_date": "2099-01-01", "reference": "HACKED"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.lead_agency == wmp_officer.agency and action.reference != "HACKED"
    assert action.target_date != dt.date(2099, 1, 1) and action.signed_off_by is None
    wmp_officer.refresh_from_db()
    assert not wmp_officer.is_staff
    # An action in progress has no other status to move to here (completing is its own
    # step): a status sent anyway is ignored.
    client_for(wmp_officer).post(url("action_progress", action.pk), {
        "note": "Sign it off myself.", "status": S.SIGNED_OFF, "version": action.version})
    action.refresh_from_db()
    assert action.status == S.IN_PROGRESS
    returned = ActionFactory(plan=action.plan, number=7, lead_agency=wmp_officer.agency,
                             lead_officer=wmp_officer, status=S.RETURNED)
    refused = client_for(wmp_officer).post(url("action_progress", returned.pk), {
        "note": "Sign it off myself.", "status": S.SIGNED_OFF, "version": returned.version})
    assert "Select the status from the list" in page(refused)
    returned.refresh_from_db()
    assert returned.status == S.RETURNED


def test_coordinator_cannot_sign_off_their_own_action(client_for, coordinator, shared_plan):
    own = ActionFactory(plan=shared_plan, number=5, lead_agency=coordinator.agency,
                        lead_officer=coordinator, status=S.AWAITING_SIGN_OFF)
    client = client_for(coordinator)
    html = page(client.get(url("action_detail", own.pk)))
    assert ">Sign off</a>" not in html and "the chair or another co-ordinator signs it off" in html
    assert client.post(url("action_sign_off", own.pk), {"version": own.version}).status_code == 403
    assert client.post(url("action_return", own.pk),
                       {"reason": "x", "version": own.version}).status_code == 403


def test_whole_flow_through_the_pages(client_for, coordinator, wmp_officer, world):
    action = world["wmp_action"]
    officer, boss = client_for(wmp_officer), None
    response = officer.post(url("action_complete", action.pk), {
        "note": "All teams briefed.", "completion_evidence": "Briefing register.",
        "completed_on": timezone.localdate().isoformat(), "version": 1})
    assert response.status_code == 302
    boss = client_for(coordinator)
    assert "AP-2026-001-01" in page(boss.get(url("decisions")))
    html = page(boss.post(url("action_return", action.pk), {"reason": "", "version": 2}))
    assert "Say what more evidence is needed." in html
    response = boss.post(url("action_return", action.pk),
                         {"reason": "Attach the register.", "version": 2})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == S.RETURNED
    officer = client_for(wmp_officer)
    officer.post(url("action_complete", action.pk), {
        "note": "Register attached.", "completion_evidence": "Register of 120 staff.",
        "completed_on": timezone.localdate().isoformat(), "version": 3})
    boss = client_for(coordinator)
    boss.post(url("action_sign_off", action.pk), {"version": 4})
    action.refresh_from_db()
    assert action.status == S.SIGNED_OFF and action.signed_off_by == coordinator
    officer = client_for(wmp_officer)
    officer.post(url("action_impact", action.pk),
                 {"impact_evidence": "Audit shows fathers recorded in 90% of cases.",
                  "version": action.version})
    action.refresh_from_db()
    assert action.impact_evidence.startswith("Audit shows")
    html = page(officer.get(url("action_detail", action.pk)))
    for text in ("Signed off", "Returned for more evidence", "Attach the register.",
                 "recorded evidence of impact", "Register of 120 staff."):
        assert text in html


def test_date_change_through_the_pages(client_for, coordinator, wmp_officer, world):
    action = world["wmp_action"]
    new = action.target_date + dt.timedelta(days=21)
    client_for(wmp_officer).post(url("date_change_request", action.pk),
                                 {"new_date": new.isoformat(), "reason": "Trainer ill."})
    change = TargetDateChange.objects.get()
    html = page(client_for(wmp_officer).get(url("action_detail", action.pk)))
    assert "A new target date has been asked for" in html and "Ask for a new target" not in html
    boss = client_for(coordinator)
    assert "Trainer ill." in page(boss.get(url("decisions")))
    boss.post(url("date_change_decide", change.pk), {"decision": "agreed"})
    action.refresh_from_db()
    assert action.target_date == new and action.slippage_days() == 21
    html = page(boss.get(url("action_detail", action.pk)))
    assert "slipped by 21 days" in html
    again = boss.get(url("date_change_decide", change.pk))
    assert again.status_code == 302  # already decided


def test_refusing_needs_a_note(client_for, coordinator, world):
    change = TargetDateChangeFactory(action=world["wmp_action"])
    html = page(client_for(coordinator).post(url("date_change_decide", change.pk),
                                             {"decision": "refused", "decision_note": ""}))
    assert "Say why the request is refused." in html
    change.refresh_from_db()
    assert change.decision == "pending"


def test_text_is_escaped_everywhere(client_for, coordinator, world):
    payload = '<script>alert(1)</script>"><img src=x onerror=alert(2)>{{7*7}}'
    action = world["wmp_action"]
    Action.objects.filter(pk=action.pk).update(description=payload, success_measure=payload,
                                               completion_evidence=payload)
    ActionPlan.objects.filter(pk=action.plan_id).update(title=payload)
    ProgressUpdate.objects.create(action=action, author=coordinator, note=payload)
    client = client_for(coordinator)
    for target in (url("action_detail", action.pk), url("plan_detail", action.plan_id),
                   url("all_actions"), url("plan_list"), url("action_progress", action.pk)):
        html = page(client.get(target))
        assert "<script>alert(1)" not in html and "<img src=x" not in html, target
        assert "&lt;script&gt;" in html, target


def test_detail_view_is_logged(client_for, health_officer, world):
    page(client_for(health_officer).get(url("action_detail", world["wmp_action"].pk)))
    event = AccessEvent.objects.exclude(kind="sign_in").get()
    assert (event.user, event.kind, event.label) == (health_officer, "view",
                                                       world["wmp_action"].reference)


def test_finished_action_pages_send_you_back(client_for, coordinator, wmp_officer, shared_plan):
    done = ActionFactory(plan=shared_plan, number=8, lead_agency=wmp_officer.agency,
                         lead_officer=wmp_officer, status=S.SIGNED_OFF)
    for name in ("action_progress", "date_change_request", "action_close"):
        response = client_for(coordinator).get(url(name, done.pk))
        assert response.status_code == 302 and response["Location"] == done.get_absolute_url()


def test_navigation_by_role(client_for, wmp_officer, coordinator, chair):
    officer_home = page(client_for(wmp_officer).get("/"))
    assert "My actions" in officer_home and "My agency&#x27;s actions" in officer_home
    assert "All actions" not in officer_home
    boss_home = page(client_for(coordinator).get("/"))
    assert "All actions" in boss_home and "Decisions waiting" in boss_home
    chair_home = page(client_for(chair).get("/"))
    assert "All actions" in chair_home and "Decisions waiting" not in chair_home


def test_every_change_needs_the_csrf_token(world, coordinator, wmp_officer):
    """SECURITY.md check 27, for every state-changing page of this app."""
    from tests.mfa import Client

    action = world["wmp_action"]
    change = TargetDateChangeFactory(action=action)
    plan = world["shared_plan"]
    posts = {
        coordinator: [url("plan_create"), url("plan_update", plan.pk),
                      url("recommendation_create", plan.pk), url("action_create", plan.pk),
                      url("action_update", action.pk), url("action_close", action.pk),
                      url("action_sign_off", action.pk), url("action_return", action.pk),
                      url("date_change_decide", change.pk), url("calendar")],
        wmp_officer: [url("action_progress", action.pk), url("action_impact", action.pk),
                      url("date_change_request", action.pk), url("calendar")],
    }
    for user, targets in posts.items():
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        token = user.calendar_token
        for target in targets:
            assert client.post(target, {"note": "x", "reason": "x"}).status_code == 403, target
        user.refresh_from_db()
        assert user.calendar_token == token
    assert ActionPlan.objects.count() == 3 and Action.objects.get(pk=action.pk).version == 1
    assert not ProgressUpdate.objects.exists()


def test_no_page_changes_anything_on_get(client_for, world, coordinator):
    action = world["wmp_action"]
    client = client_for(coordinator)
    for name in ("action_progress", "action_update", "action_close", "date_change_request"):
        client.get(url(name, action.pk))
    client.get(url("calendar"))
    action.refresh_from_db()
    assert action.version == 1 and not ProgressUpdate.objects.exists()


# --- identifiers in free text (scsp.privacy) ----------------------------------------------------

HELD = "looks like it contains"
BOX = 'type="checkbox" name="confirm_no_identifiers"'


def test_a_progress_note_with_an_nhs_number_is_held_back_until_confirmed(client_for,
                                                                         wmp_officer, world):
    action = world["wmp_action"]
    client = client_for(wmp_officer)
    data = {"note": "Met the family; NHS 450 557 7104 checked.", "version": action.version}
    html = page(client.post(url("action_progress", action.pk), data))
    assert f"{HELD} an NHS number" in html and BOX in html
    assert not ProgressUpdate.objects.filter(action=action).exists()
    response = client.post(url("action_progress", action.pk),
                           {**data, "confirm_no_identifiers": "on"})
    assert response.status_code == 302
    assert ProgressUpdate.objects.get(action=action).note.startswith("Met the family")


@pytest.mark.parametrize("field,text,kind", [
    ("completion_evidence", "Register signed by the mother, DOB 12/03/1990.", "a date of birth"),
    ("note", "Visited at B70 6HX.", "a postcode"),
])
def test_completion_evidence_and_notes_are_guarded(client_for, wmp_officer, world, field, text,
                                                   kind):
    action = world["wmp_action"]
    data = {"note": "Done.", "completion_evidence": "Register.",
            "completed_on": timezone.localdate().isoformat(), "version": action.version, field: text}
    html = page(client_for(wmp_officer).post(url("action_complete", action.pk), data))
    assert f"{HELD} {kind}" in html


def test_impact_date_change_and_decisions_are_guarded(client_for, coordinator, wmp_officer,
                                                      world):
    action = world["wmp_action"]
    officer = client_for(wmp_officer)
    new = (action.target_date + dt.timedelta(days=14)).isoformat()
    data = {"new_date": new, "reason": "The child (born 12.03.15) moved school."}
    html = page(officer.post(url("date_change_request", action.pk), data))
    assert f"{HELD} a date of birth" in html and BOX in html
    assert not TargetDateChange.objects.exists()
    response = officer.post(url("date_change_request", action.pk),
                            {**data, "confirm_no_identifiers": "on"})
    assert response.status_code == 302 and TargetDateChange.objects.count() == 1
    boss = client_for(coordinator)
    html = page(boss.post(url("action_close", action.pk),
                          {"reason": "Family moved to B70 6HX.", "version": action.version}))
    assert f"{HELD} a postcode" in html


def test_action_descriptions_and_success_measures_are_guarded(client_for, coordinator, world):
    plan = world["shared_plan"]
    before = Action.objects.count()
    data = {"title": "Briefing", "description": "Brief staff on Child A, DOB 12/03/2015.",
            "success_measure": "Audit of 450 557 7104's record.",
            "lead_agency": world["wmp_action"].lead_agency_id,
            "lead_officer": world["wmp_action"].lead_officer_id,
            "target_date": (timezone.localdate() + dt.timedelta(days=60)).isoformat()}
    client = client_for(coordinator)
    html = page(client.post(url("action_create", plan.pk), data))
    assert f"{HELD} a date of birth" in html and f"{HELD} an NHS number" in html
    assert Action.objects.count() == before
    response = client.post(url("action_create", plan.pk), {**data, "confirm_no_identifiers": "on"})
    assert response.status_code == 302 and Action.objects.count() == before + 1
