"""Forms of the maintenance request pages; the services check the rules again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from anhuan.experts.models import Expert
from anhuan.organizations.models import Region
from anhuan.pollution.models import Decision, ExpertReview, MaintenanceRequest, WorkType

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


class MaintenanceRequestForm(forms.Form):
    work_types = forms.MultipleChoiceField(
        label=_("Work types"), choices=WorkType.choices, widget=forms.CheckboxSelectMultiple
    )
    unit = forms.CharField(label=_("Unit or installation"), max_length=200)
    location = forms.CharField(label=_("Location"), max_length=200)
    planned_start = forms.DateTimeField(label=_("Planned start"), input_formats=DATETIME_FORMATS, widget=DateTimeInput())
    planned_end = forms.DateTimeField(label=_("Planned end"), input_formats=DATETIME_FORMATS, widget=DateTimeInput())
    description = forms.CharField(label=_("Work description"), widget=forms.Textarea(attrs={"rows": 3}))
    risk_analysis = forms.CharField(label=_("Risk analysis"), widget=forms.Textarea(attrs={"rows": 3}))
    safety_measures = forms.CharField(label=_("Safety measures"), widget=forms.Textarea(attrs={"rows": 3}))
    emergency_arrangements = forms.CharField(label=_("Emergency arrangements"), widget=forms.Textarea(attrs={"rows": 3}))
    attachments = MultipleFileField(
        label=_("Attachments"), help_text=_("PDF, Word, Excel, JPEG or PNG files of at most 10 MB each.")
    )


class AttachmentForm(forms.Form):
    attachments = MultipleFileField(label=_("Attachments"), required=True)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    opinion = forms.CharField(label=_("Opinion"), widget=forms.Textarea(attrs={"rows": 3}))


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("passed", _("passed")), ("failed", _("failed"))], widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("What the staff found"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ReviewForm(forms.Form):
    experts = forms.ModelMultipleChoiceField(
        label=_("Experts"), queryset=Expert.objects.none(), widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose at least two experts who do not work for the enterprise."),
    )
    scheduled_at = forms.DateTimeField(
        label=_("Held at"), input_formats=DATETIME_FORMATS, widget=DateTimeInput(), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["experts"].queryset = Expert.objects.visible_to(user).filter(active=True)


class ExpertOpinionForm(forms.Form):
    expert = forms.ModelChoiceField(label=_("Expert"), queryset=Expert.objects.none())
    recommendation = forms.ChoiceField(label=_("Recommendation"), choices=ExpertReview.Conclusion.choices)
    opinion = forms.CharField(label=_("Opinion"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = review.experts.all() if review else Expert.objects.none()


class ConclusionForm(forms.Form):
    conclusion = forms.ChoiceField(label=_("Conclusion"), choices=ExpertReview.Conclusion.choices)
    conclusion_text = forms.CharField(label=_("Conclusion and conditions"), widget=forms.Textarea(attrs={"rows": 4}))


class MaintenanceFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + list(MaintenanceRequest.Status.choices)
    )
    region = forms.ModelChoiceField(label=_("Region"), required=False, queryset=Region.objects.none(), empty_label=_("All"))
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions

    def filter(self, queryset, now):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["region"]:
            queryset = queryset.filter(region=data["region"])
        if data["overdue"]:
            queryset = queryset.filter(due_at__lt=now)
        return queryset
