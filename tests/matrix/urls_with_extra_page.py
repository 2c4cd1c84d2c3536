"""The real URLconf plus one page nobody wrote a matrix row for (see test_url_matrix)."""

from django.http import HttpResponse
from django.urls import include, path

from scsp.urls import urlpatterns as real_patterns

extra = [path("brand-new/", lambda request: HttpResponse("new"), name="brand_new_page")]
urlpatterns = [path("", include((extra, "scsp"), namespace="scsp")), *real_patterns]
