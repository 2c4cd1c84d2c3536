"""FastSelect renders the same HTML as Django's template-rendered Select."""

from __future__ import annotations

import pytest
from django import forms
from django.test.html import parse_html

from scsp.models import Agency
from scsp.widgets import FastSelect

CHOICES = [
    ("", "Any status"),
    ("open", "Open (not started, in progress or returned)"),
    ("a&b", 'Quotes " and <tags> & ampersands'),
    ("Group", [("g1", "In a group"), ("g2", "Also <grouped>")]),
]


def both(value, attrs=None, choices=CHOICES):
    fast = FastSelect(attrs={"class": "form-select", "aria-describedby": "x_help"},
                      choices=choices)
    slow = forms.Select(attrs={"class": "form-select", "aria-describedby": "x_help"},
                        choices=choices)
    return (fast.render("status", value, attrs), slow.render("status", value, attrs))


@pytest.mark.parametrize("value", [None, "", "open", "a&b", "g2", "not-a-choice"])
def test_same_html_as_django_select(value):
    fast, slow = both(value, attrs={"id": "id_status", "required": True, "disabled": False})
    assert parse_html(fast) == parse_html(slow)
    assert "<tags>" not in fast and "&lt;tags&gt;" in fast  # labels escaped


def test_selected_is_marked_once():
    fast, _slow = both("g1")
    assert fast.count("selected") == 1
    assert '<option value="g1" selected>In a group</option>' in fast


@pytest.mark.django_db
def test_model_choices_as_django_renders_them():
    Agency.objects.create(name="West Midlands Police", short_name="WMP", kind="statutory")
    agency = Agency.objects.create(name="Sandwell <Trust>", short_name="SCT", kind="statutory")
    field = forms.ModelChoiceField(Agency.objects.order_by("name"), empty_label="Any agency")
    fast = FastSelect(choices=field.choices).render("agency", agency.pk, {"id": "id_agency"})
    slow = forms.Select(choices=field.choices).render("agency", agency.pk, {"id": "id_agency"})
    assert parse_html(fast) == parse_html(slow)
    assert f'<option value="{agency.pk}" selected>Sandwell &lt;Trust&gt;</option>' in fast
