from anhuan.pollution.models.choices import (  # noqa: F401
    EventKind,
    MeasureType,
    PlanFlag,
    ShutdownRisk,
    WarningLevel,
    WarningStatus,
)
from anhuan.pollution.models.consultations import Confirmation, Consultation, Opinion  # noqa: F401
from anhuan.pollution.models.lists import ImportJob, ReductionEntry, ReductionList  # noqa: F401
from anhuan.pollution.models.plans import PlanItem, ReductionPlan  # noqa: F401
from anhuan.pollution.models.warnings import PollutionWarning, WarningEvent  # noqa: F401
