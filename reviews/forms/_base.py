"""What the review forms share: widgets, the crispy helper, parse-only model forms and the
identifier guard (``scsp.privacy.IdentifierGuardMixin``, SECURITY.md check 37). A service's
errors go onto a form with :func:`scsp.generic.apply_errors`."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import Q

from scsp.models import Agency, Theme
from scsp.privacy import IdentifierGuardMixin  # noqa: F401 - the review forms import it here

DATE = {"type": "date"}


def date_widget():
    return forms.DateInput(attrs=DATE, format="%Y-%m-%d")


def textarea(rows=3):
    return forms.Textarea(attrs={"rows": rows})


def helper(submit_label, *, form_tag=True, css_class="btn-primary"):
    h = FormHelper()
    h.form_tag = form_tag
    if submit_label:
        h.add_input(Submit("submit", submit_label, css_class=css_class))
    return h


def active_themes(selected=()):
    ids = [t.pk for t in selected]
    return Theme.objects.filter(Q(active=True) | Q(pk__in=ids)).order_by("name")


def active_agencies(selected=()):
    ids = [a.pk for a in selected]
    return Agency.objects.filter(Q(active=True) | Q(pk__in=ids)).order_by("name")


def style_row_widgets(form):
    """Compact Bootstrap classes for forms shown as table rows (no crispy layout there)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select form-select-sm"
        else:
            widget.attrs["class"] = "form-control form-control-sm"


class ParseOnlyModelForm(forms.ModelForm):
    """A model form that only turns input into values: no model or constraint validation
    (the service does that) and the instance is never changed by the form."""

    def _post_clean(self):
        pass
