"""Forms of the duty roster pages: the shift formset, the filters, and the officers' actions.

The forms only parse input; ``anhuan.pollution.domain.rosters`` checks the shifts.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from anhuan.pollution.domain import rosters as domain
from anhuan.pollution.domain.rosters import Shift
from anhuan.pollution.forms.warnings import LocalDateTimeField

# Enough rows for hourly shifts over two days.
MAX_SHIFTS = 48


class ShiftForm(forms.Form):
    """One shift row; every field is optional here so that a draft may stay incomplete."""

    starts_at = LocalDateTimeField(label=_("Shift starts"), required=False)
    ends_at = LocalDateTimeField(label=_("Shift ends"), required=False)
    person_name = forms.CharField(label=_("Person on duty"), max_length=50, required=False)
    person_phone = forms.CharField(label=_("Phone of the person on duty"), max_length=30, required=False)
    leader_name = forms.CharField(label=_("Leader on duty"), max_length=50, required=False)
    leader_phone = forms.CharField(label=_("Phone of the leader on duty"), max_length=30, required=False)

    def to_shift(self):
        data = self.cleaned_data
        return Shift(
            starts_at=data.get("starts_at"),
            ends_at=data.get("ends_at"),
            person_name=data.get("person_name", "").strip(),
            person_phone=data.get("person_phone", "").strip(),
            leader_name=data.get("leader_name", "").strip(),
            leader_phone=data.get("leader_phone", "").strip(),
        )


ShiftFormSet = forms.formset_factory(ShiftForm, extra=3, can_delete=True, max_num=MAX_SHIFTS, validate_max=True)


def filled_forms(formset):
    """Return the formset's forms with any value, not marked for deletion, in page order.

    Their shifts are numbered from 1 in this order. Unchanged rows shown from the saved roster
    count too, so saving again keeps them.
    """
    filled = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", {})
        if data.get("DELETE"):
            continue
        if any(data.get(name) not in (None, "") for name in ShiftForm.base_fields):
            filled.append(form)
    return filled


STATE_CHOICES = [("", _("All states"))] + [(state, label) for state, label in domain.STATE_NAMES.items()]


class RosterFilterForm(forms.Form):
    warning = forms.TypedChoiceField(label=_("Warning"), required=False, coerce=int, empty_value=None)
    region = forms.TypedChoiceField(label=_("Region"), required=False, coerce=int, empty_value=None)
    state = forms.ChoiceField(label=_("Roster state"), required=False, choices=STATE_CHOICES)

    def __init__(self, data, *, warnings, regions):
        super().__init__(data)
        self.fields["warning"].choices = [("", _("Warnings in force"))] + [(w.pk, str(w)) for w in warnings]
        self.fields["region"].choices = [("", _("All regions"))] + [(r.pk, r.name) for r in regions]


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason for returning"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class SpotCheckForm(forms.Form):
    phone = forms.CharField(label=_("Number called"), max_length=30)
    answered = forms.TypedChoiceField(
        label=_("Answered"), coerce=lambda value: value == "yes",
        choices=[("yes", _("Answered")), ("no", _("Not answered"))], widget=forms.RadioSelect,
    )
    answered_by = forms.CharField(label=_("Answered by"), max_length=50, required=False,
                                  help_text=_("Name of the person who answered at the enterprise."))
    checked_at = LocalDateTimeField(label=_("Called at"), required=False, help_text=_("Leave empty for now."))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)
