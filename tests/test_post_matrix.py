"""Persona x POST walk: every URL that accepts POST, for every persona.

The URLs come from the URLconf (a class-based view with a ``post`` method, a function view
not restricted to other methods), so a new form cannot ship without an entry in a
``tests/matrix/posts_<app>.py`` module (:class:`tests.matrix.posting.Post`). For each URL and
persona, inside a savepoint that is rolled back afterwards:

* where the role table (plus scope) says no, the answer is the URL's GET status from
  ``tests/matrix/rows_*.py`` (403, 404, or a redirect to sign-in for anonymous) and **nothing
  in the database changed**: every table's rows compared before and after, except the
  bookkeeping tables listed in ``posting.EXCLUDED_TABLES`` with their reasons;
* where it says yes, the page's own form as a browser sends it (with the entry's values on
  top) **and forged extra fields** (``posting.FORGED_FIELDS``) makes the change happen, and
  changes only the fields the entry allows (column by column); no forged value lands.

The world is built once for the module (rolled back at its end).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from html import unescape

import pytest
from django.apps import apps
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.matrix as matrix_pkg
from scsp.permissions import ROLE_TABLE
from tests.conftest import PEOPLE, make_personas
from tests.demo_data import demo_loaded
from tests.factories import AgencyFactory, UserFactory
from tests.matrix import PERSONAS
from tests.matrix.posting import FORGED_FIELDS, diff, form_fields, snapshot

_names = [m.name for m in pkgutil.iter_modules(matrix_pkg.__path__)]
ROW_MODULES = [importlib.import_module(f"tests.matrix.{n}") for n in _names
               if n.startswith("rows_")]
POST_MODULES = [importlib.import_module(f"tests.matrix.{n}") for n in _names
                if n.startswith("posts_")]
POSTS = [post for module in POST_MODULES for post in module.POSTS]
GET_ROWS = {row.url_name: row for module in ROW_MODULES for row in module.ROWS}
#: The Django admin guards its own pages as one unit (staff only): tests/scsp/test_admin.py.
EXCLUDED_NAMESPACES = ("admin:",)
SIGN_IN = "/accounts/sign-in/"


# --- which URLs accept POST ------------------------------------------------------------------

def accepts_post(callback) -> bool:
    """A class-based view with a ``post`` handler; a function view unless a
    ``require_http_methods`` decorator (``require_GET``, ``require_safe``, ...) leaves POST
    out."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return "post" in view_class.http_method_names and hasattr(view_class, "post")
    func = callback
    while func is not None:
        code = getattr(func, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            cell = func.__closure__[code.co_freevars.index("request_method_list")]
            return "POST" in cell.cell_contents
        func = getattr(func, "__wrapped__", None)
    return True


def post_urls(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from post_urls(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}{pattern.name}"
            if not name.startswith(EXCLUDED_NAMESPACES) and accepts_post(pattern.callback):
                yield name


def missing_entries() -> list[str]:
    return sorted(set(post_urls()) - {post.url_name for post in POSTS})


def test_every_post_url_has_an_entry():
    missing = missing_entries()
    assert not missing, f"URLs accepting POST without an entry in tests/matrix/posts_*.py: " \
                        f"{missing}"
    stale = sorted({post.url_name for post in POSTS} - set(post_urls()))
    assert not stale, f"POST entries for URLs that no longer accept POST: {stale}"


def test_a_new_form_without_an_entry_is_caught(settings):
    settings.ROOT_URLCONF = "tests.matrix.urls_with_extra_form"
    assert missing_entries() == ["scsp:brand_new_button", "scsp:brand_new_form"]


def test_entries_are_unique_and_agree_with_the_get_rows():
    names = [post.url_name for post in POSTS]
    assert len(names) == len(set(names)), "a URL has two POST entries"
    for post in POSTS:
        assert post.url_name in GET_ROWS, post.url_name
        assert set(post.allowed) <= set(PERSONAS), post.url_name
        assert set(post.denied) <= set(PERSONAS) - set(post.allowed), post.url_name
        assert not (post.json and post.form), f"{post.url_name}: a JSON step has no form"
        if post.read_only:
            assert not post.allowed and not post.writes, post.url_name
            continue
        assert post.allowed, f"{post.url_name}: nobody may post (mark it read_only)"
        for persona in set(PERSONAS) - set(post.allowed):
            status = expected_status(post, persona)
            # Nobody signed in is sent to sign in (302), except from a script's JSON call,
            # which has no page to be sent to (403).
            anonymous = (302, 403) if post.json else (302,)
            assert status in (anonymous if persona == "anonymous" else (302, 403, 404)), (
                f"{post.url_name}: {persona} is refused with {status}; a refusal is 403/404 "
                "(or say why in denied=)")
        for label in post.writes:
            apps.get_model(label)


def test_every_allowed_persona_has_the_ability_the_table_gives():
    """The walk proves the role table: whom an entry lets through, the table allows."""
    roles = {persona: PEOPLE[persona][1]["role"] for persona in PERSONAS if persona != "anonymous"}
    for post in POSTS:
        if post.ability is None:
            continue
        assert "anonymous" not in post.allowed, post.url_name
        holders = {p for p, role in roles.items() if role in ROLE_TABLE[post.ability]}
        assert set(post.allowed) <= holders, (post.url_name, set(post.allowed) - holders)
    with_ability = {post.url_name for post in POSTS if post.ability}
    assert len(with_ability) >= 50


def expected_status(post, persona) -> int:
    return post.denied.get(persona, GET_ROWS[post.url_name].expected[persona])


# --- the world, once for the module ----------------------------------------------------------

@pytest.fixture(scope="module")
def post_world(django_db_setup, django_db_blocker, tmp_path_factory):
    holder: dict = {}

    def build():
        personas = make_personas()
        world: dict = {}
        for module in ROW_MODULES + POST_MODULES:
            builder = getattr(module, "build_world", None)
            if builder:
                builder(world, personas)
        # A stranger nothing refers to: a forged value naming them is found wherever it lands.
        stranger_agency = AgencyFactory(name="Forged agency", short_name="FORGED")
        stranger = UserFactory(email="stranger@forged.test", agency=stranger_agency)
        world.update(stranger_agency=stranger_agency, stranger=stranger)
        holder.update(world=world, personas=personas)

    with demo_loaded(django_db_blocker, tmp_path_factory.mktemp("media"), seed=build):
        yield holder


def forged(world) -> dict[str, str]:
    """A value for each of ``FORGED_FIELDS``: the stranger agency or person, or a status,
    role, flag or version no form offers."""
    agency, person = str(world["stranger_agency"].pk), str(world["stranger"].pk)
    values = {"lead_agency": agency, "status": "forged", "created_by": person,
              "is_staff": "on", "role": "coordinator", "agency": agency,
              "signed_off_by": person, "version": "999"}
    assert set(values) == set(FORGED_FIELDS)
    return values


def forged_values(world) -> dict[str, object]:
    """Column -> the forged value that must not appear in any written row."""
    agency, person = world["stranger_agency"].pk, world["stranger"].pk
    return {"lead_agency_id": agency, "agency_id": agency, "created_by_id": person,
            "signed_off_by_id": person, "status": "forged", "version": 999}


# --- what an entry allows --------------------------------------------------------------------

def allowed_writes(post) -> dict[str, tuple[set[str], bool, bool]]:
    """table -> (columns that may change, rows may be added, rows may be deleted)."""
    allowed: dict[str, tuple[set[str], bool, bool]] = {}
    for label, spec in post.writes.items():
        model = apps.get_model(label)
        tokens = spec.split()
        columns = set()
        for token in tokens:
            if token in ("+", "-"):
                continue
            field = model._meta.get_field(token)
            columns.add(field.column)
        allowed[model._meta.db_table] = (columns, "+" in tokens, "-" in tokens)
        app, name = model._meta.app_label, model._meta.model_name
        for other in apps.get_models(include_auto_created=True):
            table = other._meta.db_table
            if table == f"{app}_historical{name}" or table.startswith(f"{app}_historical{name}_"):
                allowed.setdefault(table, (set(), True, False))
    return allowed


def problems_with(post, changes, world, extras, state) -> list[str]:
    problems = []
    permitted = allowed_writes(post)
    for table, change in changes.items():
        columns, may_add, may_delete = permitted.get(table, (set(), False, False))
        if change.inserted and not may_add:
            problems.append(f"{table}: {len(change.inserted)} row(s) added")
        if change.deleted and not may_delete:
            problems.append(f"{table}: {len(change.deleted)} row(s) deleted")
        if change.columns - columns:
            problems.append(f"{table}: changed {sorted(change.columns - columns)}")
    for label in post.must_change:
        if apps.get_model(label)._meta.db_table not in changes:
            problems.append(f"{label} did not change")
    # No forged value landed anywhere (the stranger is named by no legitimate write).
    bad = forged_values(world)
    for table, change in changes.items():
        columns = state[table][0]
        rows = [dict(zip(columns, row, strict=True)) for row in change.inserted]
        rows += [{c: new for c, (_old, new) in cells.items()} for cells in change.updated.values()]
        for row in rows:
            for column, value in bad.items():
                if column.removesuffix("_id") not in extras:
                    continue  # the form's own field of that name: the entry allows it or not
                if column in row and row[column] == value:
                    problems.append(f"{table}.{column} took the forged value {value!r}")
    return problems


# --- the walk --------------------------------------------------------------------------------

def _errors(response) -> str:
    html = response.content.decode(errors="replace")
    found = re.findall(r'class="[^"]*(?:invalid-feedback|alert-danger|error-summary)[^"]*"'
                       r'[^>]*>(.*?)</', html, flags=re.S)
    text = " | ".join(unescape(re.sub(r"<[^>]+>", " ", f)).strip() for f in found)
    return text[:600] or html[:300]


@pytest.mark.parametrize("post", POSTS, ids=[post.url_name for post in POSTS])
def test_post(post, post_world, client_for, db):
    world, personas = post_world["world"], post_world["personas"]
    url = reverse(post.url_name, kwargs=post.kwargs(world) if post.kwargs else {})
    failures = []
    template: dict = {}  # the form a browser sends, from the first allowed persona's page
    if post.form and post.allowed:
        with transaction.atomic():
            client = client_for(personas[post.allowed[0]])
            if post.prepare:
                post.prepare(world, personas[post.allowed[0]], client)
            page = client.get(url)
            assert page.status_code == 200, (post.allowed[0], url, page.status_code)
            template = form_fields(page.content.decode(), url)
            transaction.set_rollback(True)
    for persona in PERSONAS:
        user = personas[persona]
        with transaction.atomic():
            client = client_for(user)
            prepared = post.prepare(world, user, client) if post.prepare else None
            allowed = persona in post.allowed
            data = dict(template)
            if allowed and post.form and persona != post.allowed[0]:
                page = client.get(url)
                assert page.status_code == 200, (persona, url, page.status_code)
                data = form_fields(page.content.decode(), url)
            if post.data:
                data.update(post.data(world, user))
            if prepared:
                data.update(prepared)
            extras = {}
            if allowed:
                extras = {k: v for k, v in forged(world).items() if k not in data}
                data.update(extras)
            if post.files:
                data.update(post.files(world))
            before = snapshot()
            if post.json:
                response = client.post(url, data, content_type="application/json")
            else:
                response = client.post(url, data)
            after = snapshot()
            changes = diff(before, after)
            status = response.status_code
            if allowed and not post.read_only:
                if status != post.ok:
                    failures.append(f"{persona}: {status}, expected {post.ok}: "
                                    f"{_errors(response)}")
                else:
                    failures += [f"{persona}: {p}" for p in problems_with(post, changes, world,
                                                                           extras, after)]
                    if post.check and not [f for f in failures if f.startswith(persona)]:
                        try:
                            post.check(world, user, response)
                        except AssertionError as exc:
                            failures.append(f"{persona}: check failed: {exc}")
            else:
                expected = expected_status(post, persona)
                if status != expected:
                    failures.append(f"{persona}: {status}, expected {expected}")
                elif persona == "anonymous" and status == 302 and not post.read_only and (
                        SIGN_IN not in response["Location"]):
                    failures.append(f"anonymous sent to {response['Location']}, not sign-in")
                if changes:
                    failures.append(f"{persona} (refused) changed {sorted(changes)}")
            transaction.set_rollback(True)
    assert not failures, f"{post.url_name} ({url}):\n  " + "\n  ".join(failures)


# --- the walk's own parts ------------------------------------------------------------------

def test_form_fields_are_what_a_browser_sends():
    html = """<form method="post" action="/accounts/sign-out/"><button>Sign out</button></form>
    <form method="post" novalidate><input type="hidden" name="csrfmiddlewaretoken" value="x">
      <input type="text" name="title" value="Plan &amp; more"><input type="file" name="f">
      <input type="checkbox" name="at_risk"><input type="checkbox" name="themes" value="3"
      checked><input type="radio" name="decision" value="agreed" checked>
      <input type="radio" name="decision" value="refused">
      <select name="lead"><option value="">--</option><option value="7" selected>A</option>
      </select><select name="kind"><option value="a">A</option><option value="b">B</option>
      </select><select name="agencies" multiple><option value="1">x</option></select>
      <textarea name="note">
Two lines
here</textarea><input type="submit" name="submit" value="Save"></form>"""
    assert form_fields(html, "/plans/1/") == {
        "title": ["Plan & more"], "themes": ["3"], "decision": ["agreed"], "lead": ["7"],
        "kind": ["a"], "note": ["Two lines\nhere"], "submit": ["Save"]}


def test_accepts_post_reads_the_view():
    from django.views.decorators.http import require_GET, require_http_methods, require_POST
    from django.views.generic import FormView, TemplateView

    def page(request):
        return None

    assert accepts_post(FormView.as_view()) and not accepts_post(TemplateView.as_view())
    assert accepts_post(page) and accepts_post(require_POST(page))
    assert not accepts_post(require_GET(page))
    assert not accepts_post(require_http_methods(["GET", "HEAD"])(page))


def test_the_snapshot_sees_every_write_but_the_bookkeeping(db, coordinator):
    from scsp.audit import record_access
    from scsp.models import Theme

    before = snapshot()
    record_access(user=coordinator, action="view", object_type="x", label="y")
    assert diff(before, snapshot()) == {}  # the access log is bookkeeping
    Theme.objects.create(name="Another theme of its own")
    coordinator.full_name = "Carol C."
    coordinator.save(update_fields=["full_name"])
    changes = diff(before, snapshot())
    assert len(changes["scsp_theme"].inserted) == 1
    assert changes["scsp_user"].columns == {"full_name"}
    assert "scsp_historicaltheme" in changes


def test_a_forged_value_or_an_unlisted_field_is_reported(db, coordinator):
    from scsp.models import Theme

    theme = Theme.objects.create(name="A theme of its own")
    stranger_agency = AgencyFactory(short_name="FORGED")
    world = {"stranger_agency": stranger_agency,
             "stranger": UserFactory(email="s@forged.test", agency=stranger_agency)}
    post = next(p for p in POSTS if p.url_name == "scsp:theme_update")
    before = snapshot()
    Theme.objects.filter(pk=theme.pk).update(name="Renamed", description="x")
    coordinator.agency = stranger_agency
    coordinator.save(update_fields=["agency"])
    after = snapshot()
    found = problems_with(post, diff(before, after), world, {"agency": "1"}, after)
    assert "scsp_theme: changed ['name']" in found
    assert "scsp_user: changed ['agency_id']" in found
    assert f"scsp_user.agency_id took the forged value {stranger_agency.pk!r}" in found
