"""The glossary: the words of the trade in plain English, for anyone (no sign-in, GET only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from scsp.glossary import TERMS


@login_not_required
@require_safe
def glossary(request):
    return render(request, "scsp/glossary.html", {"terms": TERMS})
