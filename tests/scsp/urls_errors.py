"""The site's URLs plus a page that fails, for the error-page tests (SECURITY.md check 2)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from scsp.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


@login_not_required
def boom(request):
    raise RuntimeError("boom: SECRET_KEY SELECT * FROM scsp_user /work/scsp/settings.py")


urlpatterns = [*urlpatterns, path("test-only/boom/", boom, name="boom")]
