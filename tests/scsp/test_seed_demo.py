"""The demo partnership loads from the annual report, twice without duplicates."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from scsp.demo import DEMO_PASSWORD
from scsp.models import Agency, Role, User

pytestmark = pytest.mark.django_db


def counts():
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()
            if m._meta.app_label in {"scsp", "actions", "reviews", "audits", "reports"}
            and not m._meta.label.split(".")[1].startswith(("Historical", "AccessEvent"))}


def test_seed_demo_twice_creates_no_duplicates():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = counts()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first
    assert "coordinator@scsp.example" in out.getvalue()
    assert DEMO_PASSWORD in out.getvalue()


def test_demo_partnership_is_sandwell():
    call_command("seed_demo", stdout=StringIO())
    statutory = set(Agency.objects.filter(kind=Agency.Kind.STATUTORY)
                    .values_list("short_name", flat=True))
    assert {"SMBC", "WMP", "ICB", "SCT"} <= statutory
    assert Agency.objects.get(is_business_unit=True).short_name == "SCSP BU"
    for role in Role:
        assert User.objects.filter(role=role).exists(), role
    for short in ("SWBNHS", "WMAS", "SCVO", "PROB", "EDU"):
        assert Agency.objects.filter(short_name=short).exists()


def test_demo_sign_ins_work(client):
    call_command("seed_demo", stdout=StringIO())
    response = client.post("/accounts/sign-in/", {"username": "officer.wmp@scsp.example",
                                                  "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
