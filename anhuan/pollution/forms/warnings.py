"""Forms of the warning pages: the list filters, issuing a warning and changing one.

Forms only parse input. ``anhuan.pollution.services.warnings`` checks the
rules (times, levels, who may act where), and the views show its errors
beside the field they concern.
"""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from anhuan.core.timeutil import SHANGHAI
from anhuan.organizations.models import Region, RegionKind
from anhuan.organizations.scope import covers_whole_city, region_ids_of
from anhuan.pollution.models import EventKind, WarningLevel, WarningStatus
from anhuan.pollution.services.warnings import WHOLE_CITY

# The value format of <input type="datetime-local">; times are Asia/Shanghai.
DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed in the browser's picker, read in the current zone (Asia/Shanghai)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL_FORMAT)
    input_formats = [DATETIME_LOCAL_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class WarningFilterForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=[("", _("All levels"))] + WarningLevel.choices, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All statuses"))] + WarningStatus.choices, required=False)
    date_from = forms.DateField(label=_("Announced from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Announced to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def filter(self, queryset):
        """Narrow ``queryset`` by the valid filters; dates are Asia/Shanghai calendar days."""
        data = self.cleaned_data
        if data.get("level"):
            queryset = queryset.filter(level=data["level"])
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("date_from"):
            queryset = queryset.filter(announced_at__gte=_start_of(data["date_from"]))
        if data.get("date_to"):
            queryset = queryset.filter(announced_at__lt=_start_of(data["date_to"] + dt.timedelta(days=1)))
        return queryset


def _start_of(day):
    return dt.datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)


class AreaFormMixin:
    """The area fields: the whole city, or checked regions within the user's scope."""

    def _setup_area(self, user, initial_whole_city=True, initial_regions=()):
        regions = Region.objects.exclude(kind=RegionKind.CITY).order_by("sort_order", "id")
        if not covers_whole_city(user):
            regions = regions.filter(id__in=region_ids_of(user))
            del self.fields["whole_city"]
        else:
            self.fields["whole_city"].initial = initial_whole_city
        self.fields["regions"].queryset = regions
        self.fields["regions"].initial = [region.id for region in initial_regions]

    def area_required(self, cleaned):
        return True

    def clean(self):
        cleaned = super().clean()
        missing = not cleaned.get("whole_city") and not cleaned.get("regions")
        if missing and "regions" not in self.errors and self.area_required(cleaned):
            self.add_error("regions", _("Choose at least one region, or the whole city."))
        if cleaned.get("whole_city") and cleaned.get("regions"):
            # Silently dropping the ticked regions would issue a city-wide warning by mistake.
            self.add_error("regions", _("Choose either the whole city or regions, not both."))
        return cleaned

    def area(self):
        """Return the service's ``regions`` argument: ``WHOLE_CITY`` or the chosen regions."""
        if self.cleaned_data.get("whole_city"):
            return WHOLE_CITY
        return list(self.cleaned_data["regions"])


def _whole_city_field():
    return forms.BooleanField(label=_("Whole city"), required=False)


def _regions_field():
    return forms.ModelMultipleChoiceField(
        label=_("Regions"),
        queryset=Region.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Check the regions the warning covers, or check Whole city."),
    )


class WarningIssueForm(AreaFormMixin, forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=WarningLevel.choices)
    whole_city = _whole_city_field()
    regions = _regions_field()
    announced_at = LocalDateTimeField(label=_("Announced at"), help_text=_("When the notice was published."))
    starts_at = LocalDateTimeField(label=_("Starts at"), help_text=_("When the response begins; not before the announcement."))
    ends_at = LocalDateTimeField(label=_("Ends at"), required=False, help_text=_("Leave empty until further notice."))
    document_number = forms.CharField(label=_("Document number"), max_length=50, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_area(user)


class WarningChangeForm(AreaFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of change"),
        choices=[(EventKind.UPGRADE, _("Upgrade")), (EventKind.DOWNGRADE, _("Downgrade")), (EventKind.LIFT, _("Lift"))],
    )
    level = forms.ChoiceField(
        label=_("New level"), choices=[("", "—")] + WarningLevel.choices, required=False,
        help_text=_("Required for an upgrade or a downgrade."),
    )
    whole_city = _whole_city_field()
    regions = _regions_field()
    announced_at = LocalDateTimeField(label=_("Announced at"))
    starts_at = LocalDateTimeField(
        label=_("Starts at"), required=False,
        help_text=_("When the change takes effect; for a lift, empty means at the announcement."),
    )
    ends_at = LocalDateTimeField(label=_("Ends at"), required=False, help_text=_("Leave empty until further notice."))
    document_number = forms.CharField(label=_("Document number"), max_length=50, required=False)

    def __init__(self, *args, user, warning, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_area(user, warning.whole_city, list(warning.regions.all()))
        # The current end stays unless the officer changes or clears it.
        self.fields["ends_at"].initial = warning.ends_at

    def area_required(self, cleaned):
        # A lift ends the warning wherever it is in force; the area fields are ignored.
        return cleaned.get("kind") != EventKind.LIFT

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") in (EventKind.UPGRADE, EventKind.DOWNGRADE):
            if not cleaned.get("level"):
                self.add_error("level", _("Choose the new level."))
            if not cleaned.get("starts_at") and "starts_at" not in self.errors:
                self.add_error("starts_at", _("Enter when the change takes effect."))
        return cleaned
