"""FastSelect renders the same HTML as Django's template-rendered Select."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.test.html import parse_html

from scsp.models import Agency
from scsp.widgets import (
    FastCheckboxInput,
    FastDateInput,
    FastHiddenInput,
    FastSelect,
    FastTextInput,
)

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


@pytest.mark.parametrize(("fast", "slow", "value"), [
    (FastTextInput, forms.TextInput, None),
    (FastTextInput, forms.TextInput, 'AP-1 "quoted" <b>'),
    (FastDateInput, forms.DateInput, None),
    (FastDateInput, forms.DateInput, dt.date(2026, 11, 27)),
    (FastCheckboxInput, forms.CheckboxInput, True),
    (FastCheckboxInput, forms.CheckboxInput, False),
    (FastHiddenInput, forms.HiddenInput, "-rag"),
])
def test_inputs_same_html_as_django(fast, slow, value):
    kwargs = {"format": "%Y-%m-%d", "attrs": {"type": "date"}} if slow is forms.DateInput else {}
    attrs = {"id": "id_x", "class": "form-control", "aria-describedby": "id_x_helptext",
             "required": True}
    got = fast(**kwargs).render("x", value, attrs)
    want = slow(**kwargs).render("x", value, attrs)
    assert parse_html(got) == parse_html(want)
    assert "<b>" not in got


class _Form(forms.Form):
    ref = forms.CharField(label="Plan reference", help_text="For example AP-1.",
                          widget=FastTextInput)
    only = forms.BooleanField(label="Overdue only", required=False, widget=FastCheckboxInput)

    def clean_ref(self):
        raise forms.ValidationError("No <such> plan.")


def test_bs_field_labels_describes_and_escapes():
    from scsp.templatetags.scsp_forms import bs_field

    form = _Form({"ref": "X", "only": "on"})
    assert not form.is_valid()
    html = bs_field(form["ref"])
    assert '<label for="id_ref" class="form-label">Plan reference</label>' in html
    assert 'aria-describedby="id_ref_helptext id_ref_error"' in html
    assert 'aria-invalid="true"' in html and "form-control is-invalid" in html
    assert '<div id="id_ref_error" class="invalid-feedback"><strong>No &lt;such&gt; plan.' in html
    assert '<div id="id_ref_helptext" class="form-text">For example AP-1.</div>' in html
    box = bs_field(form["only"])
    assert box.index('type="checkbox"') < box.index('<label for="id_only"')
    assert "checked" in box and 'class="form-check-input"' in box
