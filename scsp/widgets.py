"""Widgets that render in Python what Django renders with one template per option.

Django's ``Select`` renders ``django/forms/widgets/select.html``, which includes an option
template, which includes an attributes template, for every option. On a list page whose filter
form offers about a hundred options (agencies, themes, statuses, origins), that was about half
of the page's time (``make bench``, issue 8). ``FastSelect`` produces the same markup from the
same context (``get_context``/``optgroups``, so ``selected``, ``disabled`` options and groups
behave as Django's) with ``format_html``; ``tests/scsp/test_widgets.py`` compares the two."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join

# ``flatatt`` renders attributes as Django's attrs.html does: False left out, True a bare
# name, anything else name="value" (escaped).


class FastSelect(forms.Select):
    """A drop-down rendered without a template per option (same HTML as ``forms.Select``)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            rendered = format_html_join(
                "", '<option value="{}"{}>{}</option>',
                ((str(o["value"]), flatatt(o["attrs"]), o["label"]) for o in options),
            )
            groups.append(format_html('<optgroup label="{}">{}</optgroup>', group_name, rendered)
                          if group_name else rendered)
        # Each group is already escaped (format_html): joined without marking anything safe.
        return format_html('<select name="{}"{}>{}</select>', widget["name"],
                           flatatt(widget["attrs"]), format_html_join("", "{}", ((g,) for g in groups)))


class FastInputMixin:
    """An ``<input>`` rendered without Django's input and attributes templates (same HTML)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        if widget["value"] is None:
            return format_html('<input type="{}" name="{}"{}>', widget["type"], widget["name"],
                               flatatt(widget["attrs"]))
        return format_html('<input type="{}" name="{}" value="{}"{}>', widget["type"],
                           widget["name"], str(widget["value"]),
                           flatatt(widget["attrs"]))


class FastTextInput(FastInputMixin, forms.TextInput):
    pass


class FastDateInput(FastInputMixin, forms.DateInput):
    pass


class FastCheckboxInput(FastInputMixin, forms.CheckboxInput):
    pass


class FastHiddenInput(FastInputMixin, forms.HiddenInput):
    pass
