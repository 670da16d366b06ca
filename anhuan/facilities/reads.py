"""Read functions of the facility lifecycle, for the gates, pages and other apps."""

from anhuan.facilities.domain import lifecycle
from anhuan.facilities.models import (
    Acceptance,
    Checkpoint,
    ConstructionPlan,
    Demonstration,
    DemonstrationKind,
    FacilityDesign,
    KeyFacilityProfile,
    Origin,
    Outcome,
    SimultaneityCheckpoint,
    StopUseOrder,
)


def is_existing(facility):
    """True if the facility follows the existing-facility path.

    The profile decides once it exists; before that, a facility in use before the mechanism
    took effect is an existing one.
    """
    if facility.pk is not None:
        origin = KeyFacilityProfile.objects.filter(facility_id=facility.pk).values_list("origin", flat=True).first()
        if origin is not None:
            return origin == Origin.EXISTING
    return lifecycle.is_existing(facility.commissioned_on)


def facts_for(facility):
    """Return the lifecycle Facts of one facility (an unsaved row has nothing on file)."""
    if facility.pk is None:
        return lifecycle.Facts(is_existing=lifecycle.is_existing(facility.commissioned_on))
    pk = facility.pk
    demonstrations = set(
        Demonstration.objects.filter(facility_id=pk, outcome=Outcome.PASSED).values_list("kind", flat=True)
    )
    checkpoints = set(SimultaneityCheckpoint.objects.filter(facility_id=pk).values_list("checkpoint", flat=True))
    return lifecycle.Facts(
        is_existing=is_existing(facility),
        env_demonstration=DemonstrationKind.ENVIRONMENTAL in demonstrations,
        safety_demonstration=DemonstrationKind.SAFETY in demonstrations,
        design=FacilityDesign.objects.filter(facility_id=pk).exists(),
        construction_plan=ConstructionPlan.objects.filter(facility_id=pk).exists(),
        checkpoint_designed=Checkpoint.DESIGNED in checkpoints,
        checkpoint_built=Checkpoint.BUILT in checkpoints,
        acceptance=Acceptance.objects.filter(facility_id=pk, outcome=Outcome.PASSED).exists(),
        stop_order_in_force=StopUseOrder.objects.filter(facility_id=pk, status=StopUseOrder.Status.IN_FORCE).exists(),
    )
