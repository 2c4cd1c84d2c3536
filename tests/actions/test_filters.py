"""The action list's FilterSet, tested directly: each filter narrows the scoped list, and no
filter can reach outside it."""

import datetime as dt

import pytest
from django.test import RequestFactory
from django.utils import timezone

from actions import selectors
from actions.filters import ActionFilter
from actions.models import ActionStatus, OriginKind
from tests.actions.factories import ActionFactory, PlanFactory
from tests.factories import ThemeFactory

S = ActionStatus
TODAY = dt.date(2026, 11, 16)
pytestmark = pytest.mark.django_db


def day(n):
    return TODAY + dt.timedelta(days=n)


def run(user, data=None, scope="all"):
    request = RequestFactory().get("/actions/all/", data or {})
    request.user = user
    base = selectors.actions_for(user, scope=scope, today=TODAY)
    fs = ActionFilter(data or None, base, request=request, today=TODAY)
    assert fs.form.is_valid() or not data, fs.form.errors
    return list(fs.qs)


@pytest.fixture
def data(coordinator, wmp_officer, health_officer, sct_officer):
    neglect, exploitation = ThemeFactory(name="Neglect"), ThemeFactory(name="Exploitation")
    ofsted = PlanFactory(reference="AP-OFSTED", title="Ofsted ILACS", origin_kind=OriginKind.OFSTED,
                         owner=coordinator)
    pledge = PlanFactory(reference="AP-SHAPE", title="SHAPE pledges",
                         origin_kind=OriginKind.YOUNG_PEOPLE, owner=coordinator)
    wmp, health, sct = wmp_officer.agency, health_officer.agency, sct_officer.agency
    return {
        "overdue": ActionFactory(plan=ofsted, number=1, lead_agency=wmp, lead_officer=wmp_officer,
                                 target_date=day(-3), themes=[neglect],
                                 description="Pre-screen domestic abuse notifications"),
        "soon": ActionFactory(plan=ofsted, number=2, lead_agency=health,
                              lead_officer=health_officer, target_date=day(10),
                              last_update_at=None, themes=[exploitation]),
        "done": ActionFactory(plan=pledge, number=1, lead_agency=wmp, lead_officer=wmp_officer,
                              status=S.SIGNED_OFF, target_date=day(-40)),
        "later": ActionFactory(plan=pledge, number=2, lead_agency=sct, lead_officer=sct_officer,
                               target_date=day(90), status=S.NOT_STARTED,
                               description="Anti-bullying roadshow in every school"),
    }


def refs(actions):
    return {a.reference for a in actions}


@pytest.mark.parametrize(("params", "expected"), [
    ({}, {"overdue", "soon", "done", "later"}),
    ({"agency": "wmp"}, {"overdue", "done"}),
    ({"plan": "ofsted"}, {"overdue", "soon"}),
    ({"origin": OriginKind.YOUNG_PEOPLE}, {"done", "later"}),
    ({"status": "open"}, {"overdue", "soon", "later"}),
    ({"status": S.SIGNED_OFF}, {"done"}),
    ({"rag": "red"}, {"overdue"}),
    ({"rag": "amber"}, {"soon"}),
    ({"rag": "blue"}, {"done"}),
    ({"rag": "green"}, {"later"}),
    ({"theme": "neglect"}, {"overdue"}),
    ({"due_from": day(0).isoformat()}, {"soon", "later"}),
    ({"due_to": day(0).isoformat()}, {"overdue", "done"}),
    ({"due_from": day(-5).isoformat(), "due_to": day(20).isoformat()}, {"overdue", "soon"}),
    ({"overdue": "on"}, {"overdue"}),
    ({"q": "domestic abuse"}, {"overdue"}),
    ({"q": "AP-SHAPE"}, {"done", "later"}),
    ({"q": "shape pledges"}, {"done", "later"}),
    ({"q": "Tia Trust"}, {"later"}),
    ({"agency": "wmp", "status": "open"}, {"overdue"}),
])
def test_each_filter(coordinator, data, params, expected):
    params = dict(params)
    lookups = {"wmp": data["overdue"].lead_agency_id,
               "ofsted": data["overdue"].plan.reference.lower(),
               "neglect": data["overdue"].themes.get().pk}
    for key in ("agency", "plan", "theme"):
        if key in params:
            params[key] = lookups[params[key]]
    assert refs(run(coordinator, params)) == {data[k].reference for k in expected}


