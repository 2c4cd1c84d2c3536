"""The real URLconf plus a new form nobody wrote a POST entry for, a function view that
accepts POST and one that does not (see test_post_matrix)."""

from django import forms
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import FormView, TemplateView

from scsp.urls import urlpatterns as real_patterns


class _Form(forms.Form):
    name = forms.CharField()


class BrandNewForm(FormView):
    form_class = _Form
    template_name = "base.html"


@require_POST
def brand_new_button(request):
    return HttpResponse("pressed")


@require_GET
def brand_new_read_only(request):
    return HttpResponse("read")


extra = [
    path("brand-new/form/", BrandNewForm.as_view(), name="brand_new_form"),
    path("brand-new/button/", brand_new_button, name="brand_new_button"),
    path("brand-new/read/", brand_new_read_only, name="brand_new_read_only"),
    path("brand-new/page/", TemplateView.as_view(template_name="base.html"),
         name="brand_new_page"),
]
urlpatterns = [path("", include((extra, "scsp"), namespace="scsp")), *real_patterns]
