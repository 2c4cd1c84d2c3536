"""No lost updates (SECURITY.md check 44): when two people change the same action, the later
save is refused and shown what changed meanwhile; nothing of the first save is lost."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from actions import services
from actions.models import Action, ActionStatus, ProgressUpdate
from tests.actions.factories import ActionFactory, PlanFactory
from tests.services import need

S = ActionStatus
TODAY = dt.date(2026, 11, 16)


@pytest.mark.django_db
class TestServices:
    def test_the_later_save_is_refused_with_what_changed(self, wmp_officer, wmp_lead,
                                                         wmp_action):
        alice = Action.objects.get(pk=wmp_action.pk)  # both open the form at version 1
        bob = Action.objects.get(pk=wmp_action.pk)
        services.action_record_progress(
            by=wmp_officer, action=alice, version=1, note="All teams briefed.",
            status=S.AWAITING_SIGN_OFF, completion_evidence="Register of 120 staff.",
            today=TODAY)
        with pytest.raises(services.EditConflict) as exc:
            services.action_record_progress(by=wmp_lead, action=bob, version=1,
                                            note="Two teams still to go.", blocked=True,
                                            today=TODAY)
        conflict = exc.value
        assert "Olive Officer changed this action" in conflict.messages[0]
        changed = {f.label: (f.before, f.after) for f in conflict.changes.fields}
        assert changed["Status"] == ("In progress", "Completed, awaiting sign-off")
        assert changed["Evidence of completion"] == ("(none)", "Register of 120 staff.")
        assert [u.note for u in conflict.changes.updates] == ["All teams briefed."]
        assert conflict.action.version == 2
        # Nothing of the first save is lost, nothing of the second is written.
        fresh = Action.objects.get(pk=wmp_action.pk)
        assert (fresh.status, fresh.blocked, fresh.version) == (S.AWAITING_SIGN_OFF, False, 2)
        assert list(ProgressUpdate.objects.values_list("note", flat=True)) == [
            "All teams briefed."]

    def test_a_stale_instance_is_caught_even_without_a_version(self, wmp_officer, wmp_action):
        stale = Action.objects.get(pk=wmp_action.pk)
        services.action_record_progress(by=wmp_officer, action=wmp_action, note="First",
                                        blocked=True, today=TODAY)
        with pytest.raises(services.EditConflict):
            services.action_record_progress(by=wmp_officer, action=stale, note="Second",
                                            today=TODAY)
        assert ProgressUpdate.objects.count() == 1

    def test_a_note_does_not_refuse_another_note(self, wmp_officer, wmp_lead, coordinator,
                                                 wmp_action):
        """Both opened the form at version 1; notes were added meanwhile, but nothing the
        action says changed: every note is kept, each on top of the last."""
        stale = Action.objects.get(pk=wmp_action.pk)
        for who, note in ((wmp_officer, "Teams briefed."), (coordinator, "Chased the ICB.")):
            services.action_record_progress(by=who, action=Action.objects.get(pk=wmp_action.pk),
                                            version=1, note=note, today=TODAY)
        services.action_record_progress(by=wmp_lead, action=stale, version=1,
                                        note="Trainer booked.", today=TODAY)
        fresh = Action.objects.get(pk=wmp_action.pk)
        assert fresh.version == 4 and fresh.last_update_at is not None
        assert sorted(fresh.updates.values_list("note", flat=True)) == [
            "Chased the ICB.", "Teams briefed.", "Trainer booked."]
        # A change of the action's own fields after notes only is not refused either...
        services.action_record_progress(by=wmp_officer, action=stale, version=1,
                                        note="At risk now.", at_risk=True, today=TODAY)
        # ...but once a field changed, a form opened before it is refused, with the change.
        with pytest.raises(services.EditConflict) as exc:
            services.action_record_progress(by=wmp_lead, action=stale, version=4,
                                            note="Another note.", today=TODAY)
        assert [f.name for f in exc.value.changes.fields] == ["at_risk"]

    def test_sign_off_is_refused_if_the_evidence_changed_after_it_was_read(
            self, coordinator, wmp_officer, shared_plan):
        action = ActionFactory(plan=shared_plan, number=5, lead_agency=wmp_officer.agency,
                               lead_officer=wmp_officer, status=S.AWAITING_SIGN_OFF,
                               completion_evidence="Register.")
        seen = action.version
        services.action_record_progress(by=wmp_officer, action=action, note="Correction",
                                        completion_evidence="Register (draft only).",
                                        today=TODAY)
        with pytest.raises(services.EditConflict) as exc:
            services.action_sign_off(by=coordinator, action=Action.objects.get(pk=action.pk),
                                     version=seen)
        changed = {f.label: f.after for f in exc.value.changes.fields}
        assert changed == {"Evidence of completion": "Register (draft only)."}
        assert Action.objects.get(pk=action.pk).status == S.AWAITING_SIGN_OFF

    def test_each_save_moves_the_version_and_history_shows_who(self, coordinator,
                                                               wmp_officer, wmp_action):
        services.action_record_progress(by=wmp_officer, action=wmp_action, note="a",
                                        today=TODAY)
        services.action_update(by=coordinator, action=wmp_action, version=2,
                               description="Sharper words", success_measure="m",
                               lead_agency=wmp_action.lead_agency,
                               lead_officer=wmp_action.lead_officer)
        versions = list(wmp_action.history.order_by("history_id")
                        .values_list("version", "history_user__full_name"))
        assert versions[0] == (1, None)
        assert versions[1:3] == [(2, "Olive Officer"), (3, "Carol Coordinator")]


@pytest.mark.django_db
def test_two_people_in_two_browsers(client_for, django_user_model, wmp_officer, wmp_lead,
                                    wmp_action):
    from tests.mfa import Client

    alice, bob = Client(), Client()
    alice.force_login(wmp_officer)
    bob.force_login(wmp_lead)
    target = reverse("actions:action_progress", args=[wmp_action.pk])
    assert 'name="version" value="1"' in alice.get(target).content.decode()
    assert 'name="version" value="1"' in bob.get(target).content.decode()
    complete = reverse("actions:action_complete", args=[wmp_action.pk])
    assert alice.post(complete, {"note": "All teams briefed.", "completion_evidence": "Register.",
                                 "completed_on": timezone.localdate().isoformat(),
                                 "version": 1}).status_code == 302
    refused = bob.post(target, {"note": "Bob's careful note.", "status": "", "at_risk": "on",
                                "version": 1})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Your changes were not saved: Olive Officer changed this action" in html
    assert "This action changed while you were working on it" in html
    assert "Completed, awaiting sign-off" in html and "All teams briefed." in html
    assert "Bob&#x27;s careful note." in html  # what Bob typed is kept
    assert 'name="version" value="2"' in html  # resubmitting is a deliberate second step
    wmp_action.refresh_from_db()
    assert not wmp_action.at_risk and wmp_action.updates.count() == 1
    again = bob.post(target, {"note": "Bob's careful note.", "status": "", "at_risk": "on",
                              "version": 2})
    assert again.status_code == 302
    wmp_action.refresh_from_db()
    assert wmp_action.at_risk and wmp_action.status == S.AWAITING_SIGN_OFF
    assert wmp_action.updates.count() == 2


@pytest.mark.template_context
@pytest.mark.django_db
def test_resubmitting_does_not_undo_untouched_fields(client_for, wmp_officer, wmp_lead,
                                                     wmp_action):
    """Bob's form had "blocked" unticked because it was; Alice then ticked it. Bob's
    resubmission must not silently untick it. Where both changed a field, Bob's value stays."""
    target = reverse("actions:action_progress", args=[wmp_action.pk])
    services.action_record_progress(by=wmp_officer, action=wmp_action, note="Blocked.",
                                    blocked=True, at_risk=True, today=TODAY)
    bob = client_for(wmp_lead)
    refused = bob.post(target, {"note": "Trainer booked.", "status": "", "version": 1,
                                "at_risk": ""})  # Bob touches neither flag
    form = refused.context["form"]
    assert form["blocked"].value() is True  # updated to Alice's value
    outcomes = {f.name: f.outcome for f in refused.context["conflict"].fields}
    assert outcomes["blocked"] == "updated"
    assert "Now shows the new value" in refused.content.decode()
    bob.post(target, {**form.data.dict(), "note": "Trainer booked."})
    wmp_action.refresh_from_db()
    assert wmp_action.blocked and wmp_action.updates.count() == 2


