"""Numbers no column can hold are "no match", never a database error (scsp/lookups.py)."""

import pytest
from django import forms

from scsp.models import Agency, Theme, User
from tests.factories import AgencyFactory, ThemeFactory

pytestmark = pytest.mark.django_db
HUGE = 10**30


def test_out_of_range_numbers_match_nothing(coordinator):
    theme = ThemeFactory()
    assert list(Theme.objects.filter(pk__in=[HUGE])) == []
    assert list(Theme.objects.filter(pk__in=[HUGE, theme.pk, -HUGE])) == [theme]
    assert list(User.objects.filter(agency_id=HUGE)) == []
    assert list(User.objects.filter(agency=HUGE)) == []
    assert list(User.objects.filter(agency__in=[HUGE, coordinator.agency_id])) == [coordinator]
    assert list(User.objects.exclude(agency_id__in=[HUGE])) == [coordinator]


def test_model_choice_fields_call_a_huge_number_invalid():
    AgencyFactory()

    class Form(forms.Form):
        one = forms.ModelChoiceField(Agency.objects.all())
        many = forms.ModelMultipleChoiceField(Agency.objects.all())

    form = Form({"one": str(HUGE), "many": [str(HUGE)]})
    assert not form.is_valid()
    assert set(form.errors) == {"one", "many"}
