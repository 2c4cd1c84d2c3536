import datetime as dt

from scsp.models import Reminder
from tests.factories import ThemeFactory
from tests.matrix import PUBLIC, Row, only, statuses


def build_world(world, personas):
    world["theme"] = ThemeFactory(name="Neglect")
    world["agency"] = personas["wmp_officer"].agency
    world["reminder"] = Reminder.objects.create(
        recipient=personas["wmp_officer"], kind=Reminder.Kind.DAILY_DIGEST,
        period=dt.date(2026, 11, 27), subject="Your actions", text_body="AP-2026-001-01")
    world["person"] = personas["wmp_officer"]


ROWS = [
    Row("scsp:home", statuses()),
    Row("scsp:login", statuses(anonymous=200, default=302),
        note="signed-in people are sent on to their home page"),
    Row("scsp:logout", statuses(405, anonymous=302), note="sign-out is POST only"),
    Row("scsp:password_change", statuses()),
    Row("scsp:password_change_done", statuses()),
    Row("scsp:password_reset", PUBLIC),
    Row("scsp:password_reset_done", PUBLIC),
    Row("scsp:password_reset_confirm", PUBLIC,
        kwargs=lambda w: {"uidb64": "MQ", "token": "set-password"},
        note="an invalid link shows the 'link has expired' page"),
    Row("scsp:password_reset_complete", PUBLIC),
    Row("scsp:healthz", PUBLIC),
    Row("scsp:metrics", PUBLIC,
        note="only from METRICS_ALLOWED_ADDRESSES (default the node itself; the test client "
             "is 127.0.0.1); tests/ops/test_metrics.py checks the refusal"),
    Row("scsp:favicon", {p: 301 for p in PUBLIC}, note="sends browsers to static/favicon.ico"),
    Row("scsp:accessibility", PUBLIC),
    Row("scsp:session", PUBLIC,
        note="the session's deadlines as JSON; signed_in is false for nobody"),
    Row("scsp:glossary", PUBLIC),
    Row("scsp:find", statuses(),
        note="Find by reference: the form, or straight to a record the person may see"),
    Row("scsp:agency_list", statuses()),
    Row("scsp:agency_detail", statuses(), kwargs=lambda w: {"pk": w["agency"].pk}),
    Row("scsp:theme_list", statuses()),
    Row("scsp:theme_create", only("coordinator")),
    Row("scsp:theme_update", only("coordinator"), kwargs=lambda w: {"pk": w["theme"].pk}),
    Row("scsp:access_log", only("coordinator", "scrutineer")),
    Row("scsp:change_history", only("coordinator", "scrutineer")),
    Row("admin:index", statuses(302, anonymous=302),
        note="the admin site is for staff only; others are sent to its sign-in"),
]


def _reminder(world):
    return {"pk": world["reminder"].pk}


ROWS += [
    Row("scsp:reminder_list", statuses()),
    Row("scsp:reminder_detail", statuses(404, wmp_officer=200, coordinator=200, scrutineer=200),
        kwargs=_reminder, note="a reminder is for its recipient, the co-ordinator and scrutineer"),
]


def _person(world):
    return {"pk": world["person"].pk}


# Sign-in and security (scsp/mfa.py). Every persona here has passed the second factor, so the
# steps send them on (302); the pages that only take a POST answer 405 to a GET.
ROWS += [
    Row("scsp:mfa_verify", statuses(302), note="already verified: sent on to the page asked for"),
    Row("scsp:mfa_enrol", statuses(302), note="already set up: sent to sign-in and security"),
    Row("scsp:security", statuses()),
    Row("scsp:replace_authenticator", statuses()),
    Row("scsp:recovery_codes", statuses()),
    Row("scsp:recovery_codes_download", statuses(404),
        note="only right after new codes were made, once"),
    Row("scsp:recovery_codes_new", statuses(405), note="POST only"),
    Row("scsp:passkey_remove", statuses(405), kwargs=lambda w: {"pk": 1}, note="POST only"),
    Row("scsp:invitation", PUBLIC, kwargs=lambda w: {"uidb64": "MQ", "token": "set-password"},
        note="an invalid link shows the 'link has expired' page"),
    Row("scsp:invitation_done", PUBLIC),
    Row("otp_webauthn:credential-registration-begin", statuses(405), note="JSON, POST only"),
    Row("otp_webauthn:credential-registration-complete", statuses(405), note="JSON, POST only"),
    Row("otp_webauthn:credential-authentication-begin", statuses(405), note="JSON, POST only"),
    Row("otp_webauthn:credential-authentication-complete", statuses(405),
        note="JSON, POST only"),
    Row("otp_webauthn:js-i18n-catalog", statuses()),
]

# The co-ordinator's People area and partnership settings.
ROWS += [
    Row("scsp:partnership_settings", only("coordinator")),
    Row("scsp:people", only("coordinator")),
    Row("scsp:person_invite", only("coordinator")),
    Row("scsp:person_detail", only("coordinator"), kwargs=_person),
    Row("scsp:person_active", only("coordinator"), kwargs=_person),
    Row("scsp:person_reset_second_factor", statuses(403, coordinator=405), kwargs=_person,
        note="POST only"),
    Row("scsp:person_invite_again", statuses(403, coordinator=405), kwargs=_person,
        note="POST only"),
    Row("scsp:person_records_csv", only("coordinator"), kwargs=_person,
        note="a subject access request's CSV: everything about one member of staff"),
]
