"""Nothing typed or attached is lost: files held across a form's errors, and a form sent after
the session ended kept until the same person signs in again (scsp/kept_work.py)."""

import datetime as dt
import re
import time

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from actions.models import Evidence
from scsp import kept_work
from scsp.middleware import SessionTimeoutMiddleware as Timeout
from scsp.models import HeldFile, KeptDraft
from tests.actions import files
from tests.factories import PASSWORD
from tests.mfa import Client, give_device, next_code

pytestmark = pytest.mark.django_db


def progress_url(action):
    return reverse("actions:action_progress", args=[action.pk])


def tokens(html: str, field="files") -> list[str]:
    return re.findall(rf'name="_held_{field}" value="([^"]+)"', html)


def post(client, action, **data):
    base = {"note": "", "status": "", "version": action.version}
    base.update(data)
    return client.post(progress_url(action), base)


@pytest.mark.usefixtures("file_store")  # also on S3 (moto)
def test_a_form_with_an_error_keeps_its_files_and_saves_them_once(client_for, wmp_officer,
                                                                  wmp_action):
    client = client_for(wmp_officer)
    response = post(client, wmp_action, files=[files.upload("Briefing log.pdf", files.pdf())])
    html = response.content.decode()
    assert response.status_code == 200 and "Write what has happened" in html
    assert "Attached:" in html and "Briefing log.pdf" in html
    assert f"({len(files.pdf())}" in html or "bytes)" in html or "KB)" in html
    [token] = tokens(html)
    held = HeldFile.objects.get()
    assert held.token == token and held.user == wmp_officer
    assert held.form_path == progress_url(wmp_action) and token not in held.file.name
    assert not Evidence.objects.exists()

    response = post(client, wmp_action, note="Briefed 30 staff.", _held_files=token)
    assert response.status_code == 302
    assert [e.original_name for e in Evidence.objects.all()] == ["Briefing log.pdf"]
    assert Evidence.objects.get().file.read() == files.pdf()
    assert not HeldFile.objects.exists()
    assert not default_storage.exists(held.file.name)
    # Sent again, the token is spent: nothing is saved twice.
    wmp_action.refresh_from_db()
    again = post(client, wmp_action, note="Again.", _held_files=token)
    assert again.status_code == 200 and "no longer kept" in again.content.decode()
    assert Evidence.objects.count() == 1


def test_new_files_add_to_held_ones_and_remove_drops_one(client_for, wmp_officer, wmp_action):
    client = client_for(wmp_officer)
    first = tokens(post(client, wmp_action,
                        files=[files.upload("One.pdf", files.pdf())]).content.decode())
    second = post(client, wmp_action, _held_files=first,
                  files=[files.upload("Two.png", files.png())]).content.decode()
    assert "One.pdf" in second and "Two.png" in second and len(tokens(second)) == 2
    one, two = tokens(second)
    response = post(client, wmp_action, note="Done.", _held_files=[one, two],
                    _held_remove=one)
    assert response.status_code == 302
    assert [e.original_name for e in Evidence.objects.all()] == ["Two.png"]
    assert not HeldFile.objects.exists()


def test_a_refused_file_is_not_held_and_says_why(client_for, wmp_officer, wmp_action):
    html = post(client_for(wmp_officer), wmp_action,
                files=[files.upload("page.pdf", files.HTML)]).content.decode()
    assert "is not really a PDF" in html and "Attached:" not in html
    assert not HeldFile.objects.exists()


def test_the_identifier_guard_keeps_the_files_too(client_for, wmp_officer, wmp_action):
    client = client_for(wmp_officer)
    html = post(client, wmp_action, note="Seen at B70 9PL.",
                files=[files.upload("Log.pdf", files.pdf())]).content.decode()
    assert "looks like it contains a postcode" in html and "Log.pdf" in html
    response = post(client, wmp_action, note="Seen at B70 9PL.", confirm_no_identifiers="on",
                    _held_files=tokens(html))
    assert response.status_code == 302 and Evidence.objects.get().original_name == "Log.pdf"


