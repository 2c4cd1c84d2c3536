"""``seed_demo`` and ``seed_demo --scale large`` combine in either order, so a load test can
sign in as the demo roles on partnership-scale data."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from actions.models import Action
from demo import bench
from demo.core import DEMO_PASSWORD
from reviews.models import Case
from scsp.models import Agency, User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("order", [("small", "large"), ("large", "small")])
def test_the_two_seeds_combine_in_either_order(order, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for scale in order:
        if scale == "small":
            call_command("seed_demo", stdout=None)
        else:
            call_command("seed_demo", "--scale", "large", "--actions", "120")
    assert Agency.objects.filter(is_business_unit=True).count() == 1
    assert Action.objects.filter(reference__startswith="AP-OTH-").exists()  # the bench plans
    assert Action.objects.count() > 120
    references = list(Case.objects.values_list("reference", flat=True))
    assert len(references) == len(set(references))
    for email in ("coordinator@scsp.example", "officer.wmp@scsp.example", bench.COORDINATOR):
        person = User.objects.get(email=email)
        assert person.is_active and person.check_password(DEMO_PASSWORD), email
    call_command("seed_demo", "--scale", "large", "--actions", "120")  # both again: no change
    call_command("seed_demo")
