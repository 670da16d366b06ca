from django import forms
from django.utils.translation import gettext_lazy as _

from anhuan.core.timeutil import TimeFormatError, parse_local_datetime
from anhuan.pollution.models import MeasureType


class AdhocMeasureForm(forms.Form):
    """An ad-hoc halt or limit on one production line; the rules are checked by the service."""

    measure_type = forms.ChoiceField(
        label=_("Measure"), choices=[(MeasureType.HALT, MeasureType.HALT.label), (MeasureType.LIMIT, MeasureType.LIMIT.label)]
    )
    limit_percent = forms.DecimalField(
        label=_("Limit (%)"), required=False, min_value=1, max_value=100, decimal_places=2,
        help_text=_("For a limit: the percentage of production to cut, 1 to 100."),
    )
    reason = forms.CharField(label=_("Reason for the measure"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    effective_at = forms.CharField(
        label=_("Effective at"), help_text=_("Asia/Shanghai time, e.g. 2025-12-01 14:00."), max_length=20
    )

    def clean_effective_at(self):
        try:
            return parse_local_datetime(self.cleaned_data["effective_at"])
        except TimeFormatError as exc:
            raise forms.ValidationError(_("Enter a time in the form YYYY-MM-DD HH:MM.")) from exc
