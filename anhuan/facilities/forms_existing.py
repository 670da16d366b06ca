"""Forms of the existing-facility pages; the services in ``anhuan.facilities.services`` check every rule again."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from anhuan.facilities.form_errors import show_domain_error
from anhuan.facilities.models import (
    DesignDiagnosis,
    FacilityHazard,
    SafetyAssessment,
    SafetyRisk,
    StopUseOrder,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


REPORT_HELP = _("The report as PDF, Word or an image (JPG, PNG), at most 20 MB.")


class _RecordForm(forms.ModelForm):
    """A form over a facility record's own fields; the service sets the facility and who recorded it."""

    def _post_clean(self):
        # The service validates the record with the facility attached; the bare instance cannot be checked here.
        pass

    def add_domain_error(self, error):
        """Show a refusal of the service beside the field it names, or above the form."""
        show_domain_error(self, error)


class DesignedForm(forms.Form):
    formally_designed = forms.TypedChoiceField(
        label=_("Formally designed"),
        choices=[("yes", _("Yes, it was formally designed")), ("no", _("No, it needs a design diagnosis"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )

    def add_domain_error(self, error):
        self.add_error(None, str(error.message))


class AssessmentForm(_RecordForm):
    upload = forms.FileField(label=_("Assessment report"), required=False, help_text=REPORT_HELP)

    class Meta:
        model = SafetyAssessment
        fields = ["assessed_on", "assessor", "risks", "controls", "hazards_found", "outcome", "next_due_on"]
        widgets = {
            "assessed_on": DateInput(), "next_due_on": DateInput(),
            "risks": forms.Textarea(attrs={"rows": 4}), "controls": forms.Textarea(attrs={"rows": 4}),
            "hazards_found": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "assessor": _("The organisation that carried out the assessment."),
            "next_due_on": _("Leave empty if the report sets no date for the next assessment."),
            "outcome": _("A failed assessment puts a stop-use order on the emergency agency's to-do list."),
        }


class DiagnosisForm(_RecordForm):
    upload = forms.FileField(label=_("Diagnosis report"), required=False, help_text=REPORT_HELP)

    class Meta:
        model = DesignDiagnosis
        fields = ["diagnosed_on", "institute", "qualification", "certificate_number", "conclusion", "outcome"]
        widgets = {"diagnosed_on": DateInput(), "conclusion": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "institute": _("A design institute qualified for this kind of facility."),
            "qualification": _("As on the qualification certificate, e.g. 环境工程设计专项甲级."),
            "outcome": _("A failed diagnosis puts a stop-use order on the emergency agency's to-do list."),
        }


class RiskForm(_RecordForm):
    class Meta:
        model = SafetyRisk
        fields = ["kind", "level", "description", "controls"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "controls": forms.Textarea(attrs={"rows": 4})}


class HazardForm(_RecordForm):
    class Meta:
        model = FacilityHazard
        fields = ["found_on", "description", "grade", "rectification_measures", "deadline"]
        widgets = {
            "found_on": DateInput(), "deadline": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "rectification_measures": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"grade": _("A major hazard is notified to the leaders of both bureaus of the region.")}


class RectifyForm(forms.Form):
    rectified_on = forms.DateField(label=_("Rectified on"), widget=DateInput())
    result = forms.CharField(
        label=_("Rectification result"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was done and how the result was checked."),
    )

    def add_domain_error(self, error):
        name = {"rectification_result": "result"}.get(error.fields.get("field"), error.fields.get("field"))
        show_domain_error(self, error, name)


def check_choice(record):
    """Return the choice value and label of a failed assessment or diagnosis in the order form."""
    if isinstance(record, SafetyAssessment):
        return f"assessment:{record.pk}", _("Safety assessment of %(date)s by %(by)s (failed)") % {
            "date": record.assessed_on.isoformat(), "by": record.assessor,
        }
    return f"diagnosis:{record.pk}", _("Design diagnosis of %(date)s by %(by)s (failed)") % {
        "date": record.diagnosed_on.isoformat(), "by": record.institute,
    }


class OrderIssueForm(_RecordForm):
    record = forms.ChoiceField(label=_("Failed record"), help_text=_("The failed assessment or diagnosis the order follows."))

    class Meta:
        model = StopUseOrder
        fields = ["document_number", "issued_on", "reason"]
        widgets = {"issued_on": DateInput(), "reason": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"document_number": _("In the form issuer code〔year〕sequence号, e.g. 信都应急〔2025〕12号.")}

    def __init__(self, *args, failed_records, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record"].choices = [check_choice(record) for record in failed_records]
        self.order_fields(["record", "document_number", "issued_on", "reason"])

    def service_arguments(self):
        """Return the keyword arguments of ``issue_stop_use_order`` from the cleaned data."""
        kind, _separator, pk = self.cleaned_data["record"].partition(":")
        return {
            "document_number": self.cleaned_data["document_number"],
            "issued_on": self.cleaned_data["issued_on"],
            "reason": self.cleaned_data["reason"],
            kind: int(pk),
        }

    def add_domain_error(self, error):
        name = error.fields.get("field")
        if name in ("assessment", "diagnosis"):
            name = "record"
        show_domain_error(self, error, name)


class OrderLiftForm(forms.Form):
    assessment = forms.ChoiceField(
        label=_("Passing assessment"),
        help_text=_("A safety assessment that passed, dated on or after the day the order was issued."),
    )
    lifted_on = forms.DateField(label=_("Lifted on"), widget=DateInput())

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment"].choices = [
            (str(record.pk), _("%(date)s by %(by)s") % {"date": record.assessed_on.isoformat(), "by": record.assessor})
            for record in candidates
        ]

    def add_domain_error(self, error):
        show_domain_error(self, error)


class ReportForm(forms.Form):
    upload = forms.FileField(label=_("Report"), help_text=REPORT_HELP)

    def add_domain_error(self, error):
        self.add_error("upload" if error.fields.get("field") == "upload" else None, str(error.message))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("An .xlsx, .xls or .csv file (GBK or UTF-8)."))


class RegionFilterForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=None, required=False, empty_label=_("All"))

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions

    def chosen_region(self):
        return self.cleaned_data.get("region") if self.is_valid() else None


# The model's own labels, so the filter and the status column of the list use the same words.
ORDER_STATUS_CHOICES = [
    *[(value, capfirst(label)) for value, label in StopUseOrder.Status.choices],
    ("all", _("All")),
]


class OrderFilterForm(RegionFilterForm):
    status = forms.ChoiceField(label=_("Status"), choices=ORDER_STATUS_CHOICES, required=False)

    def chosen_status(self):
        """Return the status to list: in force unless the filter requests lifted or all orders ("")."""
        value = self.cleaned_data.get("status") if self.is_valid() else ""
        if value == "all":
            return ""
        return value or StopUseOrder.Status.IN_FORCE
