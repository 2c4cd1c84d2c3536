"""Event notices: queued in the service's transaction, sent once after commit."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from actions import services
from actions.models import ActionStatus
from scsp.models import Reminder
from tests.actions.factories import ActionFactory, PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def action(coordinator, wmp_officer):
    plan = PlanFactory(reference="AP-2026-080", owner=coordinator)
    return ActionFactory(plan=plan, number=1, lead_agency=wmp_officer.agency,
                         lead_officer=wmp_officer, status=ActionStatus.AWAITING_SIGN_OFF,
                         title="Refresh the fathers briefing",
                         description="Child 7's father was never contacted.")


def test_return_notifies_the_owner_once(action, coordinator, wmp_officer,
                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.action_return(by=coordinator, action=action, reason="Attach the register.",
                               version=action.version)
    (message,) = mail.outbox
    assert message.to == [wmp_officer.email]
    assert "AP-2026-080-01 returned for more evidence" in message.subject
    assert message.subject == "SCSP Reviews: AP-2026-080-01 returned for more evidence"
    assert "Refresh the fathers briefing" in message.body
    assert "Child 7" not in message.body and "Attach the register" not in message.body
    notice = Reminder.objects.get(kind=Reminder.Kind.EVENT)
    assert notice.status == Reminder.Status.SENT
    from scsp.emails import send_pending

    assert send_pending() == 0  # the sweep does not send it again
    assert len(mail.outbox) == 1


def test_sign_off_notifies_the_owner(action, coordinator, wmp_officer,
                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.action_sign_off(by=coordinator, action=action, version=action.version)
    assert [m.to for m in mail.outbox] == [[wmp_officer.email]]
    assert "signed off" in mail.outbox[0].subject
    assert mail.outbox[0].subject == "SCSP Reviews: AP-2026-080-01 signed off"


def test_completion_and_date_requests_go_to_the_coordinator(
    coordinator, wmp_officer, django_capture_on_commit_callbacks
):
    plan = PlanFactory(reference="AP-2026-081", owner=coordinator)
    action = ActionFactory(plan=plan, number=1, lead_agency=wmp_officer.agency,
                           lead_officer=wmp_officer, status=ActionStatus.IN_PROGRESS,
                           title="Audit strategy meetings")
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        services.action_request_date_change(
            by=wmp_officer, action=action, new_date=action.target_date + dt.timedelta(days=30),
            reason="The audit tool is being revised.", today=today)
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert "new target date" in mail.outbox[0].subject
    assert mail.outbox[0].subject == (
        "SCSP Reviews: AP-2026-081-01 needs a decision on a new target date")
    change = action.date_changes.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.action_decide_date_change(by=coordinator, change=change, agree=True,
                                           today=today)
    assert mail.outbox[-1].to == [wmp_officer.email]
    assert "agreed" in mail.outbox[-1].subject
    assert mail.outbox[-1].subject == "SCSP Reviews: AP-2026-081-01 new target date agreed"


def test_a_rolled_back_change_sends_nothing(action, coordinator,
                                            django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), \
            transaction.atomic():
        services.action_return(by=coordinator, action=action, reason="More please.",
                               version=action.version)
        raise RuntimeError("something after the return failed")
    assert mail.outbox == []
    assert not Reminder.objects.exists()
