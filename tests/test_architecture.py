"""The project's shape, checked on every run (DEVELOPERS.md, "Layout and dependency direction").

* **Dependency direction**: ``scsp`` (core) <- ``actions`` <- ``reviews``, ``audits`` <-
  ``reports``. A lower app never depends on a higher one, ``reviews`` and ``audits`` never
  depend on each other, and nothing depends on ``reports``. The demo data (the ``demo``
  package) may use every app, and nothing uses it but the command that loads it.
  A dependency is an ``import`` or ``from ... import`` anywhere in a module (lazy imports
  inside functions too) **or** a lookup by string: ``apps.get_model("app", ...)``,
  ``apps.get_model("app.Model")``, ``import_module("app...")``, ``get_app_config("app")`` and
  ``"app.Model"`` in a ``ForeignKey`` / ``OneToOneField`` / ``ManyToManyField``.
  The project's wiring (``INSTALLED_APPS``, the root URLconf's ``include()``) names every app
  by design and is not read.
* **Views fetch objects only through the scoping helpers** (``get_object_for_user``,
  ``scoped``, ``visible_to``): no ``objects.get(`` and the like in any app's views.
* **Nothing is marked safe and nothing is inline** in any app's code or any template (the CSP
  forbids inline script and style).
* **One role table, asked everywhere**: every ability in ``scsp.permissions.ROLE_TABLE`` is
  asked somewhere (``Ability.<NAME>`` in the product code), and no module tests a role
  (``user.role``, ``is_coordinator``, ``Role.CHAIR``, ...) except the listed uses that only
  choose what to show or whom to tell.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps

import scsp

ROOT = Path(scsp.__file__).resolve().parent.parent
APPS = ("scsp", "actions", "reviews", "audits", "reports")

#: What each part of the project may depend on, besides itself and third-party code.
ALLOWED: dict[str, frozenset[str]] = {
    "scsp": frozenset(),
    "actions": frozenset({"scsp"}),
    "reviews": frozenset({"scsp", "actions"}),
    "audits": frozenset({"scsp", "actions"}),
    "reports": frozenset({"scsp", "actions", "reviews", "audits"}),
    "demo": frozenset({"scsp", "actions", "reviews", "audits", "reports"}),
}

#: Modules outside ``demo`` that may depend on it, with the reason.
MAY_USE_DEMO = {
    "scsp.management.commands.seed_demo": (
        "the command that loads the demo partnership and the benchmark data: an entry point "
        "run by hand, never imported by the product"),
    "scsp.management.commands.demo_code": (
        "prints a demo person's current second-factor code; an entry point run by hand in the "
        "demo settings only (it refuses elsewhere), never imported by the product"),
}

#: Calls whose first argument names a model as "app_label.Model".
RELATION_FIELDS = {"ForeignKey", "OneToOneField", "ManyToManyField"}


# --- the checker -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Dependency:
    line: int
    #: A module name ("reviews.models") or, for lookups by app label, "label:reviews".
    target: str
    form: str


def part_of(module: str) -> str | None:
    """The part of the project ``module`` belongs to (an app or ``demo``); None for
    third-party and standard-library modules."""
    top = module.split(".")[0]
    return top if top in ALLOWED else None


def part_of_target(target: str) -> str | None:
    if target.startswith("label:"):
        label = target.removeprefix("label:")
        names = {config.label: config.name for config in apps.get_app_configs()}
        return part_of(names.get(label, label))
    return part_of(target)


def _text(node) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _leading_text(node) -> str | None:
    """A string, or the literal start of an f-string (``f"reviews.{name}"`` -> "reviews.")."""
    if isinstance(node, ast.JoinedStr) and node.values:
        return _text(node.values[0])
    return _text(node)


def _argument(call: ast.Call, position: int, keyword: str):
    if len(call.args) > position:
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


def _label_of_model(text: str | None) -> str | None:
    """"app.Model" -> "label:app"; anything else (no app named) -> None."""
    if text and "." in text:
        return "label:" + text.split(".")[0]
    return None


def _string_lookups(call: ast.Call) -> Iterator[tuple[str, str]]:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name == "get_model":
        first = _text(_argument(call, 0, "app_label"))
        second = _argument(call, 1, "model_name")
        if first and second is not None:
            yield "label:" + first, "apps.get_model(app, model)"
        elif label := _label_of_model(first):
            yield label, "apps.get_model('app.Model')"
    elif name == "get_app_config":
        if label := _text(_argument(call, 0, "app_label")):
            yield "label:" + label, "apps.get_app_config(app)"
    elif name == "import_module":
        # f"reviews.{name}" still names the reviews app: keep the literal start.
        if module := (_leading_text(_argument(call, 0, "name")) or "").rstrip("."):
            yield module, "import_module(...)"
    elif name in RELATION_FIELDS:
        for text in (_text(_argument(call, 0, "to")),
                     _text(next((k.value for k in call.keywords if k.arg == "through"), None))):
            if label := _label_of_model(text):
                yield label, f"{name}('app.Model')"


def _package(module: str, is_package: bool) -> str:
    return module if is_package else module.rpartition(".")[0]


def dependencies(source: str, module: str, *, is_package: bool = False) -> Iterator[Dependency]:
    """Every dependency of ``module`` (whose code is ``source``) on another module or app."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Dependency(node.lineno, alias.name, "import")
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = _package(module, is_package)
                for _ in range(node.level - 1):
                    package = package.rpartition(".")[0]
                base = f"{package}.{base}" if base else package
            for alias in node.names:
                # "from audits import demo" depends on audits.demo, not only on audits.
                target = base if alias.name == "*" else f"{base}.{alias.name}"
                yield Dependency(node.lineno, target, "from ... import")
        elif isinstance(node, ast.Call):
            for target, form in _string_lookups(node):
                yield Dependency(node.lineno, target, form)


