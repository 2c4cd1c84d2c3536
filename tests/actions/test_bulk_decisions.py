"""Bulk sign-off and bulk return from "Decisions waiting": tick actions, write one comment,
and each action is still decided by the one-action service under the sign-off rules. An
action that fails a rule is named with the reason and stays as it was; the others are
decided (``actions.services.bulk``). A refused request changes nothing."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions import services
from actions.models import Action, ActionStatus, ProgressUpdate
from scsp.models import Reminder
from tests.actions.factories import ActionFactory, PlanFactory

S = ActionStatus
pytestmark = pytest.mark.django_db
URL = reverse("actions:decisions")


@pytest.fixture
def plan(coordinator):
    return PlanFactory(reference="AP-2026-301", owner=coordinator)


@pytest.fixture
def awaiting(plan, wmp_officer):
    """Three WMP actions marked complete, with evidence."""
    return [ActionFactory(plan=plan, number=n, lead_agency=wmp_officer.agency,
                          lead_officer=wmp_officer, status=S.AWAITING_SIGN_OFF,
                          title=f"Brief team {n}") for n in (1, 2, 3)]


def state():
    return (sorted(Action.objects.values_list("pk", "status", "version", "signed_off_by_id")),
            ProgressUpdate.objects.count(), Reminder.objects.count())


def post(client, actions, decision, note="", versions=None):
    data = {"actions": [a.pk for a in actions], "decision": decision, "note": note}
    for a in actions:
        data[f"version-{a.pk}"] = (versions or {}).get(a.pk, a.version)
    return client.post(URL, data)


def messages_of(response):
    return [str(m) for m in response.wsgi_request._messages]


def test_page_labels_each_box_by_reference_and_title(client_for, coordinator, awaiting, plan):
    mine = ActionFactory(plan=plan, number=9, lead_agency=coordinator.agency,
                         lead_officer=coordinator, status=S.AWAITING_SIGN_OFF,
                         title="Own work")
    page = client_for(coordinator).get(URL).content.decode()
    assert re.search(r"<fieldset[^>]*>\s*<legend[^>]*>Select the actions to decide together",
                     page)
    for action in awaiting:
        box = re.search(rf'<input[^>]*name="actions" value="{action.pk}" id="([^"]+)"', page)
        assert box, action.reference
        label = re.search(rf'<label[^>]*for="{box.group(1)}">([^<]+)</label>', page)
        assert label.group(1) == f"{action.reference}: {action.title}"
        assert f'name="version-{action.pk}" value="{action.version}"' in page
    # The co-ordinator led this one: no box; the chair or another co-ordinator decides.
    assert f'value="{mine.pk}"' not in page
    assert "Sign off selected" in page and "Return selected for more evidence" in page


def test_bulk_sign_off_decides_each_and_names_the_refused(client_for, coordinator, awaiting,
                                                          plan):
    good, also_good, changed = awaiting
    seen = changed.version
    changed.completion_evidence = "A different log."  # someone edits it after the page opened
    changed.save()
    mine = ActionFactory(plan=plan, number=9, lead_agency=coordinator.agency,
                         lead_officer=coordinator, status=S.AWAITING_SIGN_OFF)
    already = ActionFactory(plan=plan, number=8, lead_agency=good.lead_agency,
                            lead_officer=good.lead_officer, status=S.SIGNED_OFF)
    before_changed = Action.objects.get(pk=changed.pk)

    response = post(client_for(coordinator), [good, also_good, changed, mine, already],
                    "sign_off", "Registers checked.", versions={changed.pk: seen})
    assert response.status_code == 302 and response.url == URL

    fresh = {a.pk: a for a in Action.objects.all()}
    for done in (good, also_good):
        assert fresh[done.pk].status == S.SIGNED_OFF
        assert fresh[done.pk].signed_off_by == coordinator
        note = ProgressUpdate.objects.get(action=done, kind=ProgressUpdate.Kind.DECISION,
                                          status_to=S.SIGNED_OFF)
        assert note.note == "Registers checked."
        assert done.impact_reviews.count() == 1  # scheduled by the one-action sign-off
    assert (fresh[mine.pk].status, fresh[mine.pk].version) == (S.AWAITING_SIGN_OFF,
                                                                 mine.version)
    assert fresh[changed.pk].status == S.AWAITING_SIGN_OFF
    assert fresh[changed.pk].version == before_changed.version
    assert not ProgressUpdate.objects.filter(
        action__in=[changed, mine, already], kind=ProgressUpdate.Kind.DECISION)

    said = messages_of(response)
    assert said[0] == f"Signed off 2 actions: {good.reference}, {also_good.reference}."
    assert len(said) == 4
    assert (f"{changed.reference} was not signed off: it changed after you opened the page; "
            "open it to check what changed.") in said
    assert (f"{mine.reference} was not signed off: you led, updated or completed it: the "
            "chair or another co-ordinator decides.") in said
    assert (f"{already.reference} was not signed off: it is no longer waiting for sign-off "
            "(it is now signed off).") in said


def test_bulk_return_needs_a_comment_and_changes_nothing_without_one(client_for, coordinator,
                                                                     awaiting):
    client = client_for(coordinator)
    before = state()
    response = post(client, awaiting, "return", "  ")
    assert response.status_code == 200
    assert "Say what more evidence is needed to return the selected actions." in (
        response.content.decode())
    # What was ticked stays ticked.
    for action in awaiting:
        assert re.search(rf'value="{action.pk}" id="[^"]+" checked', response.content.decode())
    assert state() == before

    response = post(client, awaiting, "return", "Attach the briefing registers.")
    assert response.status_code == 302
    for action in Action.objects.filter(pk__in=[a.pk for a in awaiting]):
        assert action.status == S.RETURNED and action.completed_on is None
        assert action.updates.get(kind=ProgressUpdate.Kind.DECISION).note == (
            "Attach the briefing registers.")
    refs = ", ".join(a.reference for a in awaiting)
    assert messages_of(response) == [f"Returned 3 actions for more evidence: {refs}."]


def test_nothing_ticked_is_a_clear_error(client_for, coordinator, awaiting):
    before = state()
    response = client_for(coordinator).post(URL, {"decision": "sign_off", "note": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Select the actions to sign off or return." in page
    assert 'href="#id_actions"' in page and 'id="id_actions"' in page
    assert state() == before


@pytest.mark.parametrize("who", ["chair", "scrutineer", "wmp_lead", "wmp_officer"])
def test_other_roles_are_refused_and_nothing_changes(request, client_for, awaiting, who):
    user = request.getfixturevalue(who)
    before = state()
    response = post(client_for(user), awaiting, "sign_off", "ok")
    assert response.status_code == 403
    assert state() == before


def test_the_chair_signs_off_through_the_service_but_an_officer_cannot(chair, wmp_officer,
                                                                       awaiting):
    outcome = services.actions_decide_in_bulk(
        by=chair, decision="sign_off", versions={a.pk: a.version for a in awaiting})
    assert [a.pk for a in outcome.done] == [a.pk for a in awaiting]
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.actions_decide_in_bulk(by=wmp_officer, decision="return",
                                        versions={awaiting[0].pk: None}, note="More.")


def test_hidden_actions_are_counted_never_named(client_for, coordinator, awaiting):
    response = client_for(coordinator).post(URL, {
        "actions": [awaiting[0].pk, 999999], "decision": "sign_off",
        f"version-{awaiting[0].pk}": awaiting[0].version})
    said = messages_of(response)
    assert said == [f"Signed off 1 action: {awaiting[0].reference}.",
                    "1 of the selected actions is not one you can open; nothing was done to it."]


def _post_queries(client, actions):
    with CaptureQueriesContext(connection) as ctx:
        response = post(client, actions, "sign_off", "Checked.")
    assert response.status_code == 302
    return len(ctx.captured_queries)


def test_reads_are_shared_and_writes_grow_by_a_fixed_amount(client_for, coordinator, plan,
                                                            wmp_officer):
    """The actions and who took part in them are read once for all; each decided action
    then costs the same fixed number of queries (its own save, history row, timeline entry
    and notices: the one-action service), so 1, 2 and 4 actions lie on one straight line."""
    client = client_for(coordinator)
    client.get(URL)
    numbers = iter(range(10, 100))

    def make(n):
        return [ActionFactory(plan=plan, number=next(numbers), lead_agency=wmp_officer.agency,
                              lead_officer=wmp_officer, status=S.AWAITING_SIGN_OFF)
                for _ in range(n)]

    one, two, four = (_post_queries(client, make(n)) for n in (1, 2, 4))
    per_action = two - one
    assert four - two == 2 * per_action, (one, two, four)
    fixed = one - per_action
    print(f"bulk sign-off: {fixed} queries + {per_action} per action")
    # the one-action service: save, history, change index, notice, and the impact review it
    # schedules (its row, history and timeline entry)
    assert per_action <= 29
