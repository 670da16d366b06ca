"""Forms of the bulletin pages: the list filters and the ad-hoc bulletin."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from anhuan.core.timeutil import SHANGHAI
from anhuan.sharing.models import Bulletin, BulletinFlow
from anhuan.sharing.services.bulletins import overdue_condition

SENT = "sent"
RECEIVED = "received"


class BulletinFilterForm(forms.Form):
    flow = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All"))] + list(BulletinFlow.choices))
    direction = forms.ChoiceField(
        label=_("Direction"), required=False,
        choices=[("", _("All")), (SENT, _("Sent by my agency")), (RECEIVED, _("Received by my agency"))],
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + list(Bulletin.Status.choices))
    date_from = forms.DateField(label=_("Sent from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Sent to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    overdue = forms.BooleanField(label=_("Acknowledgement overdue only"), required=False)

    def filter(self, queryset, user, now):
        """Narrow ``queryset`` by the valid filters; invalid filters are ignored."""
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["flow"]:
            queryset = queryset.filter(flow=data["flow"])
        if data["direction"] == SENT:
            queryset = queryset.filter(sender_id=user.agency_id)
        elif data["direction"] == RECEIVED:
            queryset = queryset.filter(receiver_id=user.agency_id)
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        # Dates are Asia/Shanghai calendar days; "to" includes its whole day.
        if data["date_from"]:
            queryset = queryset.filter(sent_at__gte=dt.datetime.combine(data["date_from"], dt.time(0), tzinfo=SHANGHAI))
        if data["date_to"]:
            end = dt.datetime.combine(data["date_to"] + dt.timedelta(days=1), dt.time(0), tzinfo=SHANGHAI)
            queryset = queryset.filter(sent_at__lt=end)
        if data["overdue"]:
            queryset = queryset.filter(overdue_condition(now))
        return queryset


class AdhocBulletinForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 12}))
    document_number = forms.CharField(
        label=_("Document number"), max_length=50, required=False,
        help_text=_("Leave empty to number the bulletin in your agency's series, e.g. 邢环通〔2026〕5号."),
    )