def violations(source: str, module: str, *, is_package: bool = False) -> list[str]:
    """The dependencies of ``module`` that break the direction rules, as readable lines."""
    me = part_of(module)
    found = []
    for dep in dependencies(source, module, is_package=is_package):
        target = part_of_target(dep.target)
        if target is None or target == me:
            continue
        allowed = (module in MAY_USE_DEMO if target == "demo"
                   else target in ALLOWED.get(me, frozenset()))
        if not allowed:
            found.append(f"{module}:{dep.line} {dep.form} {dep.target} ({me} -> {target})")
    return found


def project_modules() -> Iterator[tuple[str, Path, bool]]:
    """(module name, path, is a package) for every Python file of every part."""
    for part in ALLOWED:
        folder = ROOT / part
        for path in sorted(folder.rglob("*.py")):
            relative = path.relative_to(ROOT).with_suffix("")
            is_package = relative.name == "__init__"
            parts = relative.parts[:-1] if is_package else relative.parts
            yield ".".join(parts), path, is_package


# --- the checker catches every form -----------------------------------------------------------

@pytest.mark.parametrize(("module", "source"), [
    ("audits.selectors", "import reviews.models"),
    ("audits.selectors", "from reviews.models import Case"),
    ("audits.selectors", "def links():\n    from reviews import selectors\n"),
    ("audits.selectors", "from django.apps import apps\nCase = apps.get_model('reviews', 'Case')"),
    ("audits.selectors", "Case = apps.get_model(app_label='reviews', model_name='Case')"),
    ("audits.selectors", "Case = apps.get_model('reviews.Case')"),
    ("audits.selectors", "from importlib import import_module\nimport_module('reviews.selectors')"),
    ("audits.selectors", "importlib.import_module(f'reviews.{name}')"),
    ("audits.selectors", "config = apps.get_app_config('reviews')"),
    ("audits.models", "case = models.ForeignKey('reviews.Case', on_delete=models.CASCADE)"),
    ("audits.models", "case = models.OneToOneField(to='reviews.Case', on_delete=models.CASCADE)"),
    ("audits.models", "cases = models.ManyToManyField('reviews.Case')"),
    ("audits.models", "x = models.ManyToManyField('scsp.Agency', through='reviews.Link')"),
    ("reviews.views", "from audits import services"),
    ("actions.services", "from reviews.models import Case"),
    ("scsp.views", "from actions.models import Action"),
    ("reviews.selectors", "from reports import selectors"),
    ("scsp.management.commands.other", "from reports.bench_data import build"),
    ("reports.views", "import demo"),
    ("reports.views", "from demo.audits import seed"),
])
def test_the_checker_catches_every_form_of_dependency(module, source):
    assert violations(source, module), source