def test_filters_never_leave_the_scope(wmp_officer, data):
    # The SCT action is in a plan WMP has a part in; the SWBNHS one too. Searching, or
    # filtering by another agency, finds only what WMP may see.
    visible = refs(run(wmp_officer))
    assert visible == {data[k].reference for k in ("overdue", "soon", "done", "later")}
    outsider = ActionFactory(description="Secret SCT-only plan action")
    assert outsider.reference not in refs(run(wmp_officer, {"q": "Secret"}))
    assert run(wmp_officer, {"q": outsider.reference}) == []
    assert refs(run(wmp_officer, scope="agency")) == {data["overdue"].reference,
                                                       data["done"].reference}


def test_plan_reference_must_be_a_plan_the_person_may_see(wmp_officer, data):
    hidden = PlanFactory(reference="AP-HIDDEN")
    ActionFactory(plan=hidden, description="Hidden plan action")
    request = RequestFactory().get("/")
    request.user = wmp_officer
    qs = selectors.actions_for(wmp_officer, today=TODAY)
    ok = ActionFilter({"plan": " ap-ofsted "}, qs, request=request, today=TODAY)
    assert ok.form.is_valid(), ok.form.errors
    assert refs(ok.qs) == {data["overdue"].reference, data["soon"].reference}
    for reference in ("AP-HIDDEN", "AP-NOPE"):  # same message: existence is not revealed
        bad = ActionFilter({"plan": reference}, qs, request=request, today=TODAY)
        assert not bad.form.is_valid()
        assert bad.form.errors["plan"] == [
            f"There is no plan with the reference {reference} that you can see. Check the "
            "reference on the plan's page, or search by the plan's title."]


def test_sorting(coordinator, data):
    by_rag = run(coordinator, {"sort": "rag"})
    assert [a.rag(TODAY) for a in by_rag] == ["red", "amber", "green", "blue"]
    by_date_desc = run(coordinator, {"sort": "-target_date"})
    assert [a.target_date for a in by_date_desc] == sorted(
        (a.target_date for a in by_date_desc), reverse=True)
    assert [a.reference for a in run(coordinator, {"sort": "reference"})] == sorted(
        a.reference for a in by_rag)


@pytest.mark.template_context
def test_pages_fetch_keys_first_and_keep_the_order(client, coordinator, data):
    """The list view sorts and slices keys, then fetches the rows (``KeysFirstPaginator`` +
    ``selectors.list_rows``): the same rows, in the same order, with the same RAG as the
    queryset, across pages."""
    from scsp.generic import PAGE_SIZE

    for n in range(PAGE_SIZE + 3):  # 2 pages
        ActionFactory(plan=data["overdue"].plan, number=100 + n,
                      target_date=TODAY + dt.timedelta(days=n % 40))
    client.force_login(coordinator)
    today = timezone.localdate()  # what the view uses
    request = RequestFactory().get("/actions/all/", {"sort": "rag"})
    request.user = coordinator
    expected = list(ActionFilter(request.GET, selectors.actions_for(coordinator, today=today),
                                 request=request, today=today).qs)
    assert {a.rag(today) for a in expected} >= {"red", "green", "blue"}
    shown = []
    for number in (1, 2):
        response = client.get("/actions/all/", {"sort": "rag", "page": number})
        assert response.status_code == 200
        shown += list(response.context["actions"])
    assert [a.pk for a in shown] == [a.pk for a in expected]
    assert [a.current_rag for a in shown] == [a.rag(today) for a in expected]
    assert len(shown) == PAGE_SIZE + 3 + 4


def test_page_rows_are_taken_again_from_the_scope(wmp_officer, data):
    """A key that is (no longer) in the person's scope when the rows are fetched is dropped."""
    outsider = ActionFactory(description="Another agency's plan")
    base = selectors.actions_for(wmp_officer, scope="agency", today=TODAY)
    keys = [data["overdue"].pk, outsider.pk]
    assert [a.pk for a in selectors.list_rows(base, keys, today=TODAY)] == [data["overdue"].pk]


def test_plan_reference_length_is_bounded(wmp_officer, data):
    request = RequestFactory().get("/")
    request.user = wmp_officer
    fs = ActionFilter({"plan": "X" * 41}, selectors.actions_for(wmp_officer, today=TODAY),
                      request=request, today=TODAY)
    assert not fs.form.is_valid()
    assert "at most 40 characters" in fs.form.errors["plan"][0]
