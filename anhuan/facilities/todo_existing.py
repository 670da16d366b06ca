"""Notification kinds and the to-do provider of the existing-facility path.

Importing this module registers both; ``anhuan.facilities.services.existing`` imports it, so
the pages, commands and the worker that call the services see them.

* A failed safety assessment or design diagnosis puts "issue a stop-use order" on the to-do
  list of the emergency officers and leaders whose scope covers the facility: the county
  agency of its region and the city agency. The item goes away once an order for the facility
  is issued on or after the failure's date, or a later record of the same kind passes.
* A major hazard, a failed check, an order issued and an order lifted are notified.
"""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from anhuan.core import notifications
from anhuan.core.todo import TodoItem, register_provider
from anhuan.facilities.models import DesignDiagnosis, Outcome, SafetyAssessment, StopUseOrder
from anhuan.organizations.models import Department, Role

KIND_MAJOR_HAZARD = "facilities.major_hazard"
KIND_CHECK_FAILED = "facilities.check_failed"
KIND_ORDER_ISSUED = "facilities.order_issued"
KIND_ORDER_LIFTED = "facilities.order_lifted"
ACTING_ROLES = (Role.OFFICER, Role.LEADER)


def format_major_hazard(data, count):
    return _("A major hazard was recorded at %(facility)s of %(enterprise)s: %(description)s") % {
        "facility": data.get("facility", ""), "enterprise": data.get("enterprise", ""),
        "description": data.get("description", ""),
    }


def format_check_failed(data, count):
    return _("The %(check)s of %(facility)s of %(enterprise)s failed; issue a stop-use order.") % {
        "check": data.get("check_label", ""), "facility": data.get("facility", ""),
        "enterprise": data.get("enterprise", ""),
    }


def format_order_issued(data, count):
    return _("%(agency)s ordered %(enterprise)s to stop using %(facility)s (%(number)s).") % {
        "agency": data.get("agency", ""), "enterprise": data.get("enterprise", ""),
        "facility": data.get("facility", ""), "number": data.get("number", ""),
    }


def format_order_lifted(data, count):
    return _(
        "The stop-use order %(number)s for %(facility)s of %(enterprise)s was lifted; the facility may return to use."
    ) % {"number": data.get("number", ""), "facility": data.get("facility", ""), "enterprise": data.get("enterprise", "")}


notifications.register_kind(KIND_MAJOR_HAZARD, format_major_hazard)
notifications.register_kind(KIND_CHECK_FAILED, format_check_failed)
notifications.register_kind(KIND_ORDER_ISSUED, format_order_issued)
notifications.register_kind(KIND_ORDER_LIFTED, format_order_lifted)


# --- Failed checks waiting for an order ------------------------------------------------------


def _pending(model, date_field):
    """Return the failed records of ``model`` that still wait for a stop-use order.

    A facility with an order in force waits for nothing: the order already stops it, whatever
    further check fails before it is lifted.
    """
    later_pass = model.objects.filter(facility_id=OuterRef("facility_id"), outcome=Outcome.PASSED).filter(
        Q(**{f"{date_field}__gt": OuterRef(date_field)}) | Q(**{date_field: OuterRef(date_field), "pk__gt": OuterRef("pk")})
    )
    order_since = StopUseOrder.objects.filter(facility_id=OuterRef("facility_id"), issued_on__gte=OuterRef(date_field))
    order_in_force = StopUseOrder.objects.filter(facility_id=OuterRef("facility_id"), status=StopUseOrder.Status.IN_FORCE)
    return (
        model.objects.filter(outcome=Outcome.FAILED)
        .exclude(Exists(later_pass))
        .exclude(Exists(order_since))
        .exclude(Exists(order_in_force))
    )


def pending_assessments():
    """Failed safety assessments with no later passing one, no order issued on or after their date, none in force."""
    return _pending(SafetyAssessment, "assessed_on")


def pending_diagnoses():
    """Failed design diagnoses with no later passing one and no order issued on or after their date."""
    return _pending(DesignDiagnosis, "diagnosed_on")


def _may_order(user):
    return (
        user.is_authenticated and user.is_active and user.role in ACTING_ROLES and user.agency_id is not None
        and user.department == Department.EMERGENCY
    )


@register_provider
def stop_use_order_todo(user):
    """To-do items "issue a stop-use order" for emergency officers and leaders, one per failed check in scope."""
    if not _may_order(user):
        return []
    items = []
    checks = (
        (pending_assessments(), "assessment", "assessed_on", _("Safety assessment failed on %(date)s")),
        (pending_diagnoses(), "diagnosis", "diagnosed_on", _("Design diagnosis failed on %(date)s")),
    )
    for queryset, parameter, date_field, detail in checks:
        for record in queryset.visible_to(user).select_related("facility", "enterprise").order_by(date_field, "pk"):
            link = reverse("facilities:order-issue", args=[record.facility_id]) + f"?{parameter}={record.pk}"
            items.append(TodoItem(
                kind="stop_use_order",
                title=_("Issue a stop-use order for %(facility)s of %(enterprise)s") % {
                    "facility": record.facility.name, "enterprise": record.enterprise.name,
                },
                link=link,
                detail=detail % {"date": getattr(record, date_field).isoformat()},
            ))
    return items
