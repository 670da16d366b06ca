from django.db import models
from django.utils.translation import gettext_lazy as _


class WarningLevel(models.TextChoices):
    """Heavy-pollution-weather warning levels, weakest first."""

    YELLOW = "yellow", _("yellow (level III)")
    ORANGE = "orange", _("orange (level II)")
    RED = "red", _("red (level I)")


LEVEL_RANK = {WarningLevel.YELLOW: 1, WarningLevel.ORANGE: 2, WarningLevel.RED: 3}


class WarningStatus(models.TextChoices):
    IN_FORCE = "in_force", _("in force")
    LIFTED = "lifted", _("lifted")


class EventKind(models.TextChoices):
    ISSUE = "issue", _("issue")
    UPGRADE = "upgrade", _("upgrade")
    DOWNGRADE = "downgrade", _("downgrade")
    LIFT = "lift", _("lift")


class MeasureType(models.TextChoices):
    HALT = "halt", _("halt")
    LIMIT = "limit", _("limit")
    AUTONOMOUS = "autonomous", _("autonomous reduction")
    GUARANTEED = "guaranteed", _("guaranteed")
    NONE = "none", _("no measure")


class ShutdownRisk(models.TextChoices):
    HIGH = "high", _("high")
    NORMAL = "normal", _("normal")


class PlanFlag(models.TextChoices):
    AUTONOMOUS = "autonomous", _("autonomous reduction")
    GUARANTEED = "guaranteed", _("guaranteed load")
    INSUFFICIENT_LEAD_TIME = "insufficient_lead_time", _("insufficient lead time")
    ONSITE_GUIDANCE_REQUIRED = "onsite_guidance_required", _("on-site guidance required")
    NON_INTERRUPTIBLE = "non_interruptible", _("non-interruptible")
