"""Form fields in Bootstrap 5 markup without crispy-forms' per-field templates.

crispy-forms renders each field through several nested templates; on the action lists'
filter form that was about a third of the page's time (``make bench``, issue 8). Forms that
are rendered on every list view use ``includes/field.html`` with :func:`bs_widget`, which give
the same markup crispy's bootstrap5 pack does: label, widget with ``form-control`` /
``form-select`` / ``form-check-input``, ``is-invalid``, errors and help text named by
``aria-describedby``."""

from __future__ import annotations

from django import forms, template

register = template.Library()


def widget_class(widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


@register.simple_tag
def bs_widget(field):
    """``field``'s widget with Bootstrap's class and, when the field has errors,
    ``is-invalid`` and ``aria-describedby`` naming the help text and the error (Django adds
    ``aria-invalid``)."""
    css = " ".join(filter(None, [field.field.widget.attrs.get("class"),
                                 widget_class(field.field.widget)]))
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_helptext")
    if field.errors:
        css += " is-invalid"
        described.append(f"{field.auto_id}_error")
    attrs = {"class": css}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)