def test_another_person_cannot_use_the_token(client_for, wmp_officer, wmp_lead, wmp_action):
    token = tokens(post(client_for(wmp_officer), wmp_action,
                        files=[files.upload("Log.pdf", files.pdf())]).content.decode())
    client = Client()  # another browser: signing the first person out would delete the file
    client.force_login(wmp_lead)  # may update WMP's actions too
    response = post(client, wmp_action, note="Mine now?", _held_files=token)
    assert response.status_code == 200
    assert "no longer kept" in response.content.decode()
    assert not Evidence.objects.exists() and HeldFile.objects.get().user == wmp_officer


def test_a_token_is_for_its_own_form(client_for, wmp_officer, wmp_action):
    client = client_for(wmp_officer)
    token = tokens(post(client, wmp_action,
                        files=[files.upload("Log.pdf", files.pdf())]).content.decode())
    impact = client.post(reverse("actions:action_impact", args=[wmp_action.pk]),
                         {"impact_evidence": "", "version": wmp_action.version,
                          "_held_files": token})
    assert impact.status_code in (200, 302) and not Evidence.objects.exists()


def test_an_expired_token_is_refused_clearly(client_for, wmp_officer, wmp_action):
    client = client_for(wmp_officer)
    token = tokens(post(client, wmp_action,
                        files=[files.upload("Log.pdf", files.pdf())]).content.decode())
    HeldFile.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = post(client, wmp_action, note="Later.", _held_files=token)
    html = response.content.decode()
    assert response.status_code == 200
    assert "A file you attached earlier is no longer kept (files are kept for 2 hours): " \
           "select it again." in html
    assert not Evidence.objects.exists()


