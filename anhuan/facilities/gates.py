"""The lifecycle gates, applied to every change of the environmental facility register.

Forms, Excel imports, the API and commands all save register rows through
``sharing.services.registers``, and ``install`` adds ``register_row_errors`` to its checks.
So a key facility recorded as under construction or in operation without what the lifecycle
needs is rejected everywhere with the same reason.
"""

from anhuan.facilities.domain import lifecycle
from anhuan.facilities.reads import facts_for
from anhuan.sharing.models import EnvFacility, key_facility_types
from anhuan.sharing.services.registers import add_record_check


def register_row_errors(record):
    """Return (field, message) pairs for a register row that enters a gated status without its prerequisites."""
    if record.status not in lifecycle.GATED_STATUSES or record.facility_type not in key_facility_types():
        return []
    if record.pk is not None:
        old_status = EnvFacility.objects.filter(pk=record.pk).values_list("status", flat=True).first()
        if old_status == record.status:
            return []
    reasons = lifecycle.blockers(facts_for(record), record.status)
    return [("status", join_reasons(reasons))] if reasons else []


def join_reasons(reasons):
    """Join refusal reasons into one message, one reason per line.

    Forms show each line as its own item (``sharing.forms.RegisterRecordForm.add_domain_error``),
    as the facility's status page lists them. The API, the commands and the Excel import show the
    message unchanged, which reads well in either language.
    """
    return "\n".join(str(reason) for reason in reasons)


def install():
    """Add the lifecycle gate to the checks the register service runs on every environmental facility row."""
    add_record_check(EnvFacility, register_row_errors)
