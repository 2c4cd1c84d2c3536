"""The demo partnership loaded once for a group of tests (a module or a class), not per test.

Loading it takes seconds; tests that only read it share one copy. The copy is made inside a
transaction that is rolled back when the group ends, and each test runs in a savepoint inside
it (pytest-django's ``db``), so what a test writes is undone and later tests never see the demo.
Tests whose subject is the loading itself (a first run, twice without duplicates) still load it
themselves."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings


def seed_demo() -> None:
    call_command("seed_demo", stdout=StringIO())


@contextlib.contextmanager
def demo_loaded(django_db_blocker, media_dir, seed: Callable[[], None] = seed_demo):
    """Run ``seed`` once, keep its records while the block runs, then roll them back.

    Use in a module- or class-scoped fixture that also requests ``django_db_setup``. The
    settings are those ``tests/conftest.py`` gives each test (fast password hashing, files in
    ``media_dir``, mail kept in memory), which a fixture of a wider scope does not get."""
    fast = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        STORAGES={**settings.STORAGES,
                  "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                              "OPTIONS": {"location": str(media_dir)}}},
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
        try:
            with fast:
                seed()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
