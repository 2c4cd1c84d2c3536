"""Fixtures for the report tests: the hand-counted worlds of ``tests/reports/factories.py``."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from scsp.workdays import WorkingCalendar
from tests.reports import factories


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Finished periods' action counts are cached; every test starts without them."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cal():
    return WorkingCalendar()


@pytest.fixture
def action_world(coordinator, wmp_officer, health_officer):
    return factories.action_world(coordinator=coordinator, wmp_officer=wmp_officer,
                                  health_officer=health_officer)


@pytest.fixture
def review_world(coordinator, wmp, swbnhs, sct):
    return factories.review_world(coordinator=coordinator, agencies=[wmp, swbnhs, sct])


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def later_today():
    """A 'today' long after the worlds' quarter, so it is reported as at its end."""
    return dt.date(2026, 11, 16)