@pytest.mark.template_context
@pytest.mark.django_db
def test_both_changed_the_same_field(client_for, coordinator, wmp_officer, wmp_action):
    target = reverse("actions:action_update", args=[wmp_action.pk])
    services.action_update(by=coordinator, action=Action.objects.get(pk=wmp_action.pk),
                           version=1, description="Alice's wording", success_measure="m",
                           lead_agency=wmp_action.lead_agency,
                           lead_officer=wmp_action.lead_officer)
    refused = client_for(coordinator).post(target, {
        "title": wmp_action.title, "description": "Bob's wording",
        "success_measure": wmp_action.success_measure,
        "version": 1,
        "lead_agency": wmp_action.lead_agency_id, "lead_officer": wmp_action.lead_officer_id})
    outcomes = {f.name: f.outcome for f in refused.context["conflict"].fields}
    assert outcomes == {"description": "yours", "success_measure": "updated"}
    assert refused.context["form"]["description"].value() == "Bob's wording"
    assert refused.context["form"]["success_measure"].value() == "m"
    assert "You changed this too: your value is kept" in refused.content.decode()
    assert Action.objects.get(pk=wmp_action.pk).description == "Alice's wording"


@pytest.mark.django_db
def test_the_coordinators_edit_form_is_guarded_too(client_for, coordinator, wmp_officer,
                                                   wmp_action):
    target = reverse("actions:action_update", args=[wmp_action.pk])
    data = {"title": "Brief teams", "description": "New words", "success_measure": "m",
            "lead_agency": wmp_action.lead_agency_id, "lead_officer": wmp_action.lead_officer_id,
            "version": 1}
    services.action_record_progress(by=wmp_officer, action=wmp_action, note="x", blocked=True,
                                    today=TODAY)
    response = client_for(coordinator).post(target, data)
    assert response.status_code == 200
    assert "Blocked" in response.content.decode()
    assert Action.objects.get(pk=wmp_action.pk).description != "New words"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_on_postgresql(coordinator, wmp_officer, wmp_lead):
    """Two requests that read version 1 change a field at the same instant: the row lock
    taken by the conditional UPDATE makes the second find version 2 and refuse."""
    need("PostgreSQL", connection.vendor == "postgresql",
         "real row locking is needed; set DATABASE_URL to PostgreSQL")
    action = ActionFactory(plan=PlanFactory(owner=coordinator), lead_agency=wmp_officer.agency,
                           lead_officer=wmp_officer)
    barrier = threading.Barrier(2)
    outcomes = []

    def save(user, flag):
        try:
            mine = Action.objects.get(pk=action.pk)
            barrier.wait()
            services.action_record_progress(by=user, action=mine, version=1, note=flag,
                                            today=TODAY, **{flag: True})
            outcomes.append("saved")
        except services.EditConflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(u, n))
               for u, n in ((wmp_officer, "at_risk"), (wmp_lead, "blocked"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    action.refresh_from_db()
    assert action.version == 2 and action.updates.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_many_people_adding_notes_to_one_action_at_once_are_all_kept(coordinator, wmp_officer):
    """Twenty people post notes to one busy action at the same instant, five each: every
    note is kept, none is refused (only changes to the action's own fields conflict)."""
    need("PostgreSQL", connection.vendor == "postgresql",
         "real row locking is needed; set DATABASE_URL to PostgreSQL")
    from tests.factories import UserFactory

    action = ActionFactory(plan=PlanFactory(owner=coordinator), lead_agency=wmp_officer.agency,
                           lead_officer=wmp_officer)
    people = [UserFactory(agency=wmp_officer.agency, role=wmp_officer.role) for _ in range(19)]
    people.append(wmp_officer)
    barrier = threading.Barrier(len(people))
    outcomes = []

    def post(user):
        try:
            barrier.wait()
            for n in range(5):
                mine = Action.objects.get(pk=action.pk)
                try:
                    services.action_record_progress(
                        by=user, action=mine, version=1, note=f"{user.pk}-{n}", today=TODAY)
                    outcomes.append("saved")
                except services.EditConflict:
                    outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(u,)) for u in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("conflict") == 0 and len(outcomes) == 100
    action.refresh_from_db()
    assert action.updates.count() == 100 and action.version == 101
