"""Shared fixtures: the personas every permission test uses.

* ``coordinator``  - business unit; manages everything.
* ``chair``        - reads everything, signs off, exports reports; changes no action.
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

from scsp.models import Agency, Role
from tests.factories import AgencyFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop + the ORM


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private-media")},
        },
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def business_unit(db):
    return AgencyFactory(name="SCSP Business Unit", short_name="SCSP BU",
                         kind=Agency.Kind.OTHER, is_business_unit=True)


@pytest.fixture
def wmp(db):
    return AgencyFactory(name="West Midlands Police", short_name="WMP",
                         kind=Agency.Kind.STATUTORY)


@pytest.fixture
def swbnhs(db):
    return AgencyFactory(name="Sandwell and West Birmingham NHS Trust", short_name="SWBNHS",
                         kind=Agency.Kind.HEALTH)


@pytest.fixture
def sct(db):
    return AgencyFactory(name="Sandwell Children's Trust", short_name="SCT",
                         kind=Agency.Kind.STATUTORY)


@pytest.fixture
def coordinator(business_unit):
    return UserFactory(email="coordinator@scsp.test", full_name="Carol Coordinator",
                       agency=business_unit, role=Role.COORDINATOR)


@pytest.fixture
def chair(business_unit):
    return UserFactory(email="chair@scsp.test", full_name="Charles Chair",
                       agency=business_unit, role=Role.CHAIR)


@pytest.fixture
def scrutineer(business_unit):
    return UserFactory(email="scrutineer@scsp.test", full_name="Sam Scrutineer",
                       agency=business_unit, role=Role.SCRUTINEER)


@pytest.fixture
def wmp_lead(wmp):
    return UserFactory(email="lead@wmp.test", full_name="Lee Lead", agency=wmp,
                       role=Role.AGENCY_LEAD)


@pytest.fixture
def wmp_officer(wmp):
    return UserFactory(email="officer@wmp.test", full_name="Olive Officer", agency=wmp,
                       role=Role.AGENCY_OFFICER)


@pytest.fixture
def health_officer(swbnhs):
    return UserFactory(email="officer@swbnhs.test", full_name="Hana Health", agency=swbnhs,
                       role=Role.AGENCY_OFFICER)


@pytest.fixture
def health_lead(swbnhs):
    return UserFactory(email="lead@swbnhs.test", full_name="Hugh Healthlead", agency=swbnhs,
                       role=Role.AGENCY_LEAD)


@pytest.fixture
def sct_officer(sct):
    return UserFactory(email="officer@sct.test", full_name="Tia Trust", agency=sct,
                       role=Role.AGENCY_OFFICER)


PERSONAS = ("anonymous", "coordinator", "chair", "scrutineer", "wmp_lead", "wmp_officer",
            "health_officer")


@pytest.fixture
def personas(coordinator, chair, scrutineer, wmp_lead, wmp_officer, health_officer):
    return {"anonymous": None, "coordinator": coordinator, "chair": chair,
            "scrutineer": scrutineer, "wmp_lead": wmp_lead, "wmp_officer": wmp_officer,
            "health_officer": health_officer}


@pytest.fixture
def client_for(client):
    """``client_for(user)`` returns the test client signed in as ``user`` (or anonymous)."""

    def sign_in(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return sign_in


@pytest.fixture(scope="session")
def redis_url():
    """A real Redis: TEST_REDIS_URL when CI provides one, else a throwaway redis-server."""
    import shutil

    from tests.services import RedisServer, need, redis_ping

    url = os.environ.get("TEST_REDIS_URL")
    if url:
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
