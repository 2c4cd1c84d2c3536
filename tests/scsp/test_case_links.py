"""The case-links registry: apps that own case records link references for apps that hold only
the reference, without either importing the other."""

from __future__ import annotations

import pytest

from reviews.selectors import case_links as review_case_links
from scsp import case_links


@pytest.fixture
def finders(monkeypatch):
    """An empty registry for the test; the real one is restored afterwards."""
    registered = []
    monkeypatch.setattr(case_links, "_finders", registered)
    return registered


def test_reviews_registers_its_cases_at_app_ready():
    assert review_case_links in case_links._finders


def test_no_finder_links_nothing(finders):
    assert case_links.links_for(object(), ["SLPR-2026-001"]) == {}


def test_links_come_from_the_finders_and_the_first_wins(finders):
    calls = []

    def first(user, references):
        calls.append(references)
        return {"A-1": "/a/1/"}

    case_links.register(first)
    case_links.register(first)  # registering twice keeps one
    case_links.register(lambda user, references: {"A-1": "/other/", "B-2": "/b/2/"})
    assert case_links.links_for("user", ["A-1", "", "B-2"]) == {"A-1": "/a/1/", "B-2": "/b/2/"}
    assert calls == [["A-1", "B-2"]]


def test_no_references_asks_no_finder(finders):
    case_links.register(lambda user, references: pytest.fail("asked with no references"))
    assert case_links.links_for("user", ["", ""]) == {}
