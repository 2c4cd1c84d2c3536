"""The demo partnership loads from the annual report, twice without duplicates; demo and
benchmark data live in the ``demo`` package, which no product module imports."""

import ast
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from demo.core import DEMO_PASSWORD, DEMO_TOTP_SECRET
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
    assert DEMO_TOTP_SECRET in out.getvalue()
    assert "python manage.py demo_code EMAIL" in out.getvalue()


def test_demo_code_is_only_for_the_demo_authenticator(coordinator):
    from tests.mfa import give_device

    give_device(coordinator)  # a real (non-demo) secret
    with pytest.raises(CommandError, match="no demo authenticator"):
        call_command("demo_code", coordinator.email, stdout=StringIO())


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo partnership, loaded once for the class that uses it."""
    with demo_loaded(django_db_blocker, tmp_path_factory.mktemp("media")):
        yield


@pytest.mark.usefixtures("demo")
class TestTheLoadedDemo:
    def test_demo_code_refuses_outside_the_demo_settings(self, settings):
        out = StringIO()
        call_command("demo_code", "coordinator@scsp.example", stdout=out)  # the demo settings
        assert out.getvalue().strip().isdigit()
        settings.DEMO_DATA_ALLOWED = False
        with pytest.raises(CommandError, match="Refusing"):
            call_command("demo_code", "coordinator@scsp.example", stdout=StringIO())

    def test_demo_partnership_is_sandwell(self):
        statutory = set(Agency.objects.filter(kind=Agency.Kind.STATUTORY)
                        .values_list("short_name", flat=True))
        assert {"SMBC", "WMP", "ICB", "SCT"} <= statutory
        assert Agency.objects.get(is_business_unit=True).short_name == "SCSP BU"
        for role in Role:
            assert User.objects.filter(role=role).exists(), role
        for short in ("SWBNHS", "WMAS", "SCVO", "PROB", "EDU"):
            assert Agency.objects.filter(short_name=short).exists()

    @pytest.mark.template_context
    def test_demo_sign_ins_work_with_the_printed_code(self, client):
        response = client.post("/accounts/sign-in/", {"username": "officer.wmp@scsp.example",
                                                      "password": DEMO_PASSWORD})
        assert response.status_code == 302
        assert client.get("/")["Location"].startswith("/accounts/check/")
        out = StringIO()
        call_command("demo_code", "officer.wmp@scsp.example", stdout=out)
        code = out.getvalue().strip()
        assert len(code) == 6 and code.isdigit()
        assert client.post("/accounts/check/", {"code": code}).status_code == 302
        page = client.get("/")
        assert page.status_code == 200
        assert page.context["user"].email == "officer.wmp@scsp.example"


ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("scsp", "actions", "reviews", "audits", "reports")
#: The one product module allowed to reach the demo package: the command that loads it.
SEED_COMMAND = ROOT / "scsp" / "management" / "commands" / "seed_demo.py"
#: The command that prints a demo person's second-factor code (demo settings only).
CODE_COMMAND = ROOT / "scsp" / "management" / "commands" / "demo_code.py"


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
            if path not in (SEED_COMMAND, CODE_COMMAND):
                assert list(demo_dependencies(path)) == [], path
    assert list(demo_dependencies(SEED_COMMAND))  # the command is what loads it
