"""Error messages that name the field and say what to do (GOV.UK style), derived from each
field's label, instead of Django's generic ones ("This field is required.", "Enter a valid
date.", "Select a valid choice ...").

:func:`apply` rewrites, on one form, every message a field still has at Django's default:
"Enter the target date", "Select the lead agency", "Choose the learning themes", "Enter the
incident date as a real date, for example 27 3 2026", "Select the learning briefing file".
A message a form gives a field itself (``error_messages={...}``) is kept, so any field can say
something better. ``ServiceFormView`` (every form that calls a service) and
``FilteredListView`` (the filters) apply it to every form they build.
"""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext as _

#: Django's own texts, which no rendered form should show (tests/scsp/test_form_messages.py).
GENERIC = (
    "This field is required.", "Enter a valid date.", "Enter a valid time.",
    "Enter a valid date/time.", "Enter a whole number.", "Enter a number.",
    "Select a valid choice.", "Enter a list of values.", "No file was submitted.",
    "The submitted file is empty.", "Enter a valid email address.", "Enter a valid URL.",
    "Ensure this value",
)

EXAMPLE_DATE = "27 3 2026"
_ARTICLES = ("a ", "an ", "the ", "your ", "any ", "each ", "every ", "what ", "why ", "how ",
             "when ", "who ", "whom ", "where ", "which ", "whether ", "if ")


def _defaults(field) -> dict:
    merged: dict = {}
    for klass in reversed(type(field).__mro__):
        merged.update(getattr(klass, "default_error_messages", {}) or {})
    return merged


def noun(label) -> str:
    """The label as words inside a sentence: "(optional)" and final punctuation dropped, a
    capital first letter lowered unless the first word is an abbreviation, "the" in front
    unless it starts with one of its own."""
    text = re.sub(r"\s*\((optional|if any)\)\s*$", "", str(label or ""), flags=re.I)
    text = text.strip().rstrip(":?.").strip() or _("this")
    # A label that is an instruction ("Change the status", "Upload the register") names its
    # thing after the verb.
    text = re.sub(r"^(change|choose|select|enter|give|add|upload|attach|pick|set)\s+(?=\S)",
                  "", text, flags=re.I) or text
    first = text.split()[0]
    if not (first.isupper() and len(first) > 1) and not any(c.isdigit() for c in first):
        text = text[0].lower() + text[1:]
    if not text.lower().startswith(_ARTICLES) and text != _("this"):
        text = _("the %(thing)s") % {"thing": text}
    return text


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def messages_for(field, name: str = "") -> dict[str, str]:
    """The field-specific messages for ``field`` (only the codes its kind of field uses)."""
    thing = noun(field.label or name.replace("_", " "))
    the = _cap(thing)
    if isinstance(field, forms.FileField):
        return {
            "required": _("Select %(thing)s") % {"thing": thing},
            "missing": _("Select %(thing)s") % {"thing": thing},
            "invalid": _("Select %(thing)s again: it did not arrive") % {"thing": thing},
            "empty": _("%(the)s is empty: select a file with something in it") % {"the": the},
            "max_length": _("The name of %(thing)s is too long: rename it with at most "
                            "%%(max)d characters") % {"thing": thing},
            "contradiction": _("Either select %(thing)s or tick Remove, not both")
            % {"thing": thing},
        }
    if isinstance(field, forms.BooleanField):
        return {"required": _("Tick “%(label)s” to continue") % {
            "label": str(field.label or name).rstrip(".")}}
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return {
            "required": _("Choose %(thing)s") % {"thing": thing},
            "invalid_choice": _("Choose %(thing)s from the list") % {"thing": thing},
            "invalid_list": _("Choose %(thing)s from the list") % {"thing": thing},
            "invalid_pk_value": _("Choose %(thing)s from the list") % {"thing": thing},
        }
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        return {
            "required": _("Select %(thing)s") % {"thing": thing},
            "invalid_choice": _("Select %(thing)s from the list") % {"thing": thing},
        }
    enter = _("Enter %(thing)s") % {"thing": thing}
    result = {"required": enter}
    if isinstance(field, forms.DateTimeField):
        result["invalid"] = _("Enter %(thing)s as a real date and time, for example "
                              "%(example)s 14:30") % {"thing": thing, "example": EXAMPLE_DATE}
    elif isinstance(field, forms.DateField):
        result["invalid"] = _("Enter %(thing)s as a real date, for example %(example)s") % {
            "thing": thing, "example": EXAMPLE_DATE}
    elif isinstance(field, forms.TimeField):
        result["invalid"] = _("Enter %(thing)s as a time, for example 14:30") % {"thing": thing}
    elif isinstance(field, forms.IntegerField):
        result["invalid"] = _("Enter %(thing)s as a whole number, for example 12") % {
            "thing": thing}
    elif isinstance(field, forms.DecimalField | forms.FloatField):
        result["invalid"] = _("Enter %(thing)s as a number, for example 2.5") % {
            "thing": thing}
    elif isinstance(field, forms.EmailField):
        result["invalid"] = _("Enter %(thing)s in the right form, like name@example.org") % {
            "thing": thing}
    elif isinstance(field, forms.URLField):
        result["invalid"] = _("Enter %(thing)s as a web address, like https://example.org") % {
            "thing": thing}
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField
                  | forms.DateField):
        result["min_value"] = _("%(the)s must be %%(limit_value)s or more") % {"the": the}
        result["max_value"] = _("%(the)s must be %%(limit_value)s or less") % {"the": the}
    if isinstance(field, forms.CharField):
        result["max_length"] = _("%(the)s must be %%(limit_value)d characters or fewer "
                                 "(it has %%(show_value)d)") % {"the": the}
        result["min_length"] = _("%(the)s must be %%(limit_value)d characters or more "
                                 "(it has %%(show_value)d)") % {"the": the}
    return result


def apply(form) -> None:
    """Give every field of ``form`` (or every form of a formset) field-specific messages
    wherever it still has Django's default."""
    if form is None:
        return
    if hasattr(form, "forms") and not hasattr(form, "fields"):  # a formset
        for each in [*form.forms, form.empty_form]:
            apply(each)
        return
    for name, field in getattr(form, "fields", {}).items():
        defaults = _defaults(field)
        mine = messages_for(field, name)
        current = dict(field.error_messages)
        for code, message in mine.items():
            if code not in current or str(current[code]) == str(defaults.get(code, "")):
                current[code] = message
        field.error_messages = current


class FieldMessagesMixin:
    """For a form view outside ``scsp.generic`` (Django's own, a model form view): its form
    gets the field-specific messages too."""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        apply(form)
        return form


def is_generic(message) -> bool:
    text = str(message)
    return any(text.startswith(generic) for generic in GENERIC)
