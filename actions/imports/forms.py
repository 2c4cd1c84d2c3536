"""The import pages' forms: upload a spreadsheet; confirm the import of what was checked."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from actions.forms import _helper


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet of action plans"),
        help_text=_("An Excel workbook (.xlsx) or a CSV file, up to 10 MB, with the template's "
                    "column headings. Nothing is saved until you have seen the check."),
        error_messages={"required": _("Choose the spreadsheet to check."),
                        "empty": _("The file you chose is empty.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.csv"
        self.helper = _helper(_("Upload and check"))


class ImportConfirmForm(forms.Form):
    """The digest of the check the person saw: the import refuses when a fresh check differs."""

    checked = forms.CharField(widget=forms.HiddenInput, max_length=64, error_messages={
        "required": _("Check the file again before importing it.")})

    def __init__(self, *args, submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(submit_label or _("Import"))
