"""The pages anyone may open (glossary, accessibility statement, favicon), the ``{% abbr %}``
tag, and the two panels told apart everywhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.urls import reverse

from scsp.glossary import ABBREVIATIONS, TERMS
from tests.e2e.conftest import FOCUS_STOPS, NARROW

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_the_glossary_needs_no_sign_in_and_explains_every_term(client):
    html = client.get(reverse("scsp:glossary")).content.decode()
    for term in TERMS:
        assert f'id="{term.anchor}"' in html, term.term
        assert str(term.meaning).split(".")[0].replace("'", "&#x27;") in html, term.term
    for letters in ("SLPR", "QPPA", "CSPR", "LCSPR", "MACFA", "RAG", "SIN", "IAS"):
        assert letters in ABBREVIATIONS
    for name in ("Rapid Review panel", "National Panel", "Spotlight Review", "Tabletop Review",
                 "Section 11 audit", "Section 175 audit"):
        assert any(t.term == name for t in TERMS), name
    assert "the Child Safeguarding Practice Review Panel" in html


def test_the_public_pages_only_show_something(client):
    """GET and HEAD only: nothing to post to a page that has no form."""
    for name in ("scsp:glossary", "scsp:accessibility", "scsp:favicon", "scsp:healthz"):
        url = reverse(name)
        assert client.get(url).status_code in (200, 301), name
        assert client.head(url).status_code in (200, 301), name
        assert client.post(url).status_code == 405, name


def test_every_page_links_the_glossary_and_the_statement(client_for, coordinator):
    for response in (client_for(None).get(reverse("scsp:login")),
                     client_for(coordinator).get(reverse("scsp:home"))):
        html = response.content.decode()
        footer = html[html.index("<footer"):]
        assert reverse("scsp:glossary") in footer and reverse("scsp:accessibility") in footer


def test_abbr_spells_out_the_first_use_on_a_page_only():
    template = Template('{% load scsp_words %}{% abbr "LCSPR" %} {% abbr "LCSPR" "s" %} '
                        '{% abbr "RAG" as rag %}[{{ rag }}]')
    assert template.render(Context()) == (
        '<abbr title="Local Child Safeguarding Practice Review">LCSPR</abbr> LCSPRs '
        '[<abbr title="red, amber, green (and blue)">RAG</abbr>]')
    assert Template('{% load scsp_words %}{% abbr "SLPR" %}').render(Context()).startswith(
        "<abbr")  # a new page starts again
    with pytest.raises(KeyError):
        Template('{% load scsp_words %}{% abbr "XYZ" %}').render(Context())


def test_a_page_spells_out_its_abbreviations_once(client_for, coordinator):
    html = client_for(coordinator).get(reverse("reviews:review_list")).content.decode()
    assert html.count('<abbr title="Local Child Safeguarding Practice Review">') == 1


#: The only ways a page may name a panel.
PANELS = re.compile(r"(National|Rapid Review|Child Safeguarding Practice Review|filter) [Pp]anels?\b")
#: Template code (tags, variables, attributes), where "panel" is a name, not a word.
CODE = re.compile(r"\{%(?!\s*(?:translate|blocktranslate|plural|endblocktranslate)\b)[^%]*%\}"
                  r"|\{\{[^}]*\}\}"
                  r"|\s[\w-]+=\"[^\"]*\"")


def test_the_two_panels_are_always_told_apart_in_templates():
    """"Panel" alone is ambiguous: the National Panel (the Child Safeguarding Practice Review
    Panel) or a local Rapid Review panel."""
    ambiguous = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        words = PANELS.sub("", CODE.sub(" ", path.read_text(encoding="utf-8")))
        for match in re.finditer(r"\b[Pp]anels?\b", words):
            context = " ".join(words[max(0, match.start() - 40):match.end() + 20].split())
            ambiguous.append(f"{path.relative_to(ROOT)}: …{context}…")
    assert not ambiguous, "\n".join(ambiguous)


def test_favicon_ico_is_the_static_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("/favicon.ico")
    assert (ROOT / "static" / "favicon.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"  # an ICO
    html = client.get(reverse("scsp:login")).content.decode()
    assert "favicon.ico" in html and "favicon.svg" in html


def test_the_accessibility_statement_follows_the_model_and_names_the_checks_run(client):
    response = client.get(reverse("scsp:accessibility"))
    assert response.status_code == 200
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.content.decode()))
    # The model statement's parts (Public Sector Bodies ... Accessibility Regulations 2018).
    for part in ("How accessible this service is", "Feedback and contact information",
                 "Reporting accessibility problems", "Enforcement procedure",
                 "Equality and Human Rights Commission (EHRC)",
                 "Equality Commission for Northern Ireland (ECNI)",
                 "Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility "
                 "Regulations 2018", "Compliance status",
                 "partially compliant with the Web Content Accessibility Guidelines version 2.2",
                 "Non-accessible content", "How we tested this service",
                 "This statement was prepared on", "within 5 working days"):
        assert part in text, part
    # What the browser suite checks on every page (tests/e2e/conftest.py), as the statement
    # says it: change the suite and this test asks for the statement to change too.
    for check in ("axe-core with the WCAG 2.2 A and AA rules",
                  f"reflow at {NARROW['width']} CSS pixels wide",
                  "contrast of at least 3:1 against the page and its own background",
                  f"presses Tab through the page (the first {FOCUS_STOPS} stops)",
                  "at least 2 pixels thick with a contrast of at least 3:1",
                  "a title of its own and exactly one main heading",
                  f"in a window {NARROW['width']} pixels wide"):
        assert check in text, check
    # Nothing the suite contradicts: known failures are listed, not claimed away.
    assert "fully compliant" not in text
    # The 12-hour limit cannot be extended: said, not claimed away. The idle warning is in.
    assert "2.2.1 (Timing Adjustable)" in text and "12 hours after you signed in" in text
    assert "a warning lets you stay signed in" in text
    assert "are not kept and must be chosen again" not in text  # files are held now


def test_abbreviate_spells_out_labels_built_in_python_once_a_page():
    """``{% abbreviate %}`` gives the first use of each abbreviation in a label built in Python
    its expansion, shares the page's memory with ``{% abbr %}``, escapes the text, and leaves
    references (SLPR-2026-004, AP-SLPR-...) and HTML built in Python alone."""
    from django.utils.safestring import mark_safe

    template = Template(
        '{% load scsp_words %}{% abbreviate a %}|{% abbreviate b %}|{% abbr "RAG" %}|'
        '{% abbreviate c %}|{% abbreviate d %}|{% abbreviate e %}|{% abbreviate none %}')
    html = template.render(Context({
        "a": "LCSPRs initiated <b>",
        "b": "LCSPR: published, see SLPR-2026-004 and AP-SLPR-2026-004-02",
        "c": "Actions by RAG and SLPR",
        "d": mark_safe('<a title="QPPA">QPPA</a>'),
        "e": "MACFAS, QPPAX, xMACFA",
        "none": None,
    }))
    assert html == (
        '<abbr title="Local Child Safeguarding Practice Review">LCSPRs</abbr> initiated &lt;b&gt;|'
        'LCSPR: published, see SLPR-2026-004 and AP-SLPR-2026-004-02|'
        '<abbr title="red, amber, green (and blue)">RAG</abbr>|'
        'Actions by RAG and <abbr title="Sandwell Learning from Practice Reviews">SLPR</abbr>|'
        '<a title="QPPA">QPPA</a>|MACFAS, QPPAX, xMACFA|')

