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
from anhuan.pollution.models.maintenance import (  # noqa: F401
    AgencyDecision,
    Decision,
    ExpertOpinion,
    ExpertReview,
    MaintenanceAttachment,
    MaintenanceRequest,
    WorkType,
)
from anhuan.pollution.models.onsite import (  # noqa: F401
    AdhocMeasure,
    DocumentKind,
    EnterpriseDocument,
    MeasureReceipt,
    OnsiteGuidance,
)
from anhuan.pollution.models.rosters import DutyRoster, DutyShift, SpotCheck  # noqa: F401
