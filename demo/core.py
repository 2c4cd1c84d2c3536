"""Demo partnership: the agencies, people and themes of Sandwell's 2022-23 annual report."""

from __future__ import annotations

from base64 import b32decode
from functools import cache

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from scsp.models import Agency, Role, Theme, User

# The published demo sign-in (README), refused in production: not a secret.
DEMO_PASSWORD = "learning-from-practice-2026"  # nosec B105
DEMO_DOMAIN = "scsp.example"
#: Every demo person's authenticator secret (base32, for an authenticator app; README "Demo
#: sign-ins"). Demo data only: ``seed_demo`` gives it to no one outside the demo settings.
#: Published in the README, like the demo password: not a secret.
DEMO_TOTP_SECRET = "SCSPDEMOSCSPDEMOSCSPDEMOSCSPDEMO"  # nosec B105
DEMO_TOTP_KEY = b32decode(DEMO_TOTP_SECRET).hex()


def demo_password_hash() -> str:
    """The demo password hashed once per process and hasher (as ``demo.bench`` does): with
    production's 1,000,000 PBKDF2 iterations each hash costs 0.25 s, and hashing it for each
    of the 37 demo people was 9 of ``seed_demo``'s 20 s. The people share one salt; they share
    the published password too."""
    return _hash_with(settings.PASSWORD_HASHERS[0])


@cache
def _hash_with(hasher: str) -> str:  # ``hasher`` only keys the cache (tests use a faster one)
    return make_password(DEMO_PASSWORD)


K = Agency.Kind
AGENCIES = [
    # (short name, name, kind)
    ("SCSP BU", "SCSP Business Unit", K.OTHER),
    ("SMBC", "Sandwell Metropolitan Borough Council", K.STATUTORY),
    ("WMP", "West Midlands Police", K.STATUTORY),
    ("ICB", "NHS Black Country Integrated Care Board", K.STATUTORY),
    ("SCT", "Sandwell Children's Trust", K.STATUTORY),
    ("SWBNHS", "Sandwell and West Birmingham NHS Trust", K.HEALTH),
    ("WMAS", "West Midlands Ambulance Service", K.HEALTH),
    ("BCHFT", "Black Country Healthcare NHS Foundation Trust", K.HEALTH),
    ("SCVO", "Sandwell Council of Voluntary Organisations", K.VCF),
    ("PROB", "Probation Service (Sandwell)", K.RELEVANT),
    ("YJS", "Sandwell Youth Justice Service", K.RELEVANT),
    ("HOUS", "Sandwell Housing", K.RELEVANT),
    ("EDU", "Sandwell schools (education safeguarding)", K.SCHOOL),
    ("DASP", "Domestic Abuse Strategic Partnership", K.OTHER),
]

# Agencies whose lead and officer get demo sign-ins.
STAFFED = ["SMBC", "WMP", "ICB", "SCT", "SWBNHS", "WMAS", "SCVO", "EDU", "PROB"]

PEOPLE_NAMES = {
    "SMBC": ("Helen Carter", "Imran Hussain"),
    "WMP": ("Gareth Price", "Aisha Begum"),
    "ICB": ("Fiona Walsh", "Tom Reid"),
    "SCT": ("Sunita Kaur", "Liam Doyle"),
    "SWBNHS": ("Rachel Adeyemi", "Ben Mitchell"),
    "WMAS": ("Paul Grant", "Zara Ahmed"),
    "SCVO": ("Grace Okafor", "Sam Hughes"),
    "EDU": ("Claire Bennett", "Daniel Khan"),
    "PROB": ("Martin Shaw", "Nadia Ali"),
}

THEMES = [
    ("Neglect", "Persistent neglect, including for children with complex needs."),
    ("Exploitation", "Criminal and sexual exploitation, county lines, National Referral Mechanism."),
    ("Early help", "Help at the right time; threshold application and early help offers."),
    ("Information sharing", "How information is shared, used and analysed across agencies."),
    ("Transitions to adult services", "Moving from children's to adults' services."),
    ("Fathers and male carers", "Involving fathers and male carers in assessment and plans."),
    ("Disproportionality", "Impact of ethnicity, race and inequality on services and outcomes."),
    ("Voice and lived experience of the child", "What life is really like for the child."),
    ("Domestic abuse", "Children living with domestic abuse."),
    ("Multi-agency co-ordination", "Co-ordination of support by multiple agencies."),
    ("Children with disabilities and complex needs", "Safeguarding disabled children."),
    ("Unborn and under-1s", "Pre-birth assessment, antenatal care and babies under one."),
    ("Supervision and management oversight", "Quality of supervision and managers' oversight."),
    ("Communication with families who speak EAL", "Interpreters and English as an additional language."),
    ("School exclusions", "Children out of school and exclusions."),
    ("Bullying", "Raised by young people at the SHAPE takeover."),
]


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


