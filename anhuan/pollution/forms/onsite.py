"""Forms of the on-site guidance pages and the enterprise documents page.

Forms only parse input; ``anhuan.pollution.services.onsite`` checks the rules.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from anhuan.organizations.models import Region, RegionKind
from anhuan.organizations.scope import covers_whole_city, region_ids_of
from anhuan.pollution.domain import onsite as domain
from anhuan.pollution.forms.warnings import LocalDateTimeField
from anhuan.pollution.models import DocumentKind

STATE_CHOICES = [("", _("All states"))] + [
    (state, domain.STATE_LABELS[state])
    for state in (domain.NOT_SCHEDULED, domain.SCHEDULED, domain.DONE, domain.DOCUMENTS_MISSING)
]


class OnsiteFilterForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), required=False, empty_label=_("All regions"))
    state = forms.ChoiceField(label=_("State"), choices=STATE_CHOICES, required=False)
    alert = forms.BooleanField(label=_("Only highlighted"), required=False)

    def __init__(self, data, *, user):
        super().__init__(data)
        regions = Region.objects.exclude(kind=RegionKind.CITY).order_by("sort_order", "id")
        if not covers_whole_city(user):
            regions = regions.filter(id__in=region_ids_of(user))
        self.fields["region"].queryset = regions

    def filter(self, rows):
        """Keep the rows matching the valid filters; invalid values are ignored."""
        if not self.is_valid():
            return rows
        data = self.cleaned_data
        if data.get("region"):
            rows = [row for row in rows if row.region.pk == data["region"].pk]
        if data.get("state"):
            rows = [row for row in rows if data["state"] in row.states]
        if data.get("alert"):
            rows = [row for row in rows if row.highlighted]
        return rows


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name}（{obj.agency.name}）"


class ExpertChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        employer = f" · {obj.employer_name}" if obj.employer_name else ""
        return f"{obj.name}（{obj.region.name}{employer}）"


class ScheduleForm(forms.Form):
    scheduled_at = LocalDateTimeField(label=_("Time of the visit"))
    experts = ExpertChoiceField(
        label=_("Experts"), queryset=None, widget=forms.CheckboxSelectMultiple, required=False,
        help_text=_("At least one expert who does not work for the enterprise."),
    )
    officers = PersonChoiceField(
        label=_("Officers"), queryset=None, widget=forms.CheckboxSelectMultiple, required=False,
        help_text=_("At least one officer of each department."),
    )

    def __init__(self, *args, experts, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["experts"].queryset = experts
        self.fields["officers"].queryset = officers


class RecordForm(forms.Form):
    visited_at = LocalDateTimeField(label=_("Visited at"))
    safety_risks = forms.CharField(label=_("Shutdown safety risks identified"), widget=forms.Textarea(attrs={"rows": 3}))
    environmental_risks = forms.CharField(label=_("Environmental risks identified"), widget=forms.Textarea(attrs={"rows": 3}))
    documents_reviewed = forms.CharField(label=_("Documents reviewed"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}))
    instructions = forms.CharField(label=_("Instructions"), widget=forms.Textarea(attrs={"rows": 3}))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=500)


class DocumentUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    file = forms.FileField(
        label=_("File"), help_text=_("PDF, Word (.doc, .docx), Excel (.xlsx), JPG or PNG, at most 20 MB."),
    )
