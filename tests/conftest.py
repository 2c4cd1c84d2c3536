"""Shared fixtures: the personas every permission test uses.

* ``coordinator``  - business unit; manages everything.
* ``chair``        - reads everything, signs off Rapid Reviews and completed actions (returns
                     them too), exports reports; manages no audit, plan or review.
* ``scrutineer``   - reads everything, changes nothing.
* ``wmp_lead``     - West Midlands Police safeguarding lead: manages what is given to WMP.
* ``wmp_officer``  - WMP officer: updates what is given to them or WMP.
* ``health_officer`` - SWBNHS officer: must not change WMP's work; 404 outside scope.
* ``health_lead``  - SWBNHS safeguarding lead.
* ``sct_officer``  - Sandwell Children's Trust officer: a third agency, usually outside scope.
"""

from __future__ import annotations

import os

import pytest
from django.template import Template

from scsp.models import Agency, Role
from tests.factories import AgencyFactory, UserFactory
from tests.mfa import Client

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop + the ORM

#: Django's own template rendering, kept before pytest-django's test environment replaces it
#: with the instrumented copy that gives the test client ``response.context``.
_PLAIN_RENDER = Template._render
assert _PLAIN_RENDER.__name__ == "_render", "conftest imported after setup_test_environment()"


@pytest.fixture(scope="session")
def django_db_use_migrations(request):
    """The test databases are made from the models, not by running the migrations (~25 s of
    each worker's start went to Django rendering migration states). Nothing is lost: ``make
    test`` runs ``makemigrations --check`` first (the migrations give exactly the models'
    schema); their only database-level extra, PostgreSQL's audit-trail trigger, is added by
    :func:`django_db_setup` below from the migration's own code; and every migration runs for
    real on PostgreSQL in the ops tests (``tests/ops/conftest.py`` ``migrate``) and on SQLite
    in ``make run``. ``--migrations`` runs them here too."""
    return "--migrations" in request.config.invocation_params.args


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, django_db_use_migrations):
    """pytest-django's test databases, plus on PostgreSQL the audit trail's append-only
    trigger when the database was made from the models (``scsp/0007_audit_trail_sealed``)."""
    if django_db_use_migrations:
        return
    from importlib import import_module

    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            sealed = import_module("scsp.migrations.0007_audit_trail_sealed")
            with connection.schema_editor() as editor:
                sealed.add_triggers(None, editor)


@pytest.fixture(autouse=True)
def _fast_and_isolated(request, settings, tmp_path):
    """Every test: quick password hashing, its own media folder, e-mail kept in memory, empty
    caches, and pages rendered as in production. The test client's ``response.context`` and
    ``response.templates`` need Django's instrumented rendering, which copies the context at
    every template and include (a fifth of a page's time in the hostile walks): a test that
    reads them says so with ``@pytest.mark.template_context`` (without it they are ``None``)."""
    instrumented = Template._render
    if request.node.get_closest_marker("template_context") is None:
        Template._render = _PLAIN_RENDER
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "scsp.storage.SafeFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private-media")},
        },
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core.cache import cache

    cache.clear()  # rate-limit counters (locmem) start from nothing in every test
    from scsp import emails

    emails._broker_down_until = 0.0  # a broker failure in one test does not pause the next
    yield
    Template._render = instrumented
    from celery import current_app

    from scsp.celery import app

    if current_app._get_current_object() is not app:  # shared tasks follow the current app
        app.set_current()
        pytest.fail("this test left another Celery app current: later tests' tasks would go to "
                    "its broker instead of running (Celery(..., set_as_current=False))")


