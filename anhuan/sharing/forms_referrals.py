"""Forms of the referral pages; ``anhuan.sharing.services.referrals`` checks every rule again."""

import datetime as dt

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anhuan.core import policy
from anhuan.core.timeutil import SHANGHAI, to_local
from anhuan.enterprises.models import Enterprise
from anhuan.organizations.models import Region
from anhuan.sharing import todo_referrals as steps
from anhuan.sharing.domain.referrals import Action
from anhuan.sharing.models import Referral
from anhuan.sharing.services import referrals as services

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self):
        super().__init__(format="%Y-%m-%dT%H:%M")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that accepts several files and returns them as a list."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


FILE_HELP = _("PDF, Word, Excel, JPEG or PNG files.")


class ReferralForm(forms.Form):
    receiver = forms.ModelChoiceField(label=_("Receiving agency"), queryset=None)
    enterprise = forms.ModelChoiceField(
        label=_("Enterprise"), queryset=None, required=False, empty_label=_("None (name the facility below)")
    )
    facility = forms.CharField(
        label=_("Facility"), max_length=200, required=False,
        help_text=_("Name the facility when the problem concerns one, or when no enterprise applies."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(label=_("Description of the problem"), widget=forms.Textarea(attrs={"rows": 5}))
    deadline = forms.DateTimeField(
        label=_("Reply deadline"), input_formats=DATETIME_FORMATS, widget=DateTimeInput(),
        help_text=_("The receiving agency reports back by this time (Beijing time)."),
    )
    files = MultipleFileField(label=_("Evidence files"), help_text=FILE_HELP)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        receivers = services.receiver_choices(user)
        self.fields["receiver"].queryset = receivers
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user).select_related("region")
        if not self.is_bound:
            days = policy.get(steps.DEFAULT_DAYS)
            deadline = to_local(timezone.now() + dt.timedelta(days=days)).replace(second=0, microsecond=0)
            self.initial.setdefault("deadline", deadline)
            # A county agency has exactly one possible receiver, so the form preselects it.
            only = list(receivers[:2])
            if len(only) == 1:
                self.initial.setdefault("receiver", only[0].pk)

    def clean_deadline(self):
        value = self.cleaned_data["deadline"]
        # A datetime-local input carries no zone; the platform's wall time is Beijing time.
        if value is not None and timezone.is_naive(value):
            value = value.replace(tzinfo=SHANGHAI)
        return value


class ReferralActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(value, label) for value, label in Action.choices if value != Action.SEND])
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    files = MultipleFileField(label=_("Files"), help_text=FILE_HELP)


DIRECTION_CHOICES = [("", _("All")), ("sent", _("Sent by my agency")), ("received", _("Received by my agency"))]


class ReferralFilterForm(forms.Form):
    direction = forms.ChoiceField(label=_("Direction"), required=False, choices=DIRECTION_CHOICES)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + list(Referral.Status.choices))
    region = forms.ModelChoiceField(label=_("Region"), required=False, queryset=None, empty_label=_("All"))
    sent_from = forms.DateField(label=_("Sent from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    sent_to = forms.DateField(label=_("Sent to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions

    def filter(self, queryset, *, user, now):
        """Narrow an already scoped queryset by the valid filters; invalid ones are ignored."""
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["direction"] == "sent":
            queryset = queryset.filter(sender_id=user.agency_id)
        elif data["direction"] == "received":
            queryset = queryset.filter(receiver_id=user.agency_id)
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["region"]:
            queryset = queryset.filter(
                Q(sender__region=data["region"]) | Q(receiver__region=data["region"])
            )
        if data["sent_from"]:
            queryset = queryset.filter(created_at__gte=_day_start(data["sent_from"]))
        if data["sent_to"]:
            queryset = queryset.filter(created_at__lt=_day_start(data["sent_to"] + dt.timedelta(days=1)))
        if data["overdue"]:
            queryset = queryset.exclude(status=Referral.Status.CLOSED).filter(deadline__lt=now)
        return queryset


def _day_start(day):
    return dt.datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)


class StatisticsFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    region = forms.ModelChoiceField(label=_("Region"), required=False, queryset=Region.objects.none(), empty_label=_("All"))

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions

    def values(self, now):
        """Return (year, region) from the valid filters, the current year by default."""
        year = to_local(now).year
        region = None
        if self.is_valid():
            year = self.cleaned_data["year"] or year
            region = self.cleaned_data["region"]
        return year, region
