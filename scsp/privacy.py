"""Data minimisation: spot direct identifiers typed into free text (SECURITY.md check 37).

Records carry pseudonyms only. Every free-text field that reaches a PDF or an e-mail (case
outlines, Rapid Review sections, practice review texts, audit narratives and findings, action
descriptions, success measures, completion and impact evidence, progress notes, date-change
reasons, commentary) is scanned for

* **NHS numbers**: 10 digits (spaces or hyphens allowed in 3-3-4) that pass the modulus 11 check;
* **UK postcodes**;
* **dates of birth**: a date after "DOB", "D.O.B.", "date of birth", "birth date", "born" or
  "birthday" ("DOB 12/03/2015", "date of birth: 12 March 2015", "born 12.03.15"). A date on
  its own is not one: meetings and deadlines are dates too.

A match is a warning the person must either fix or confirm (an NHS number-like reference that
is not one, a service's own office postcode), never a silent block, because false positives
are possible. Forms get that behaviour from :class:`IdentifierGuardMixin`. This lives in the
core because actions, reviews, audits and reports all have such fields.
"""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

NHS_NUMBER = re.compile(r"(?<![\d])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d])")
POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE
)
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = (
    r"(?:\d{4}-\d{1,2}-\d{1,2}"                                  # 2015-03-12
    r"|\d{1,2}\s?[./-]\s?\d{1,2}\s?[./-]\s?(?:\d{4}|\d{2})(?!\d)"   # 12/03/2015, 12.03.15
    rf"|{_DAY}\s+(?:of\s+)?{_MONTH},?\s+\d{{2,4}}"               # 12 March 2015, 12th of Mar 15
    rf"|{_MONTH}\s+{_DAY},?\s+\d{{4}})"                         # March 12, 2015
)
_BIRTH_WORDS = (r"(?:\bd\.?\s?o\.?\s?b\b\.?|\bdate\s+of\s+birth\b|\bbirth\s?date\b"
                r"|\bborn\b|\bbirthday\b)")
DATE_OF_BIRTH = re.compile(
    rf"{_BIRTH_WORDS}[\s:=,(-]*(?:(?:is|was|on)\s+)?{_DATE}", re.IGNORECASE
)


def is_nhs_number(digits: str) -> bool:
    """True when ten digits pass the NHS number's modulus 11 check."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - (total % 11)
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def find_identifiers(text: str) -> list[str]:
    """What kinds of identifier ``text`` seems to contain ("an NHS number", "a postcode",
    "a date of birth"), in that order."""
    found = []
    if not text:
        return found
    if any(is_nhs_number("".join(m.groups())) for m in NHS_NUMBER.finditer(text)):
        found.append(str(_("an NHS number")))
    if POSTCODE.search(text):
        found.append(str(_("a postcode")))
    if DATE_OF_BIRTH.search(text):
        found.append(str(_("a date of birth")))
    return found


CONFIRM_FIELD = "confirm_no_identifiers"


class IdentifierGuardMixin:
    """Warn when free text looks like it holds an NHS number, a postcode or a date of birth.

    The form comes back with the warning on each such field and a box at its end; the person
    removes the identifier, or ticks the box to confirm it is not one and saves again. The
    box's value never reaches ``cleaned_data``.

    ``guarded_fields``: the names to scan; by default (``None``) every multi-line text field
    (a ``CharField`` with a ``Textarea``), including fields a form adds in ``__init__``. Put
    the mixin before ``forms.Form`` / ``ModelForm``."""

    guarded_fields: tuple[str, ...] | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_identifier_guard()

    def add_identifier_guard(self):
        if CONFIRM_FIELD not in self.fields:
            self.fields[CONFIRM_FIELD] = forms.BooleanField(
                required=False, widget=forms.HiddenInput,
                label=_("I have checked: this text does not identify a child or family member"),
            )

    def guarded_names(self) -> list[str]:
        if self.guarded_fields is not None:
            return [name for name in self.guarded_fields if name in self.fields]
        return [name for name, field in self.fields.items()
                if isinstance(field, forms.CharField) and isinstance(field.widget, forms.Textarea)]

    def check_identifiers(self, data):
        if CONFIRM_FIELD not in self.fields or data.get(CONFIRM_FIELD):
            return
        found = False
        for name in self.guarded_names():
            value = data.get(name)
            kinds = find_identifiers(value if isinstance(value, str) else "")
            if kinds:
                found = True
                self.add_error(name, _(
                    "This looks like it contains %(what)s. Records here use pseudonyms only: "
                    "remove it, or tick the box at the end of the form to confirm it does not "
                    "identify anyone."
                ) % {"what": _(" and ").join(kinds)})
        if found:
            self._show_confirm_box()

    def _show_confirm_box(self):
        """The box becomes a visible checkbox, last among the fields (and in the crispy layout,
        when the form has one that does not name it)."""
        field = self.fields.pop(CONFIRM_FIELD)
        field.widget = forms.CheckboxInput()
        self.fields[CONFIRM_FIELD] = field
        layout = getattr(getattr(self, "helper", None), "layout", None)
        if layout is not None and CONFIRM_FIELD not in {
                pointer.name for pointer in layout.get_field_names()}:
            layout.append(CONFIRM_FIELD)

    def clean(self):
        data = super().clean()
        if data is None:
            data = self.cleaned_data
        self.check_identifiers(data)
        data.pop(CONFIRM_FIELD, None)
        return data

    def service_kwargs(self):
        """The cleaned values the service takes (the confirmation box is never among them)."""
        data = dict(self.cleaned_data)
        data.pop(CONFIRM_FIELD, None)
        return data
