"""The header's "Find by reference" box: straight to the record, or one sentence that is the
same whether the record does not exist or the person may not open it."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from scsp.find import MAX_LENGTH, find


@require_safe
def find_by_reference(request):
    text = (request.GET.get("ref") or "").strip()[:MAX_LENGTH]
    url = find(request.user, text) if text else None
    if url:
        return redirect(url)
    return render(request, "scsp/find.html", {"ref": text})
