"""Every abbreviation on a page of the demo partnership is spelled out (``<abbr>``) at its
first use in the page's text, whether the words come from a template (``{% abbr %}``) or from
a label built in Python (``{% abbreviate %}``): menus, figures, clocks, choices."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse_lazy

from scsp.templatetags.scsp_words import ABBREVIATION_WORD
from tests.demo_data import demo_loaded

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    with demo_loaded(django_db_blocker, tmp_path_factory.mktemp("media")):
        yield


class _FirstUses(HTMLParser):
    """Each abbreviation's first use as a word in a page's body text: inside ``<abbr>`` or not."""

    def __init__(self):
        super().__init__()
        self.first: dict[str, bool] = {}
        self.in_abbr = 0
        self.skip = 0
        self.in_body = False

    def handle_starttag(self, tag, attrs):
        self.in_body |= tag == "body"
        self.in_abbr += tag == "abbr"
        self.skip += tag in ("script", "style", "title", "svg")

    def handle_endtag(self, tag):
        self.in_abbr -= tag == "abbr"
        self.skip -= tag in ("script", "style", "title", "svg")

    def handle_data(self, data):
        if not self.in_body or self.skip:
            return
        for match in ABBREVIATION_WORD.finditer(data):
            self.first.setdefault(match.group(1), bool(self.in_abbr))


@pytest.mark.parametrize("path", [
    reverse_lazy("scsp:home"), reverse_lazy("actions:plan_list"), "/reports/annual/2022-23/",
    reverse_lazy("reviews:review_list"), reverse_lazy("audits:audit_list")])
def test_every_abbreviation_is_spelled_out_at_its_first_use_on_a_page(client_for, coordinator,
                                                                      path):
    parser = _FirstUses()
    parser.feed(client_for(coordinator).get(str(path)).content.decode())
    assert parser.first, "the page uses no abbreviation: the test would prove nothing"
    assert all(parser.first.values()), {k: v for k, v in parser.first.items() if not v}