@pytest.mark.usefixtures("file_store")  # also on S3 (moto)
def test_purge_and_its_command(client_for, wmp_officer, wmp_action, settings):
    client = client_for(wmp_officer)
    post(client, wmp_action, files=[files.upload("Old.pdf", files.pdf())])
    post(client, wmp_action, files=[files.upload("New.pdf", files.pdf())])
    old = HeldFile.objects.get(original_name="Old.pdf")
    HeldFile.objects.filter(pk=old.pk).update(expires_at=timezone.now())
    KeptDraft.objects.create(user=wmp_officer, path="/x/", data=[],
                             expires_at=timezone.now() - dt.timedelta(minutes=1))
    KeptDraft.objects.create(user=wmp_officer, path="/y/", data=[],
                             expires_at=timezone.now() + dt.timedelta(minutes=1))
    call_command("apply_retention", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert list(HeldFile.objects.values_list("original_name", flat=True)) == ["New.pdf"]
    assert not default_storage.exists(old.file.name)
    assert list(KeptDraft.objects.values_list("path", flat=True)) == ["/y/"]
    assert settings.CELERY_BEAT_SCHEDULE["retention"]["task"] == "scsp.tasks.retention_task"


def test_signing_out_deletes_what_was_kept(client_for, wmp_officer, wmp_action):
    client = client_for(wmp_officer)
    post(client, wmp_action, files=[files.upload("Log.pdf", files.pdf())])
    stored = HeldFile.objects.get().file.name
    client.post(reverse("scsp:logout"))
    assert not HeldFile.objects.exists() and not default_storage.exists(stored)


# --- after the session ended ----------------------------------------------------------------

def end_session(client, settings):
    session = client.session
    session[Timeout.LAST_SEEN] = time.time() - settings.SESSION_IDLE_TIMEOUT_SECONDS - 5
    session.save()


def csrf(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.get("Location"))
    html = response.content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


def sign_in_again(client, user, next_url):
    """The password, then the code: the whole way back in, as the browser goes."""
    device = give_device(user)
    login = f"{reverse('scsp:login')}?next={next_url}"
    response = client.post(login, {"username": user.email, "password": PASSWORD,
                                   "next": next_url, "csrfmiddlewaretoken": csrf(client, login)})
    assert response.status_code == 302
    check = client.get(response["Location"])["Location"]  # the page asks for the code first
    assert check.startswith(reverse("scsp:mfa_verify"))
    response = client.post(check, {"code": next_code(device), "next": next_url,
                                   "csrfmiddlewaretoken": csrf(client, check)})
    assert response.status_code == 302 and response["Location"] == next_url
    return client.get(next_url)


@pytest.fixture
def csrf_client(wmp_officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(wmp_officer)
    return client


def send_after_expiry(client, action, settings, **data):
    page = client.get(progress_url(action))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    end_session(client, settings)
    base = {"csrfmiddlewaretoken": token, "note": "Briefed all 30 staff on 3 December.",
            "status": "", "version": action.version, "at_risk": "on"}
    base.update(data)
    return client.post(progress_url(action), base)


def test_a_form_sent_after_the_session_ended_comes_back_after_signing_in(
        csrf_client, wmp_officer, wmp_action, settings):
    response = send_after_expiry(csrf_client, wmp_action, settings,
                                 files=files.upload("Register.pdf", files.pdf()))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/sign-in/?next={progress_url(wmp_action)}"
    assert not wmp_action.updates.exists() and not Evidence.objects.exists()
    draft = KeptDraft.objects.get()
    assert draft.user == wmp_officer and draft.path == progress_url(wmp_action)
    assert not any(name == "csrfmiddlewaretoken" for name, _value in draft.data)
    sign_in_page = csrf_client.get(response["Location"]).content.decode()
    assert "We kept what you submitted" in sign_in_page

    page = sign_in_again(csrf_client, wmp_officer, progress_url(wmp_action))
    html = page.content.decode()
    assert "We kept what you typed when your session ended. Check it and submit again." in html
    assert "Briefed all 30 staff on 3 December." in html
    assert re.search(r'name="at_risk"[^>]*checked', html)
    assert "Register.pdf" in html and len(tokens(html)) == 1
    assert not KeptDraft.objects.exists()  # shown once

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    response = csrf_client.post(progress_url(wmp_action), {
        "csrfmiddlewaretoken": token, "note": "Briefed all 30 staff on 3 December.",
        "status": "", "version": wmp_action.version, "at_risk": "on",
        "_held_files": tokens(html)})
    assert response.status_code == 302
    update = wmp_action.updates.get()
    assert update.note == "Briefed all 30 staff on 3 December."
    assert [e.original_name for e in Evidence.objects.all()] == ["Register.pdf"]


def test_someone_else_signing_in_gets_nothing(csrf_client, wmp_officer, wmp_lead, wmp_action,
                                              settings):
    send_after_expiry(csrf_client, wmp_action, settings)
    page = sign_in_again(csrf_client, wmp_lead, progress_url(wmp_action))
    html = page.content.decode()
    assert "We kept what you typed" not in html and "Briefed all 30 staff" not in html
    assert KeptDraft.objects.get().user == wmp_officer


def test_a_forged_post_is_not_kept(csrf_client, wmp_action, settings):
    response = send_after_expiry(csrf_client, wmp_action, settings,
                                 csrfmiddlewaretoken="forged" * 6)
    assert response.status_code == 302 and not KeptDraft.objects.exists()


def test_secrets_are_never_kept(client_for, wmp_officer, settings):
    client = client_for(wmp_officer)
    client.get("/")
    end_session(client, settings)
    client.post(reverse("scsp:password_change"),
                {"old_password": PASSWORD, "new_password1": "x" * 20, "new_password2": "x" * 20})
    assert not KeptDraft.objects.exists()  # not a page that shows a kept form again
    assert kept_work._kept_name("note") and not kept_work._kept_name("new_password1")


def test_the_page_marks_a_form_it_sends_at_the_end(client_for, wmp_officer, wmp_action):
    """The countdown ran out in the page while the server still had the session: the form is
    kept, not acted on, and shown again."""
    client = client_for(wmp_officer)
    response = client.post(progress_url(wmp_action) + "?session_ended=1",
                           {"note": "Half-written note", "status": "",
                            "version": wmp_action.version})
    assert response.status_code == 302 and response["Location"] == progress_url(wmp_action)
    assert not wmp_action.updates.exists()
    assert "Half-written note" in client.get(progress_url(wmp_action)).content.decode()


def test_an_expired_draft_is_not_shown(client_for, wmp_officer, wmp_action):
    KeptDraft.objects.create(user=wmp_officer, path=progress_url(wmp_action),
                             data=[["note", "Old words"]],
                             expires_at=timezone.now() - dt.timedelta(seconds=1))
    html = client_for(wmp_officer).get(progress_url(wmp_action)).content.decode()
    assert "Old words" not in html and "We kept what you typed" not in html
