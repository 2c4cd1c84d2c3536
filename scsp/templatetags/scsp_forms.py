"""Form fields in Bootstrap 5 markup without crispy-forms' per-field templates.

crispy-forms renders each field through several nested templates; on the action lists'
filter form that was about a third of the page's time (``make bench``, issue 8). Forms that
are rendered on every list view use :func:`bs_field` (with ``scsp.widgets``' Fast widgets),
which gives the markup crispy's bootstrap5 pack does: label, widget with ``form-control`` /
``form-select`` / ``form-check-input``, ``is-invalid`` and ``aria-invalid``, errors and help
text named by ``aria-describedby``."""

from __future__ import annotations

from django import forms, template
from django.utils.html import format_html, format_html_join

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


@register.simple_tag
def bs_field(field):
    """The whole field: label, widget, errors, help text (checkboxes: widget, then label)."""
    errors = help_text = ""
    if field.errors:
        errors = format_html('<div id="{}_error" class="invalid-feedback">{}</div>',
                             field.auto_id,
                             format_html_join(" ", "<strong>{}</strong>",
                                              ((e,) for e in field.errors)))
    if field.help_text:
        help_text = format_html('<div id="{}_helptext" class="form-text">{}</div>',
                                field.auto_id, field.help_text)
    if isinstance(field.field.widget, forms.CheckboxInput):
        return format_html(
            '<div class="mb-3"><div id="div_{}" class="form-check">{} <label for="{}" '
            'class="form-check-label">{}</label>{}{}</div></div>',
            field.auto_id, bs_widget(field), field.id_for_label, field.label, errors,
            help_text)
    return format_html(
        '<div id="div_{}" class="mb-3"><label for="{}" class="form-label">{}</label> {}{}{}'
        '</div>', field.auto_id, field.id_for_label, field.label, bs_widget(field), errors,
        help_text)


@register.filter
def error_anchor(bound_field) -> str:
    """The id an error summary links to: the field's control, or the first control of a group
    of radios or tick boxes (whose label points at none)."""
    target = bound_field.id_for_label
    if target:
        return target
    for sub in bound_field.subwidgets:
        if sub.id_for_label:
            return sub.id_for_label
    return f"{bound_field.auto_id}_0" if bound_field.auto_id else ""


@register.filter
def error_text(bound_field, error) -> str:
    """An error as the summary lists it: the message alone when it names the field already
    ("Enter the target date"), otherwise after the field's label."""
    import re

    label = re.sub(r"\s*\((optional|if any)\)\s*$", "", str(bound_field.label or ""), flags=re.I)
    message = str(error)
    if not label or label.lower().strip(" :?.") in message.lower():
        return message
    return f"{label}: {message}"
