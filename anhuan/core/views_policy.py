"""The policy settings page: deadlines and reminder periods administrators change at run time."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from anhuan.core import policy
from anhuan.organizations.models import Role

# 三员分立: the system administrator manages resources and the security administrator policy;
# both may change these values, and every change is audited.
POLICY_ROLES = {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN}
UNIT_LABELS = {"hours": gettext_lazy("hours"), "days": gettext_lazy("days"), "minutes": gettext_lazy("minutes")}


class PolicyForm(forms.Form):
    """One integer field per registered policy setting."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item in policy.registered():
            self.fields[item.key] = forms.IntegerField(
                label=item.label,
                min_value=1,
                max_value=10000,
                initial=policy.get(item.key),
                help_text=_("Unit: %(unit)s. Default: %(default)s.")
                % {"unit": UNIT_LABELS.get(item.unit, item.unit), "default": item.default},
            )


@require_http_methods(["GET", "POST"])
def policy_settings(request):
    if request.user.role not in POLICY_ROLES:
        return render(
            request, "403.html",
            {"message": _("Only the system administrator and the security administrator may change these settings.")},
            status=403,
        )
    form = PolicyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        changed = 0
        for key, value in form.cleaned_data.items():
            if value != policy.get(key):
                policy.set_value(key, value, actor=request.user)
                changed += 1
        messages.success(request, _("Settings saved: %(count)s changed.") % {"count": changed})
        return redirect("policy-settings")
    return render(request, "core/policy.html", {"form": form})
