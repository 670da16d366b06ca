"""Service refusals on facility forms: beside their field, without repeating the field's label."""

from django import forms
from django.utils import translation

from anhuan.core.errors import ValidationFailed
from anhuan.facilities.form_errors import show_domain_error


class DateForm(forms.Form):
    held_on = forms.DateField(label="日期")


def test_label_prefix_dropped_beside_field():
    form = DateForm({"held_on": "2099-01-01"})
    form.is_valid()
    show_domain_error(form, ValidationFailed("日期：日期不能晚于今天。", field="held_on"))
    assert form.errors["held_on"] == ["日期不能晚于今天。"]


def test_english_label_prefix_dropped():
    form = DateForm({"held_on": "2099-01-01"})
    form.fields["held_on"].label = "Date"
    form.is_valid()
    with translation.override("en"):
        show_domain_error(form, ValidationFailed("Date: the date cannot be in the future.", field="held_on"))
    assert form.errors["held_on"] == ["the date cannot be in the future."]


def test_service_text_for_the_field_wins():
    form = DateForm({"held_on": "2099-01-01"})
    form.is_valid()
    error = ValidationFailed("日期：不能晚于今天。", field="held_on", errors={"held_on": "不能晚于今天（2026-12-05）。"})
    show_domain_error(form, error)
    assert form.errors["held_on"] == ["不能晚于今天（2026-12-05）。"]


def test_unknown_field_goes_above_the_form():
    form = DateForm({"held_on": "2099-01-01"})
    form.is_valid()
    show_domain_error(form, ValidationFailed("状态：不予办理。", field="status"))
    assert form.non_field_errors() == ["状态：不予办理。"]
