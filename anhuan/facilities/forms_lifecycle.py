"""Forms of the key facility list and the lifecycle action pages; the services check the rules."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anhuan.experts.models import Expert
from anhuan.facilities.models import Origin, Outcome
from anhuan.facilities.services.findings import observed_status_choices
from anhuan.facilities.services.lifecycle import allowed_targets
from anhuan.sharing.models import EnvFacilityType, FacilityStatus, key_facility_types


class DateInput(forms.DateInput):
    input_type = "date"


def _date_field(label):
    return forms.DateField(label=label, widget=DateInput(format="%Y-%m-%d"))


def _file_field():
    return forms.FileField(label=_("File"), required=False, help_text=_("PDF, Word, Excel or an image, up to 20 MB."))


def _outcome_field(label):
    return forms.ChoiceField(label=label, choices=Outcome.choices)


class FacilityFilterForm(forms.Form):
    q = forms.CharField(label=_("Keyword"), required=False, help_text=_("Facility or enterprise name."))
    facility_type = forms.ChoiceField(label=_("Facility type"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", "—"), *FacilityStatus.choices])
    region = forms.ModelChoiceField(label=_("Region"), required=False, queryset=None, empty_label="—")
    path = forms.ChoiceField(label=_("Path"), required=False, choices=[("", "—"), *Origin.choices])

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        keys = key_facility_types()
        self.fields["facility_type"].choices = [
            ("", "—"), *[(value, label) for value, label in EnvFacilityType.choices if value in keys]
        ]

    def filter(self, facilities):
        """Narrow the key facilities to the valid filters; an invalid filter is ignored."""
        if not self.is_valid():
            return facilities
        data = self.cleaned_data
        if data["q"]:
            facilities = facilities.filter(Q(name__icontains=data["q"]) | Q(enterprise__name__icontains=data["q"]))
        if data["facility_type"]:
            facilities = facilities.filter(facility_type=data["facility_type"])
        if data["status"]:
            facilities = facilities.filter(status=data["status"])
        if data.get("region") is not None:
            facilities = facilities.filter(region=data["region"])
        if data["path"]:
            facilities = facilities.filter(path=data["path"])
        return facilities


class DemonstrationForm(forms.Form):
    held_on = _date_field(_("Date"))
    organiser = forms.CharField(label=_("Organised by"), max_length=200)
    expert_names = forms.CharField(
        label=_("Experts"), max_length=300, required=False,
        help_text=_("Names of the experts, separated by 、; or choose them from the pool below."),
    )
    experts = forms.ModelMultipleChoiceField(
        label=_("Experts from the pool"), queryset=Expert.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    opinion = forms.CharField(label=_("Expert opinion"), widget=forms.Textarea(attrs={"rows": 5}))
    outcome = _outcome_field(_("Conclusion"))
    upload = _file_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["experts"].queryset = Expert.objects.visible_to(user).filter(active=True)


class DesignForm(forms.Form):
    designer = forms.CharField(label=_("Designer"), max_length=200)
    qualification = forms.CharField(label=_("Design qualification"), max_length=200)
    certificate_number = forms.CharField(label=_("Qualification certificate number"), max_length=100)
    designed_on = _date_field(_("Design completed on"))
    upload = _file_field()


class ConstructionPlanForm(forms.Form):
    prepared_on = _date_field(_("Prepared on"))
    contractor = forms.CharField(label=_("Contractor"), max_length=200, required=False)
    safety_measures = forms.CharField(label=_("Safety measures"), widget=forms.Textarea(attrs={"rows": 6}))
    upload = _file_field()


class CheckpointForm(forms.Form):
    confirmed_on = _date_field(_("Confirmed on"))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    upload = _file_field()


class AcceptanceForm(forms.Form):
    accepted_on = _date_field(_("Acceptance date"))
    organiser = forms.CharField(label=_("Organised by"), max_length=200)
    opinion = forms.CharField(label=_("Acceptance opinion"), widget=forms.Textarea(attrs={"rows": 5}))
    outcome = _outcome_field(_("Acceptance conclusion"))
    upload = _file_field()


class StatusForm(forms.Form):
    target = forms.ChoiceField(label=_("New status"))

    def __init__(self, *args, facility, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [
            (status, FacilityStatus(status).label) for status in allowed_targets(facility.status)
        ]


class FindingForm(forms.Form):
    found_on = _date_field(_("Found on"))
    observed_status = forms.ChoiceField(label=_("Found"), choices=())
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What was found, where and when; it is sent to the emergency side with the referral."),
    )
    upload = _file_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["observed_status"].choices = observed_status_choices()


class ConfirmForm(forms.Form):
    """A confirmation without fields (share, remind)."""
