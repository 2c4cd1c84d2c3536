"""The demo partnership loads from the annual report, twice without duplicates; demo and
benchmark data live in the ``demo`` package, which no product module imports."""

import ast
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from demo.core import DEMO_PASSWORD
from scsp.models import Agency, Role, User
from tests.demo_data import demo_loaded

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


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo partnership, loaded once for the class that uses it."""
    with demo_loaded(django_db_blocker, tmp_path_factory.mktemp("media")):
        yield


@pytest.mark.usefixtures("demo")
class TestTheLoadedDemo:
    def test_demo_partnership_is_sandwell(self):
        statutory = set(Agency.objects.filter(kind=Agency.Kind.STATUTORY)
                        .values_list("short_name", flat=True))
        assert {"SMBC", "WMP", "ICB", "SCT"} <= statutory
        assert Agency.objects.get(is_business_unit=True).short_name == "SCSP BU"
        for role in Role:
            assert User.objects.filter(role=role).exists(), role
        for short in ("SWBNHS", "WMAS", "SCVO", "PROB", "EDU"):
            assert Agency.objects.filter(short_name=short).exists()

    def test_demo_sign_ins_work(self, client):
        response = client.post("/accounts/sign-in/", {"username": "officer.wmp@scsp.example",
                                                      "password": DEMO_PASSWORD})
        assert response.status_code == 302
        page = client.get("/")
        assert page.status_code == 200
        assert page.context["user"].email == "officer.wmp@scsp.example"


ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("scsp", "actions", "reviews", "audits", "reports")
#: The one product module allowed to reach the demo package: the command that loads it.
SEED_COMMAND = ROOT / "scsp" / "management" / "commands" / "seed_demo.py"


def demo_dependencies(path):
    """Imports of ``demo`` in ``path``, and strings naming a ``demo`` module (``import_module``,
    ``apps.get_model`` and the like count as imports)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            names = [node.value] if node.value.startswith("demo.") else []
        else:
            continue
        yield from (name for name in names if name.split(".")[0] == "demo")


def test_demo_data_lives_outside_the_product_apps():
    for app in PRODUCT:
        sources = sorted((ROOT / app).rglob("*.py"))
        assert sources, app
        for path in sources:
            assert path.stem not in {"demo", "bench_data"}, path
            assert "demo" not in path.relative_to(ROOT).parts, path
            if path != SEED_COMMAND:
                assert list(demo_dependencies(path)) == [], path
    assert list(demo_dependencies(SEED_COMMAND))  # the command is what loads it
