"""Persona x URL matrix: every named URL, every persona, the expected status."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.matrix import PERSONAS, row_modules

MODULES = row_modules()
ROWS = [row for module in MODULES for row in module.ROWS]
# The Django admin's own pages are guarded as one unit by the admin site (staff only);
# the matrix covers its index, and tests/scsp/test_admin.py checks a sample of the rest.
EXCLUDED_NAMESPACES = ("admin:",)
ALLOWED_EXCLUDED = {"admin:index"}


def named_urls(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}{pattern.namespace}:"
            yield from named_urls(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def missing_rows() -> list[str]:
    urls = {
        name for name in named_urls()
        if not name.startswith(EXCLUDED_NAMESPACES) or name in ALLOWED_EXCLUDED
    }
    return sorted(urls - {row.url_name for row in ROWS})


def test_every_url_has_a_row():
    missing = missing_rows()
    assert not missing, f"URLs without a row in tests/matrix/rows_*.py: {missing}"
    covered = {row.url_name for row in ROWS}
    stale = sorted(covered - set(named_urls()))
    assert not stale, f"Rows for URLs that no longer exist: {stale}"


def test_a_new_url_without_a_row_is_caught(settings):
    settings.ROOT_URLCONF = "tests.matrix.urls_with_extra_page"
    assert missing_rows() == ["scsp:brand_new_page"]


def test_rows_are_unique_and_complete():
    names = [row.url_name for row in ROWS]
    assert len(names) == len(set(names)), "a URL has two rows"
    for row in ROWS:
        assert set(row.expected) == set(PERSONAS), row.url_name


@pytest.fixture
def personas(matrix_world):
    return matrix_world["personas"]


@pytest.fixture
def world(matrix_world):
    """Built once for the module (``tests/conftest.py`` ``matrix_world``)."""
    return matrix_world["world"]


@pytest.mark.parametrize("row", ROWS, ids=[row.url_name for row in ROWS])
def test_matrix(row, personas, world, client_for):
    kwargs = row.kwargs(world) if row.kwargs else {}
    url = reverse(row.url_name, kwargs=kwargs) + (f"?{row.query}" if row.query else "")
    got = {}
    for persona in PERSONAS:
        response = client_for(personas[persona]).get(url)
        got[persona] = response.status_code
        if persona == "anonymous" and response.status_code == 302 and not row.url_name.startswith("admin:"):
            assert "/accounts/sign-in/" in response["Location"], url
    assert got == row.expected, f"{row.url_name} ({url}): expected {row.expected}, got {got}"
