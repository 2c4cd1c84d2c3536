"""People: invitations (a set-password link, single use, expiring), deactivation ending
sessions at once, reactivation, and every POST refused for other roles with nothing changed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from scsp.models import AccessEvent, Role, User
from tests.factories import PASSWORD
from tests.matrix import PERSONAS
from tests.mfa import Client

pytestmark = pytest.mark.django_db


def invite(client, agency, email="new.person@wmp.test", **extra):
    data = {"full_name": "Nia New", "email": email, "agency": agency.pk,
            "role": Role.AGENCY_OFFICER, "job_title": "Analyst", **extra}
    return client.post(reverse("scsp:person_invite"), data)


def invitation_link(message) -> str:
    return re.search(r"https?://[^/]+(/accounts/invitation/\S+)", message.body).group(1)


def test_the_coordinator_invites_someone_who_sets_their_own_password(
    client, coordinator, wmp, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, wmp)
    person = User.objects.get(email="new.person@wmp.test")
    assert response.status_code == 302
    assert response["Location"] == reverse("scsp:person_detail", args=[person.pk])
    assert not person.has_usable_password()  # nobody knows a password for them
    assert [m.to for m in mail.outbox] == [["new.person@wmp.test"]]
    link = invitation_link(mail.outbox[0])
    assert person.history.latest().history_user == coordinator
    assert AccessEvent.objects.filter(user=coordinator, detail="person invited").exists()

    newcomer = Client()
    form = newcomer.get(link, follow=True)
    assert "Welcome to SCSP Reviews" in form.content.decode()
    done = newcomer.post(form.redirect_chain[-1][0], {"new_password1": "a long new passphrase",
                                                     "new_password2": "a long new passphrase"})
    assert done["Location"] == reverse("scsp:invitation_done")
    assert "_auth_user_id" not in newcomer.session  # they sign in next, then enrol
    again = newcomer.get(link, follow=True)
    assert "This link has expired" in again.content.decode()  # single use
    assert newcomer.post("/accounts/sign-in/", {"username": person.email,
                                                "password": "a long new passphrase"}
                         ).status_code == 302
    assert newcomer.get("/")["Location"].startswith(reverse("scsp:mfa_enrol"))


def test_an_invitation_expires(client, coordinator, wmp, settings,
                               django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, wmp)
    link = invitation_link(mail.outbox[0])
    late = timezone.now() + dt.timedelta(hours=settings.INVITATION_TIMEOUT_HOURS, minutes=1)
    with time_machine.travel(late):
        assert "This link has expired" in Client().get(link, follow=True).content.decode()
    in_time = timezone.now() + dt.timedelta(hours=settings.INVITATION_TIMEOUT_HOURS - 1)
    with time_machine.travel(in_time):
        assert "Welcome" in Client().get(link, follow=True).content.decode()


def test_a_password_reset_link_is_not_an_invitation(client, coordinator, wmp,
                                                    django_capture_on_commit_callbacks):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    client.force_login(coordinator)
    invite(client, wmp)
    person = User.objects.get(email="new.person@wmp.test")
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    forged = reverse("scsp:invitation", args=[uid, default_token_generator.make_token(person)])
    assert "This link has expired" in Client().get(forged, follow=True).content.decode()


def test_an_address_already_here_is_refused(client, coordinator, wmp_officer, wmp):
    client.force_login(coordinator)
    response = invite(client, wmp, email=wmp_officer.email.upper())
    assert response.status_code == 200
    assert "already here" in response.content.decode()


def test_deactivating_ends_every_session_at_once_and_is_in_the_history(coordinator,
                                                                       wmp_officer):
    phone, laptop, admin = Client(), Client(), Client()
    phone.force_login(wmp_officer)
    laptop.force_login(wmp_officer)
    assert phone.get("/").status_code == laptop.get("/").status_code == 200
    admin.force_login(coordinator)
    refused = admin.post(reverse("scsp:person_active", args=[wmp_officer.pk]), {"reason": ""})
    assert refused.status_code == 200
    response = admin.post(reverse("scsp:person_active", args=[wmp_officer.pk]),
                          {"reason": "Left WMP on 30 November"})
    assert response.status_code == 302
    for client in (phone, laptop):
        page = client.get("/")
        assert page.status_code == 302 and page["Location"].startswith("/accounts/sign-in/")
    wmp_officer.refresh_from_db()
    assert not wmp_officer.is_active
    record = wmp_officer.history.latest()
    assert record.history_change_reason == "Left WMP on 30 November"
    assert record.history_user == coordinator
    assert "_auth_user_id" not in Client().post(
        "/accounts/sign-in/", {"username": wmp_officer.email, "password": PASSWORD}
    ).wsgi_request.session
    admin.post(reverse("scsp:person_active", args=[wmp_officer.pk]), {"reason": "Came back"})
    wmp_officer.refresh_from_db()
    assert wmp_officer.is_active


def test_the_coordinator_cannot_deactivate_themselves(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("scsp:person_active", args=[coordinator.pk]),
                           {"reason": "testing"})
    assert "cannot deactivate yourself" in response.content.decode()
    coordinator.refresh_from_db()
    assert coordinator.is_active


def test_the_people_list_filters_by_agency_and_status(client, coordinator, personas):
    personas["health_officer"].is_active = False
    personas["health_officer"].save()
    client.force_login(coordinator)
    page = client.get(reverse("scsp:people"), {"agency": personas["wmp_officer"].agency.pk})
    names = set(re.findall(r'/partnership/people/\d+/">([^<]+)<', page.content.decode()))
    assert names == {"Lee Lead", "Olive Officer"}
    page = client.get(reverse("scsp:people"), {"status": "inactive"})
    names = set(re.findall(r'/partnership/people/\d+/">([^<]+)<', page.content.decode()))
    assert names == {"Hana Health"}


def test_the_person_page_shows_role_agency_devices_and_last_sign_in(client, coordinator,
                                                                    wmp_officer):
    from tests.mfa import give_device

    give_device(wmp_officer)
    wmp_officer.last_login = timezone.now()
    wmp_officer.save()
    client.force_login(coordinator)
    page = client.get(reverse("scsp:person_detail", args=[wmp_officer.pk])).content.decode()
    for text in ("Agency officer", "West Midlands Police", "Authenticator app", "0 passkeys",
                 "Reset their second factor", "Deactivate and sign them out"):
        assert text in page, text
    assert "Never" not in page.split("Last sign-in")[1][:80]


@pytest.mark.parametrize("name", ["person_invite", "person_active", "person_reset_second_factor",
                                  "person_invite_again", "partnership_settings"])
def test_every_people_post_is_refused_for_other_roles_with_nothing_changed(
    name, personas, wmp_officer, django_capture_on_commit_callbacks
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from scsp.models import PartnershipSettings
    from tests.mfa import give_device

    give_device(wmp_officer)
    wmp_officer.set_unusable_password()
    wmp_officer.save()
    args = [] if name in ("person_invite", "partnership_settings") else [wmp_officer.pk]
    data = {"full_name": "X", "email": "x@x.test", "agency": wmp_officer.agency_id,
            "role": Role.AGENCY_LEAD, "reason": "forged", "officers_exempt_from_mfa": "on",
            "exemption_reason": "forged"}
    def state():
        return (User.objects.count(), User.objects.filter(is_active=True).count(),
                TOTPDevice.objects.filter(user=wmp_officer).count(),
                AccessEvent.objects.exclude(kind__in=["refused", "sign_in"]).count())

    before = state()
    for persona in PERSONAS[2:]:
        client = Client()
        client.force_login(personas[persona])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse(f"scsp:{name}", args=args), data)
        assert response.status_code == 403, (persona, name)
    assert state() == before
    assert not PartnershipSettings.objects.exists()
    assert mail.outbox == []