@pytest.mark.parametrize(("module", "source"), [
    ("audits.selectors", "from actions.models import Action\nimport scsp.permissions"),
    ("audits.selectors", "from audits.models import Audit\nfrom . import filters"),
    ("audits.views.lists", "from ..models import Audit"),
    ("audits.models", "plan = models.OneToOneField('actions.ActionPlan', on_delete=PROTECT)"),
    ("audits.models", "lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=PROTECT)"),
    ("audits.models", "other = models.ForeignKey('self', on_delete=PROTECT)"),
    ("audits.selectors", "User = apps.get_model('auth', 'User')\nimport django.db"),
    ("audits.selectors", "import_module(f'{config.name}.demo')"),
    ("reports.selectors", "from reviews.models import Case\nfrom audits.models import Audit"),
    ("demo.audits", "from reports import selectors\nfrom audits import services"),
    ("scsp.management.commands.seed_demo", "import demo\nfrom demo.core import print_sign_ins"),
])
def test_the_checker_lets_allowed_dependencies_through(module, source):
    assert violations(source, module) == []


def test_relative_imports_resolve_against_the_package():
    deps = {d.target for d in dependencies("from . import demo\nfrom .models import Audit",
                                           "audits.views")}
    assert deps == {"audits.demo", "audits.models.Audit"}
    deps = {d.target for d in dependencies("from . import lists", "audits.views",
                                           is_package=True)}
    assert deps == {"audits.views.lists"}


# --- the project follows them -----------------------------------------------------------------

def test_every_app_depends_only_downwards():
    modules = list(project_modules())
    assert {part_of(module) for module, _path, _pkg in modules} >= set(APPS)
    found = []
    for module, path, is_package in modules:
        found += violations(path.read_text(encoding="utf-8"), module, is_package=is_package)
    assert not found, "\n".join(found)


def test_every_exception_is_still_a_module():
    """A listed exception whose module has gone (moved or deleted) must go too."""
    modules = {module for module, _path, _pkg in project_modules()}
    for module in MAY_USE_DEMO:
        assert module in modules, module


# --- views fetch objects only through the scoping helpers -------------------------------------

FETCHES_OUTSIDE_SCOPE = ("objects.get(", "get_object_or_404(", "_base_manager", ".objects.all()")
#: (path, text) -> why it is allowed there.
FETCH_EXCEPTIONS: dict[tuple[str, str], str] = {}


def view_modules() -> list[Path]:
    paths = []
    for app in APPS:
        paths += [p for p in (ROOT / app / "views.py",) if p.exists()]
        paths += sorted((ROOT / app / "views").glob("*.py"))
    return paths


def test_views_fetch_objects_only_through_the_scoping_helpers():
    paths = view_modules()
    assert {p.relative_to(ROOT).parts[0] for p in paths} == set(APPS)
    for path in paths:
        source = path.read_text(encoding="utf-8")
        relative = path.relative_to(ROOT).as_posix()
        for text in FETCHES_OUTSIDE_SCOPE:
            if (relative, text) not in FETCH_EXCEPTIONS:
                assert text not in source, (relative, text)


def test_every_exception_is_still_needed():
    """A listed exception whose text has gone from its file is stale: delete it."""
    for (relative, text) in FETCH_EXCEPTIONS:
        assert text in (ROOT / relative).read_text(encoding="utf-8"), (relative, text)
    for (where, text) in UNSAFE_EXCEPTIONS:
        paths = sorted((ROOT / where).rglob("*")) if where.endswith("/") else [ROOT / where]
        assert any(p.is_file() and text in p.read_text(encoding="utf-8") for p in paths), (
            where, text)


# --- nothing marked safe, nothing inline ------------------------------------------------------

UNSAFE = ("mark_safe", "|safe", "autoescape off", 'style="', "<script>")
#: (path or folder, text) -> why it is allowed there.
UNSAFE_EXCEPTIONS = {
    ("templates/emails/", 'style="'): (
        "e-mail clients ignore style sheets; the CSP applies to pages, not to e-mail"),
    ("templates/emails/", "autoescape off"): (
        "plain-text e-mail (.txt): escaping would show &amp; and the like to the reader"),
    ("templates/registration/password_reset_email.txt", "autoescape off"): (
        "plain-text e-mail: escaping would break the reset link"),
}