def _user(command, *, email, full_name, agency, role, job_title="", is_staff=False,
          is_superuser=False):
    user, created = User.objects.get_or_create(
        email=email,
        defaults={"full_name": full_name, "agency": agency, "role": role, "job_title": job_title,
                  "is_staff": is_staff, "is_superuser": is_superuser},
    )
    if created:
        user.password = demo_password_hash()
        user.save()
    if settings.DEMO_DATA_ALLOWED:
        give_demo_authenticator(user)
    return user


def give_demo_authenticator(user) -> TOTPDevice:
    """A confirmed authenticator app with the demo secret, so a newcomer signs in with
    ``manage.py demo_code EMAIL`` (or the secret in any authenticator app)."""
    device = TOTPDevice.objects.filter(user=user, key=DEMO_TOTP_KEY).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app (demo)",
                                           key=DEMO_TOTP_KEY, confirmed=True)
    return device


def demo_code(email: str) -> str:
    """The 6-digit code the demo authenticator shows now for ``email``. Refuses outside the
    demo settings and for anyone whose authenticator is not the demo one."""
    if not settings.DEMO_DATA_ALLOWED:
        raise PermissionError("Demo codes exist only in the demo settings (not production).")
    device = TOTPDevice.objects.filter(user__email__iexact=email.strip(), key=DEMO_TOTP_KEY,
                                       confirmed=True).first()
    if device is None:
        raise LookupError(f"{email} has no demo authenticator (run seed_demo first).")
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return str(totp.token()).zfill(device.digits)


def seed(command) -> None:
    agencies = {}
    for short, name, kind in AGENCIES:
        agency, _ = Agency.objects.get_or_create(
            short_name=short,
            defaults={"name": name, "kind": kind, "is_business_unit": short == "SCSP BU"},
        )
        agencies[short] = agency
    for name, description in THEMES:
        Theme.objects.get_or_create(name=name, defaults={"description": description})

    unit = agencies["SCSP BU"]
    _user(command, email=demo_email("coordinator"), full_name="Jo Whitehouse", agency=unit,
          role=Role.COORDINATOR, job_title="SLPR review co-ordinator")
    _user(command, email=demo_email("chair"), full_name="Dez Lambert", agency=unit,
          role=Role.CHAIR, job_title="SLPR subgroup chair")
    _user(command, email=demo_email("scrutineer"), full_name="Pat Morgan", agency=unit,
          role=Role.SCRUTINEER, job_title="Independent scrutineer")
    _user(command, email=demo_email("admin"), full_name="System Administrator", agency=unit,
          role=Role.COORDINATOR, job_title="Administrator", is_staff=True, is_superuser=True)
    for short in STAFFED:
        lead_name, officer_name = PEOPLE_NAMES[short]
        slug = short.lower()
        _user(command, email=demo_email(f"lead.{slug}"), full_name=lead_name,
              agency=agencies[short], role=Role.AGENCY_LEAD,
              job_title="Designated safeguarding lead")
        _user(command, email=demo_email(f"officer.{slug}"), full_name=officer_name,
              agency=agencies[short], role=Role.AGENCY_OFFICER, job_title="Safeguarding officer")
    command.stdout.write(
        f"Partnership: {Agency.objects.count()} agencies, {User.objects.count()} people, "
        f"{Theme.objects.count()} learning themes."
    )


def print_sign_ins(command) -> None:
    command.stdout.write("")
    command.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD})")
    command.stdout.write("Second factor: every demo person's authenticator app has the secret "
                         f"{DEMO_TOTP_SECRET}")
    command.stdout.write("  (add it to an authenticator app as a time-based key, or print the "
                         "current code with: python manage.py demo_code EMAIL)")
    rows = User.objects.filter(email__endswith="@" + DEMO_DOMAIN).select_related("agency")
    order = {r.value: i for i, r in enumerate(Role)}
    for user in sorted(rows, key=lambda u: (order.get(u.role, 9), u.agency.short_name)):
        staff = " + admin site" if user.is_staff else ""
        command.stdout.write(
            f"  {user.email:<32} {user.get_role_display()}{staff} ({user.agency.short_name})"
        )