#: The agencies and people the personas are made of: the fixtures below and
#: :func:`make_personas` (for a world built once per module) read the same rows.
AGENCIES = {
    "business_unit": {"name": "SCSP Business Unit", "short_name": "SCSP BU",
                      "kind": Agency.Kind.OTHER, "is_business_unit": True},
    "wmp": {"name": "West Midlands Police", "short_name": "WMP", "kind": Agency.Kind.STATUTORY},
    "swbnhs": {"name": "Sandwell and West Birmingham NHS Trust", "short_name": "SWBNHS",
               "kind": Agency.Kind.HEALTH},
    "sct": {"name": "Sandwell Children's Trust", "short_name": "SCT",
            "kind": Agency.Kind.STATUTORY},
}
PEOPLE = {
    "coordinator": ("business_unit", {"email": "coordinator@scsp.test",
                                      "full_name": "Carol Coordinator",
                                      "role": Role.COORDINATOR}),
    "chair": ("business_unit", {"email": "chair@scsp.test", "full_name": "Charles Chair",
                                "role": Role.CHAIR}),
    "scrutineer": ("business_unit", {"email": "scrutineer@scsp.test",
                                     "full_name": "Sam Scrutineer", "role": Role.SCRUTINEER}),
    "wmp_lead": ("wmp", {"email": "lead@wmp.test", "full_name": "Lee Lead",
                         "role": Role.AGENCY_LEAD}),
    "wmp_officer": ("wmp", {"email": "officer@wmp.test", "full_name": "Olive Officer",
                            "role": Role.AGENCY_OFFICER}),
    "health_officer": ("swbnhs", {"email": "officer@swbnhs.test", "full_name": "Hana Health",
                                  "role": Role.AGENCY_OFFICER}),
    "health_lead": ("swbnhs", {"email": "lead@swbnhs.test", "full_name": "Hugh Healthlead",
                               "role": Role.AGENCY_LEAD}),
    "sct_officer": ("sct", {"email": "officer@sct.test", "full_name": "Tia Trust",
                            "role": Role.AGENCY_OFFICER}),
}


def make_agency(key):
    return AgencyFactory(**AGENCIES[key])


def make_person(key, agency=None):
    agency_key, details = PEOPLE[key]
    return UserFactory(agency=agency or make_agency(agency_key), **details)


def make_personas() -> dict:
    """The personas of :data:`PERSONAS` (``None`` for anonymous), made as the fixtures make
    them: for a world built once for a whole module (``tests/test_post_matrix.py``)."""
    return {"anonymous": None, **{key: make_person(key) for key in PERSONAS if key != "anonymous"}}


@pytest.fixture
def business_unit(db):
    return make_agency("business_unit")


@pytest.fixture
def wmp(db):
    return make_agency("wmp")


@pytest.fixture
def swbnhs(db):
    return make_agency("swbnhs")


@pytest.fixture
def sct(db):
    return make_agency("sct")


@pytest.fixture
def coordinator(business_unit):
    return make_person("coordinator", business_unit)


@pytest.fixture
def chair(business_unit):
    return make_person("chair", business_unit)


@pytest.fixture
def scrutineer(business_unit):
    return make_person("scrutineer", business_unit)


@pytest.fixture
def wmp_lead(wmp):
    return make_person("wmp_lead", wmp)


@pytest.fixture
def wmp_officer(wmp):
    return make_person("wmp_officer", wmp)


@pytest.fixture
def health_officer(swbnhs):
    return make_person("health_officer", swbnhs)


@pytest.fixture
def health_lead(swbnhs):
    return make_person("health_lead", swbnhs)


@pytest.fixture
def sct_officer(sct):
    return make_person("sct_officer", sct)


PERSONAS = ("anonymous", "coordinator", "chair", "scrutineer", "wmp_lead", "wmp_officer",
            "health_officer")


@pytest.fixture
def personas(coordinator, chair, scrutineer, wmp_lead, wmp_officer, health_officer):
    return {"anonymous": None, "coordinator": coordinator, "chair": chair,
            "scrutineer": scrutineer, "wmp_lead": wmp_lead, "wmp_officer": wmp_officer,
            "health_officer": health_officer}


@pytest.fixture(scope="module")
def _matrix_world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("matrix-media")
    holder: dict = {"media": media}

    def build():
        from tests.matrix import build_world

        personas = make_personas()
        holder.update(personas=personas, world=build_world(personas))

    from tests.demo_data import demo_loaded

    with demo_loaded(django_db_blocker, media, seed=build):
        yield holder


