"""Both directions of agency scope on every object page: WMP staff read the WMP case and get
404 on the SWBNHS one, and the SWBNHS officer the other way round (SECURITY.md check 20). The
persona x URL matrix has one object per URL; this runs each read page against both."""

import pytest
from django.urls import reverse

from tests.matrix import rows_reviews

pytestmark = pytest.mark.django_db

# page -> how to reach it for a case: (url name, which world object)
PAGES = {
    "case": ("reviews:case_detail", "case_{}"),
    "review": ("reviews:review_detail", "review_{}"),
}
WORLD = {"wmp": {"case": "case_wmp", "review": "review_lcspr"},
         "health": {"case": "case_health", "review": "review_lb"}}
EXPECTED = {
    # persona: {case owner: status}
    "wmp_lead": {"wmp": 200, "health": 404},
    "wmp_officer": {"wmp": 200, "health": 404},
    "health_officer": {"wmp": 404, "health": 200},
    "coordinator": {"wmp": 200, "health": 200},
    "chair": {"wmp": 200, "health": 200},
    "scrutineer": {"wmp": 200, "health": 200},
}


@pytest.fixture
def world(personas):
    world = {}
    rows_reviews.build_world(world, personas)
    return world


@pytest.mark.parametrize("page", ["case", "review"])
@pytest.mark.parametrize("owner", ["wmp", "health"])
@pytest.mark.parametrize("persona", list(EXPECTED))
def test_object_pages_in_both_directions(client_for, personas, world, page, owner, persona):
    name = PAGES[page][0]
    obj = world[WORLD[owner][page]]
    response = client_for(personas[persona]).get(reverse(name, args=[obj.pk]))
    assert response.status_code == EXPECTED[persona][owner]


@pytest.mark.parametrize("persona", ["wmp_lead", "health_officer"])
def test_guessed_ids_are_404_not_403(client_for, personas, world, persona):
    """Sequential ids outside scope look exactly like ids that do not exist."""
    client = client_for(personas[persona])
    other = world["case_health"] if persona == "wmp_lead" else world["case_wmp"]
    for name in ("reviews:case_detail", "reviews:case_update", "reviews:case_children",
                 "reviews:referral_decide"):
        assert client.get(reverse(name, args=[other.pk])).status_code == 404, name
        assert client.get(reverse(name, args=[99999])).status_code == 404, name


@pytest.mark.parametrize("name", ["reviews:case_update", "reviews:case_children",
                                  "reviews:rr_update", "reviews:rr_decide"])
def test_scrutineer_and_chair_read_but_cannot_post(client_for, personas, world, name):
    target = world["case_wmp"] if name.startswith("reviews:case") else world["rr_wmp"]
    for persona in ("scrutineer", "chair"):
        response = client_for(personas[persona]).post(reverse(name, args=[target.pk]), {})
        assert response.status_code == 403, (persona, name)
