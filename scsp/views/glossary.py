"""The glossary: the words of the trade in plain English, for anyone (no sign-in)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from scsp.glossary import TERMS


@login_not_required
def glossary(request):
    return render(request, "scsp/glossary.html", {"terms": TERMS})
