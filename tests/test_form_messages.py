"""Every form's errors name the field and say what to do (scsp/form_messages.py): no page of
the POST walk, sent empty or with nonsense in every field, shows one of Django's generic
messages ("This field is required.", "Enter a valid date.", "Select a valid choice ...").
Error summaries link to a control that exists on the page, the first one of a group."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django import forms
from django.db import transaction
from django.urls import reverse

from scsp import form_messages
from tests.test_post_matrix import POSTS, post_world  # noqa: F401 - the walk's world

KEEP = re.compile(r"(csrfmiddlewaretoken|version|TOTAL_FORMS|INITIAL_FORMS|MIN_NUM_FORMS"
                  r"|MAX_NUM_FORMS|-id|-DELETE|_held_|submit|next)$|^_held_")
FORMS = [post for post in POSTS if post.form and post.allowed and "anonymous" not in post.allowed
         and not post.read_only]


def form_html(html: str, path: str) -> str:
    for match in re.finditer(r"<form\b[^>]*>.*?</form>", html, re.S):
        tag = match.group(0)
        method = re.search(r'method="([^"]+)"', tag[:300])
        action = re.search(r'action="([^"]*)"', tag[:300])
        if method and method.group(1).lower() == "post" and (
                action is None or action.group(1) in ("", path, "?")):
            return tag
    return ""


def names_and_kept(html: str) -> tuple[set[str], dict[str, str]]:
    names, kept = set(), {}
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        if KEEP.search(name.group(1)) or 'type="hidden"' in tag:
            kept[name.group(1)] = unescape(value.group(1)) if value else ""
        else:
            names.add(name.group(1))
    return names, kept


def generic_texts(html: str) -> list[str]:
    text = unescape(html)
    return [generic for generic in form_messages.GENERIC if generic in text]


def broken_links(html: str) -> list[str]:
    summary = re.search(r"data-error-summary>(.*?)</div>", html, re.S)
    if not summary:
        return []
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    return [href for href in re.findall(r'href="#([^"]*)"', summary.group(1))
            if href not in ids]


@pytest.mark.parametrize("post", FORMS, ids=[post.url_name for post in FORMS])
def test_no_generic_message_on_any_form(post, post_world, client_for, db):  # noqa: F811
    world, personas = post_world["world"], post_world["personas"]
    url = reverse(post.url_name, kwargs=post.kwargs(world) if post.kwargs else {})
    with transaction.atomic():
        client = client_for(personas[post.allowed[0]])
        page = client.get(url)
        assert page.status_code == 200, (url, page.status_code)
        names, kept = names_and_kept(form_html(page.content.decode(), url))
        transaction.set_rollback(True)
    for label, data in (("empty", dict(kept)),
                        ("nonsense", {**kept, **{name: "not-valid-%%" for name in names}})):
        with transaction.atomic():
            response = client_for(personas[post.allowed[0]]).post(url, data)
            transaction.set_rollback(True)
        if response.status_code != 200:
            continue  # accepted (every field optional) or sent on: no form errors shown
        html = response.content.decode()
        assert not generic_texts(html), (url, label, generic_texts(html))
        assert not broken_links(html), (url, label, broken_links(html))


# --- the helper itself ----------------------------------------------------------------------

class Sample(forms.Form):
    incident_date = forms.DateField(label="Incident date")
    harm_types = forms.MultipleChoiceField(label="Harm types", choices=[("a", "A")],
                                           widget=forms.CheckboxSelectMultiple)
    decision = forms.ChoiceField(label="Decision", choices=[("y", "Yes")],
                                 widget=forms.RadioSelect)
    briefing = forms.FileField(label="Learning briefing file")
    count = forms.IntegerField(label="Number of staff briefed", min_value=1)
    title = forms.CharField(label="Short title", max_length=5)
    own = forms.CharField(label="Reason", error_messages={"required": "Say why."})
    lcspr = forms.CharField(label="LCSPR reference")
    note = forms.CharField(label="Note (optional)", required=False, max_length=3)


def errors(data):
    form = Sample(data, {})
    form_messages.apply(form)
    form.is_valid()
    return {name: [str(e) for e in errs] for name, errs in form.errors.items()}


def test_messages_are_derived_from_labels():
    empty = errors({})
    assert empty == {
        "incident_date": ["Enter the incident date"],
        "harm_types": ["Choose the harm types"],
        "decision": ["Select the decision"],
        "briefing": ["Select the learning briefing file"],
        "count": ["Enter the number of staff briefed"],
        "title": ["Enter the short title"],
        "own": ["Say why."],  # a form's own message is kept
        "lcspr": ["Enter the LCSPR reference"],  # an abbreviation keeps its capitals
    }
    bad = errors({"incident_date": "31/2/2026", "harm_types": ["z"], "decision": "n",
                  "count": "0", "title": "too long", "own": "x", "lcspr": "x",
                  "note": "long"})
    assert bad["incident_date"] == ["Enter the incident date as a real date, for example "
                                    "27 3 2026"]
    assert bad["harm_types"] == ["Choose the harm types from the list"]
    assert bad["decision"] == ["Select the decision from the list"]
    assert bad["count"] == ["The number of staff briefed must be 1 or more"]
    assert bad["title"] == ["The short title must be 5 characters or fewer (it has 8)"]
    assert bad["note"] == ["The note must be 3 characters or fewer (it has 4)"]
    assert errors({"count": "lots"})["count"] == ["Enter the number of staff briefed as a "
                                                  "whole number, for example 12"]


def test_the_summary_links_to_the_first_control_of_a_group():
    from django.template.loader import render_to_string

    form = Sample({}, {})
    form_messages.apply(form)
    form.is_valid()
    html = render_to_string("includes/error_summary.html", {"form": form})
    assert 'href="#id_harm_types_0"' in html and 'href="#id_decision_0"' in html
    assert 'href="#id_incident_date"' in html and 'href="#"' not in html
    # A message that names its field stands alone; one that does not follows the label.
    assert ">Enter the incident date<" in html and ">Reason: Say why.<" in html