def _excepted(relative: str, text: str) -> bool:
    return any(text == allowed and (relative == where or where.endswith("/")
                                    and relative.startswith(where))
               for where, allowed in UNSAFE_EXCEPTIONS)


def test_nothing_is_marked_safe_and_nothing_is_inline():
    paths = [path for _module, path, _pkg in project_modules()]
    templates = sorted(p for p in (ROOT / "templates").rglob("*") if p.suffix in (".html",
                                                                                 ".txt"))
    assert templates and paths
    for path in [*paths, *templates]:
        relative = path.relative_to(ROOT).as_posix()
        source = path.read_text(encoding="utf-8")
        for text in UNSAFE:
            if not _excepted(relative, text):
                assert text not in source, (relative, text)


# --- the rule -> module table in DEVELOPERS.md stays true ---------------------------------------

def test_every_owner_named_in_the_rule_table_exists():
    import re

    text = (ROOT / "DEVELOPERS.md").read_text(encoding="utf-8")
    table = text[text.index("## Where each rule lives"):text.index("## Permissions")]
    paths = set(re.findall(r"`([a-z_]+/[a-z_/]+\.py)", table))
    assert len(paths) >= 10
    for path in sorted(paths):
        assert (ROOT / path).is_file(), path


# --- one role table, asked everywhere -----------------------------------------------------------

#: The role table's own module: it states the table (and the scope hooks every queryset
#: shares), so its mentions of abilities and roles are the statement, not a use.
PERMISSIONS_HOME = {"scsp/permissions.py", "scsp/roles.py"}

#: Abilities in the table that no code asks yet, with the reason. An ability nobody asks is
#: a defect (a row the README promises that nothing enforces); each entry here must name the
#: work that will ask it, and goes as soon as that code asks it.
ABILITIES_NOT_YET_ASKED: dict[str, str] = {}