@pytest.fixture
def matrix_world(_matrix_world, db, settings):
    """The URL matrix's personas and world (``tests.matrix.build_world``) as
    ``{"personas": ..., "world": ...}``, built once for the module that asks (rolled back at
    its end: :func:`tests.demo_data.demo_loaded`). Each test runs in a savepoint inside it, so
    what its requests write is undone before the next test; files saved while the world was
    built are where the pages look for them."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "scsp.storage.SafeFileSystemStorage",
        "OPTIONS": {"location": str(_matrix_world["media"])}}}
    return _matrix_world


@pytest.fixture
def client():
    """Django's test client whose ``force_login`` also passes the second factor (a confirmed
    authenticator app, as django-otp records it); ``client.password_only_login(user)`` stops
    after the password. See ``tests/mfa.py``."""
    return Client()


@pytest.fixture
def client_for(client):
    """``client_for(user)`` returns the test client signed in as ``user`` (or anonymous), with
    the second factor done."""

    def sign_in(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return sign_in


def worker_redis_url(url: str, worker: str | None = None) -> str:
    """``url`` with a database of its own for this pytest-xdist worker (``gw0`` -> 1, ``gw1``
    -> 2, ...; 0 without xdist), so two workers sharing CI's Redis never see each other's
    queues: a Celery worker started by a test on one xdist worker must not take the tasks of a
    test on another."""
    from urllib.parse import urlsplit, urlunsplit

    worker = worker if worker is not None else os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return url
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{int(worker[2:]) + 1}"))


@pytest.fixture(scope="session")
def redis_url():
    """A real Redis: TEST_REDIS_URL when CI provides one, else a throwaway redis-server."""
    import shutil

    from tests.services import RedisServer, need, redis_ping

    url = os.environ.get("TEST_REDIS_URL")
    if url:
        url = worker_redis_url(url)
        need("Redis", redis_ping(url), f"TEST_REDIS_URL={url} does not answer PING")
        yield url
        return
    need("Redis", shutil.which("redis-server") is not None,
         "redis-server is not installed (apt-get install redis-server)")
    server = RedisServer().start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def clamav_socket():
    """A real clamd that knows the EICAR test signature: CLAMAV_SOCKET when CI provides one,
    else a throwaway clamd (tests.services.ClamdServer)."""
    from tests.services import ClamdServer, clamd_binary, clamd_ping, need

    path = os.environ.get("CLAMAV_SOCKET")
    if path:
        need("ClamAV", clamd_ping(path), f"CLAMAV_SOCKET={path} does not answer PING")
        yield path
        return
    need("ClamAV", clamd_binary() is not None,
         "clamd is not installed (apt-get install clamav-daemon)")
    server = ClamdServer().start()
    try:
        yield server.socket
    finally:
        server.stop()


# --- The file store: a local directory, or an S3-compatible bucket (moto's server) ---------


@pytest.fixture(scope="session")
def moto_s3():
    """moto's S3 in server mode on a free loopback port, for the whole session."""
    from tests.objectstore import MotoS3

    server = MotoS3().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def object_store(moto_s3, settings):
    """The default storage is ``PrivateS3Storage`` on a new private bucket of moto's server,
    configured exactly as ``STORAGE_BACKEND=s3`` configures it. Returns the bucket's name."""
    bucket = moto_s3.new_bucket()
    settings.STORAGES = {**settings.STORAGES, "default": moto_s3.storage_settings(bucket)}
    return bucket


def pytest_generate_tests(metafunc):
    """A test that uses ``file_store`` runs once on each kind of store."""
    if "file_store" in metafunc.fixturenames:
        metafunc.parametrize("file_store", ["local", pytest.param("s3", marks=pytest.mark.s3)],
                             indirect=True)


@pytest.fixture
def file_store(request):
    """``local``: the suite's own temporary directory; ``s3``: :func:`object_store`. Use it as
    ``@pytest.mark.usefixtures("file_store")`` so it is set before the test's other fixtures."""
    if request.param == "s3":
        return request.getfixturevalue("object_store")
    return None


#: The longest tests that use no test database (each starts its own PostgreSQL, gunicorn,
#: Redis or SQLite file), about four minutes of a worker's time together. pytest-django puts
#: the tests without a database last, so these ran at the very end, where a 66 s backup drill
#: taken by one worker left the other idle; first, they are spread out by the workers'
#: stealing while the short tests fill the gaps.
LONG_WITHOUT_TEST_DATABASE = (
    "tests/ops/test_backup_drill.py",
    "tests/ops/test_two_nodes.py",
    "tests/ops/test_outages.py",
    "tests/perf/test_bench_harness.py",
)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """After pytest-django's order (database tests, then transactional ones, then the rest):
    :data:`LONG_WITHOUT_TEST_DATABASE` first, each file's tests kept together and in order. A
    test moved there must not use the test database (it would run before the others expect)."""
    first = [item for item in items if item.nodeid.split("::")[0] in LONG_WITHOUT_TEST_DATABASE]
    for item in first:
        uses = {"db", "transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
        if item.get_closest_marker("django_db") or uses:
            raise pytest.UsageError(f"{item.nodeid} uses the test database: it cannot be moved "
                                    "before the tests that expect the database as they left it")
    if first:
        moved = {id(item) for item in first}
        items[:] = first + [item for item in items if id(item) not in moved]
