"""Forms of the reports app: the chair's commentary and the period pickers. They parse and
present; the services decide what is allowed."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from reports.quarters import recent_quarters, recent_years
from reports.services import COMMENTARY_MAX_CHARS
from scsp.privacy import IdentifierGuardMixin


class Button(Submit):
    """A submit button whose colour is given whole (crispy's ``Submit`` is always
    ``btn-primary``, which an outline class cannot override: blue text on blue)."""

    field_classes = "btn"


def _helper(submit_label: str, *, method: str = "post", action: str = "",
            css_class: str = "btn-primary") -> FormHelper:
    helper = FormHelper()
    helper.form_method = method
    if action:
        helper.form_action = action
    # The server's error summary explains every problem at once, in our words.
    helper.attrs = {"novalidate": ""}
    helper.add_input(Button("submit", submit_label, css_class=css_class))
    return helper


class CommentaryForm(IdentifierGuardMixin, forms.Form):
    """The chair's commentary on a quarter, printed in the report."""

    text = forms.CharField(
        label=_("Commentary for the partnership board"),
        help_text=_("What the figures mean, what is being done about them and what the board "
                    "is asked to do. Case references only: never a child's name."),
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=COMMENTARY_MAX_CHARS, required=False,
    )

    def __init__(self, *args, quarter=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save the commentary"))


class QuarterPickerForm(forms.Form):
    """Choose which quarter's report to open (GET)."""

    quarter = forms.ChoiceField(label=_("Quarter"), required=False)

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [(q.slug, q.long_label) for q in recent_quarters(today)]
        self.helper = _helper(_("Open the report"), method="get",
                              action=reverse("reports:index"), css_class="btn-outline-primary")
        self.helper.form_class = "quarter-picker"


class YearPickerForm(forms.Form):
    """Choose which financial year's figures to open (GET)."""

    year = forms.ChoiceField(label=_("Financial year"), required=False)

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y.label, y.long_label) for y in recent_years(today)]
        self.helper = _helper(_("Show the figures"), method="get",
                              action=reverse("reports:annual_index"),
                              css_class="btn-outline-primary")
        self.helper.form_class = "quarter-picker"
