"""CSS tag classes of warning levels and plan flags, shared by the consultation pages, the portal and the home page."""

from anhuan.pollution.models import PlanFlag, WarningLevel

LEVEL_TAGS = {WarningLevel.YELLOW: "tag-yellow", WarningLevel.ORANGE: "tag-orange", WarningLevel.RED: "tag-red"}
FLAG_TAGS = {
    PlanFlag.INSUFFICIENT_LEAD_TIME: "tag-red",
    PlanFlag.ONSITE_GUIDANCE_REQUIRED: "tag-orange",
    PlanFlag.NON_INTERRUPTIBLE: "tag-yellow",
    PlanFlag.AUTONOMOUS: "tag-green",
    PlanFlag.GUARANTEED: "tag-blue",
}


def flag_tags(flags):
    """Return (flag code, translated label, CSS class) triples for a plan item's flags."""
    return [(flag, PlanFlag(flag).label, FLAG_TAGS.get(flag, "tag-grey")) for flag in flags if flag in PlanFlag.values]
