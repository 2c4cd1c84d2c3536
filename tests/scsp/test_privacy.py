"""Identifiers in free text (SECURITY.md check 37): the detector and the form guard every
free-text form shares (scsp/privacy.py)."""

import importlib
import inspect
import pkgutil

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms

from scsp.privacy import CONFIRM_FIELD, IdentifierGuardMixin, find_identifiers, is_nhs_number

NHS, POSTCODE, DOB = "an NHS number", "a postcode", "a date of birth"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("NHS number 450 557 7104 noted", [NHS]),
        ("4505577104", [NHS]),
        ("450-557-7104", [NHS]),
        ("4505577105", []),  # fails the modulus 11 check
        ("Lives near B70 6HX", [POSTCODE]),
        ("b70 6hx", [POSTCODE]),
        ("DOB 12/03/2015", [DOB]),
        ("D.O.B.: 12/3/15", [DOB]),
        ("dob:2015-03-12", [DOB]),
        ("date of birth: 12 March 2015", [DOB]),
        ("Date of birth 12th of Mar 2015", [DOB]),
        ("born 12.03.15", [DOB]),
        ("Child was born on 12 March 2015 at home", [DOB]),
        ("birthday March 12, 2015", [DOB]),
        ("Birth date - 01-02-2016", [DOB]),
        ("DOB 12/03/2015, NHS 450 557 7104, B70 6HX", [NHS, POSTCODE, DOB]),
        # Not identifiers: dates of meetings and deadlines, ages, references, "newborn".
        ("Panel on 28 April 2022 at 10:00; 15 working days; SLPR-2022-002", []),
        ("Referral ref 1234567890", []),
        ("Meeting held 12/03/2015 with the born-again group", []),
        ("The newborn 12/03/2015 review", []),
        ("stubborn 12.03.15", []),
        ("born in 2015", []),
        ("Target date 12 March 2027", []),
    ],
)
def test_identifier_scan(text, found):
    assert find_identifiers(text) == found


def test_nhs_check_digit():
    assert is_nhs_number("9434765919") and not is_nhs_number("9434765918")


class NoteForm(IdentifierGuardMixin, forms.Form):
    note = forms.CharField(widget=forms.Textarea)
    title = forms.CharField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["extra_narrative"] = forms.CharField(widget=forms.Textarea, required=False)
        self.fields["later"] = forms.CharField(required=False)


def test_the_guard_holds_back_every_multi_line_field_by_default_until_confirmed():
    form = NoteForm({"note": "DOB 12/03/2015", "title": "B70 6HX",
                     "extra_narrative": "NHS 450 557 7104"})
    assert not form.is_valid()
    assert set(form.errors) == {"note", "extra_narrative"}  # a one-line title is not guarded
    assert "looks like it contains a date of birth" in form.errors["note"][0]
    assert "an NHS number" in form.errors["extra_narrative"][0]
    # The box is now a visible checkbox, the last field.
    assert list(form.fields)[-1] == CONFIRM_FIELD
    assert isinstance(form.fields[CONFIRM_FIELD].widget, forms.CheckboxInput)
    confirmed = NoteForm({"note": "DOB 12/03/2015", "title": "x",
                          "extra_narrative": "NHS 450 557 7104", CONFIRM_FIELD: "on"})
    assert confirmed.is_valid(), confirmed.errors
    assert CONFIRM_FIELD not in confirmed.cleaned_data  # never reaches a service


def test_an_unbound_form_has_only_a_hidden_box():
    form = NoteForm()
    assert form.fields[CONFIRM_FIELD].widget.is_hidden
    clean = NoteForm({"note": "Teams briefed on 12/03/2026.", "title": "x"})
    assert clean.is_valid() and CONFIRM_FIELD not in clean.cleaned_data


class ExplicitForm(IdentifierGuardMixin, forms.Form):
    guarded_fields = ("title",)
    title = forms.CharField()
    note = forms.CharField(widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("title", "note")


def test_named_fields_and_a_crispy_layout_get_the_box():
    form = ExplicitForm({"title": "DOB 12/03/2015", "note": "B70 6HX"})
    assert not form.is_valid() and set(form.errors) == {"title"}
    names = [pointer.name for pointer in form.helper.layout.get_field_names()]
    assert names == ["title", "note", CONFIRM_FIELD]


APPS = ("actions", "reviews", "audits", "reports", "scsp")


def form_classes():
    for app in APPS:
        package = importlib.import_module(f"{app}.forms")
        modules = [package]
        if hasattr(package, "__path__"):
            modules += [importlib.import_module(f"{app}.forms.{m.name}")
                        for m in pkgutil.iter_modules(package.__path__)]
        for module in modules:
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                    yield cls


def test_every_form_with_free_text_uses_the_guard():
    # A form with a multi-line text field (its text reaches PDFs and e-mails) is guarded.
    # Forms whose multi-line fields are added in __init__ (audit returns, moderation) are
    # listed in DEVELOPERS.md and checked in their apps' tests.
    unguarded = sorted(
        f"{cls.__module__}.{cls.__name__}" for cls in set(form_classes())
        if any(isinstance(f, forms.CharField) and isinstance(f.widget, forms.Textarea)
               for f in cls.base_fields.values())
        and not issubclass(cls, IdentifierGuardMixin))
    assert unguarded == []
