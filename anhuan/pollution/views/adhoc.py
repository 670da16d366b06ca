"""The page on which an officer adds an ad-hoc measure to one plan item."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from anhuan.core.errors import NotPermitted, OutOfScope, ValidationFailed
from anhuan.core.timeutil import format_local
from anhuan.pollution.forms.portal import AdhocMeasureForm
from anhuan.pollution.models import AdhocMeasure
from anhuan.pollution.services import adhoc as service


def _load(request, plan_item_id):
    try:
        return service.get_plan_item_for_staff(request.user, plan_item_id)
    except NotPermitted as exc:
        raise PermissionDenied(str(exc.message)) from exc
    except OutOfScope as exc:
        raise Http404(str(exc.message)) from exc


def adhoc_new(request, plan_item_id):
    item = _load(request, plan_item_id)
    event = item.plan.event
    status = 200
    if request.method == "POST":
        form = AdhocMeasureForm(request.POST)
        if form.is_valid():
            try:
                service.add_adhoc_measure(item, actor=request.user, **form.cleaned_data)
            except NotPermitted as exc:
                raise PermissionDenied(str(exc.message)) from exc
            except OutOfScope as exc:
                raise Http404(str(exc.message)) from exc
            except ValidationFailed as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The ad-hoc measure was added."))
                return redirect("pollution:adhoc-new", plan_item_id=item.pk)
        status = 400
    else:
        form = AdhocMeasureForm(initial={"effective_at": format_local(timezone.now())})
    existing = AdhocMeasure.objects.visible_to(request.user).filter(
        event=event, enterprise_id=item.enterprise_id, production_line=item.production_line
    )
    return render(
        request,
        "pollution/adhoc/new.html",
        {"item": item, "event": event, "form": form, "existing": existing},
        status=status,
    )
