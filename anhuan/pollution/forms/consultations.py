"""Forms of the consultation page: the plan-item filters, the opinion and the conclusions."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anhuan.core.errors import ValidationFailed
from anhuan.core.officialdoc import validate_document_number
from anhuan.enterprises.models import PerformanceGrade
from anhuan.organizations.models import Region, RegionKind
from anhuan.organizations.scope import region_ids_of
from anhuan.pollution.models import PlanFlag

PAGE_SIZES = (20, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50
# Every ordering ends with the id so that pages never repeat or skip an item.
ORDERINGS = {
    "region": ("region__sort_order", "enterprise_name", "production_line", "id"),
    "-region": ("-region__sort_order", "enterprise_name", "production_line", "id"),
    "enterprise": ("enterprise_name", "production_line", "id"),
    "-enterprise": ("-enterprise_name", "production_line", "id"),
}
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S"]


class PlanItemFilterForm(forms.Form):
    """Filters of the plan-item table, read from the query string.

    Invalid values are reported beside their field and ignored, so the table still shows.
    """

    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.none(), required=False, empty_label=_("All regions")
    )
    flag = forms.ChoiceField(label=_("Flag"), choices=[("", _("All flags"))] + PlanFlag.choices, required=False)
    industry = forms.CharField(label=_("Industry code or name"), max_length=100, required=False)
    grade = forms.ChoiceField(
        label=_("Performance grade"), choices=[("", _("All grades"))] + PerformanceGrade.choices, required=False
    )
    q = forms.CharField(label=_("Enterprise name or credit code"), max_length=100, required=False)
    sort = forms.ChoiceField(
        label=_("Order"),
        choices=[
            ("region", _("Region, ascending")),
            ("-region", _("Region, descending")),
            ("enterprise", _("Enterprise, ascending")),
            ("-enterprise", _("Enterprise, descending")),
        ],
        required=False,
    )
    page_size = forms.TypedChoiceField(
        label=_("Rows per page"),
        choices=[(size, size) for size in PAGE_SIZES],
        coerce=int,
        required=False,
        empty_value=DEFAULT_PAGE_SIZE,
    )

    def __init__(self, data=None, *, user, **kwargs):
        if data is not None and not data.get("page_size"):
            # Bind the default so the select shows the page size actually used.
            data = data.copy()
            data["page_size"] = str(DEFAULT_PAGE_SIZE)
        super().__init__(data, **kwargs)
        regions = Region.objects.exclude(kind=RegionKind.CITY)
        scope = region_ids_of(user)
        if scope is not None:
            regions = regions.filter(id__in=scope)
        self.fields["region"].queryset = regions
        self.is_valid()

    def _value(self, name):
        return self.cleaned_data.get(name) if name not in self.errors else None

    @property
    def rows_per_page(self):
        return self._value("page_size") or DEFAULT_PAGE_SIZE

    @property
    def ordering(self):
        return ORDERINGS.get(self._value("sort") or "region", ORDERINGS["region"])

    def filter(self, items):
        """Return ``items`` narrowed by the valid filters and put in the chosen order."""
        region = self._value("region")
        if region is not None:
            items = items.filter(region=region)
        flag = self._value("flag")
        if flag:
            items = items.with_flag(flag)
        industry = (self._value("industry") or "").strip()
        if industry:
            items = items.filter(Q(industry_code__istartswith=industry) | Q(industry_name__icontains=industry))
        grade = self._value("grade")
        if grade:
            items = items.filter(performance_grade=grade)
        keyword = (self._value("q") or "").strip()
        if keyword:
            items = items.filter(Q(enterprise_name__icontains=keyword) | Q(credit_code__icontains=keyword))
        return items.order_by(*self.ordering)


class OpinionForm(forms.Form):
    text = forms.CharField(
        label=_("Opinion"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The opinion is recorded for your department and agency."),
    )


class ConclusionForm(forms.Form):
    conclusion = forms.CharField(label=_("Conclusions"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6}))
    held_at = forms.DateTimeField(
        label=_("Held at"),
        required=False,
        input_formats=DATETIME_INPUT_FORMATS,
        widget=forms.DateTimeInput(format="%Y-%m-%d %H:%M", attrs={"placeholder": "2026-12-05 10:00"}),
        help_text=_("Date and time of the meeting, for example 2026-12-05 10:00."),
    )
    attendees = forms.CharField(
        label=_("Attendees"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Agencies and names, separated by 、 or one per line."),
    )
    document_number = forms.CharField(
        label=_("Minutes number"),
        required=False,
        max_length=50,
        help_text=_("Issuer code, year in 〔〕 and sequence, for example 邢环〔2026〕12号."),
    )

    def clean_document_number(self):
        number = self.cleaned_data["document_number"].strip()
        if not number:
            return ""
        try:
            return validate_document_number(number)
        except ValidationFailed as exc:
            raise forms.ValidationError(str(exc.message)) from exc