def product_sources() -> list[tuple[str, str]]:
    """(path relative to the repository, text) of every product module (not the demo data,
    not migrations)."""
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            found.append((path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")))
    return found


def test_every_ability_in_the_table_is_asked_somewhere():
    import re

    from scsp.permissions import ROLE_TABLE, Ability

    asked = set()
    for relative, source in product_sources():
        if relative not in PERMISSIONS_HOME:
            asked |= set(re.findall(r"\bAbility\.([A-Z_]+)\b", source))
    names = {Ability(a).name for a in ROLE_TABLE}
    unused = sorted(names - asked - set(ABILITIES_NOT_YET_ASKED))
    assert not unused, f"abilities in ROLE_TABLE that no page or service asks: {unused}"
    stale = sorted(set(ABILITIES_NOT_YET_ASKED) & asked)
    assert not stale, f"now asked: delete from ABILITIES_NOT_YET_ASKED: {stale}"
    assert set(ABILITIES_NOT_YET_ASKED) <= names


#: What gives a role away in code: the role helpers on User, a comparison of ``.role`` and
#: the Role constants.
ROLE_TESTS = {
    "role helper": (r"\.(is_coordinator|is_chair|is_scrutineer|is_agency_lead|is_agency_officer"
                    r"|sees_everything)\b|[\"'](is_coordinator|is_chair|is_scrutineer"
                    r"|is_agency_lead|is_agency_officer|sees_everything)[\"']"),
    "role comparison": r"\.role\s*(==|!=|\bin\b|\bnot\s+in\b)",
    "role constant": r"\bRole\.(COORDINATOR|CHAIR|SCRUTINEER|AGENCY_LEAD|AGENCY_OFFICER)\b",
}

#: (path, kind of role test) -> why it does not grant a step. Steps are granted by the role
#: table only (``may`` / ``require`` / ``RoleRequiredMixin.ability``); these choose what to
#: show, whom to tell, or a form's shape, after the table has said yes.
ROLE_TEST_EXCEPTIONS: dict[tuple[str, str], str] = {
    ("scsp/models/partnership.py", "role comparison"): (
        "the role helpers themselves (is_coordinator, ..., sees_everything) and the rule that "
        "a co-ordinator works in the business unit (User.clean)"),
    ("scsp/models/partnership.py", "role constant"): "the same, and createsuperuser's default role",
    ("scsp/services.py", "role comparison"): (
        "an invariant, not a grant: the last active co-ordinator cannot be deactivated"),
    ("scsp/services.py", "role constant"): "the same invariant",
    ("actions/views/common.py", "role helper"): (
        "which action list each role starts at (default_list_url): a landing page, not a step"),
    ("actions/since_last_visit.py", "role helper"): (
        "whose actions 'Since your last visit' follows: an agency lead also follows their "
        "agency's (as the calendar feed), within visible_to: what to show"),
    ("actions/selectors.py", "role helper"): (
        "what an agency lead's calendar feed lists besides their own actions (their agency's): "
        "what to show, within visible_to"),
    ("actions/notices.py", "role constant"): "whom to tell that an action waits for sign-off",
    ("actions/reminders.py", "role constant"): (
        "who receives which digest: agency leads their agency's overdue list, the co-ordinator "
        "and the chair the weekly partnership summary"),
    ("actions/impact_reminders.py", "role constant"): (
        "who receives impact reviews in their digest: agency leads their agency's overdue "
        "ones, the co-ordinator and the chair those seriously overdue, as for actions"),
    ("reviews/reminders.py", "role constant"): "who receives the statutory clock reminders",
    ("reviews/summary_reminders.py", "role constant"): (
        "who receives the agency summary reminders (the asked agency's leads, the "
        "co-ordinators): recipients, not a step"),
    ("reviews/views/rapid_reviews.py", "role helper"): (
        "which sign-off form: the chair signs in person, the co-ordinator records a partner's "
        "sign-off; both are allowed by Ability.SIGN_OFF_RAPID_REVIEWS first"),
    ("reviews/services/rapid_reviews.py", "role helper"): (
        "whose name goes on a Rapid Review sign-off (the chair's own, in person) after "
        "require(by, Ability.SIGN_OFF_RAPID_REVIEWS)"),
    ("audits/forms.py", "role constant"): (
        "who can be named lead officer of an audit finding's action (people who deliver "
        "actions), a choice list, not a permission"),
    ("audits/models/audits.py", "role helper"): (
        "scope: partnership-wide roles read every audit's results, as visible_to gives them "
        "every audit; agencies from moderation on"),
    ("audits/selectors.py", "role helper"): (
        "whether to show 'your agency's return': partnership-wide roles have none"),
    ("reports/dashboards.py", "role helper"): "whose home-page dashboard to show",
}


def role_tests_found() -> dict[tuple[str, str], list[int]]:
    import re

    found: dict[tuple[str, str], list[int]] = {}
    for relative, source in product_sources():
        if relative in PERMISSIONS_HOME:
            continue
        for kind, pattern in ROLE_TESTS.items():
            for match in re.finditer(pattern, source):
                line = source.count("\n", 0, match.start()) + 1
                found.setdefault((relative, kind), []).append(line)
    return found


def test_no_code_tests_a_role_to_grant_a_step():
    """DEVELOPERS.md, "Permissions": never test ``user.role`` or ``user.is_coordinator`` for
    a permission; add an ability to the table. Role helpers may choose what to show
    (listed above with their reasons)."""
    found = role_tests_found()
    unexplained = {key: lines for key, lines in found.items()
                   if key not in ROLE_TEST_EXCEPTIONS}
    assert not unexplained, (
        "role tests outside the role table (ask may(user, Ability.X) instead, or list the "
        f"use in ROLE_TEST_EXCEPTIONS with why it grants nothing): {unexplained}")
    stale = sorted(set(ROLE_TEST_EXCEPTIONS) - set(found))
    assert not stale, f"no longer needed: delete from ROLE_TEST_EXCEPTIONS: {stale}"


@pytest.mark.parametrize("source", [
    "if request.user.is_coordinator:\n    services.sign_off()",
    "allowed = user.role == Role.CHAIR",
    "if getattr(user, 'sees_everything', False): pass",
    "if user.role in (Role.COORDINATOR,): pass",
])
def test_the_role_test_check_catches_each_form(source):
    import re

    assert any(re.search(pattern, source) for pattern in ROLE_TESTS.values()), source
