"""The Django admin is for staff only; closure days are entered there."""

import pytest
from django.urls import reverse

from tests.factories import ThemeFactory, UserFactory

pytestmark = pytest.mark.django_db

SAMPLE = ["admin:scsp_agency_changelist", "admin:scsp_user_changelist",
          "admin:scsp_closureday_add", "admin:scsp_theme_changelist",
          "admin:scsp_accessevent_changelist"]


@pytest.mark.parametrize("name", SAMPLE)
def test_non_staff_are_sent_to_the_admin_sign_in(client, coordinator, name):
    client.force_login(coordinator)  # a co-ordinator without is_staff
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize(("name", "heading", "shown"), [
    ("admin:scsp_agency_changelist", "Select agency to change", "SCSP Business Unit"),
    ("admin:scsp_user_changelist", "Select person to change", "admin@scsp.test"),
    ("admin:scsp_closureday_add", "Add closure day", 'name="reason"'),
    ("admin:scsp_theme_changelist", "Select learning theme to change", "Persistent neglect"),
    ("admin:scsp_accessevent_changelist", "Select access event to view", "0 access events"),
])
def test_staff_use_the_admin(client, business_unit, name, heading, shown):
    admin = UserFactory(email="admin@scsp.test", agency=business_unit, role="coordinator",
                        is_staff=True, is_superuser=True)
    ThemeFactory(name="Persistent neglect")
    client.force_login(admin)
    response = client.get(reverse(name))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert shown in page


def test_closure_day_added_in_admin_moves_the_clock(client, business_unit):
    import datetime as dt

    from scsp.workdays import calendar

    admin = UserFactory(email="admin@scsp.test", agency=business_unit, role="coordinator",
                        is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(reverse("admin:scsp_closureday_add"),
                           {"date": "2026-12-24", "reason": "Christmas Eve closure"})
    assert response.status_code == 302
    assert calendar().add_working_days(dt.date(2026, 12, 18), 15) == dt.date(2027, 1, 14)


def test_access_log_is_read_only_in_admin(client, business_unit):
    admin = UserFactory(email="admin@scsp.test", agency=business_unit, role="coordinator",
                        is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert client.get(reverse("admin:scsp_accessevent_add")).status_code == 403


def test_the_admin_resets_a_second_factor_as_the_coordinator_does(
        client, business_unit, wmp_officer, django_capture_on_commit_callbacks):
    from django.core import mail
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from scsp.models import AccessEvent
    from tests.mfa import give_device

    admin = UserFactory(email="admin@scsp.test", agency=business_unit, role="scrutineer",
                        full_name="Ada Admin", is_staff=True, is_superuser=True)
    give_device(wmp_officer)
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:scsp_user_changelist"),
                               {"action": "reset_second_factor",
                                "_selected_action": [wmp_officer.pk]})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=wmp_officer).exists()
    assert [m.to for m in mail.outbox] == [[wmp_officer.email]]
    assert "reset by Ada Admin" in mail.outbox[0].body
    event = AccessEvent.objects.get(action="security", object_id=str(wmp_officer.pk))
    assert event.user == admin and event.label == "second factor reset"
