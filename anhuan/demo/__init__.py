"""Demo data for `make run`: accounts for every role, the sample reduction list, contacts, one warning, key facilities.

Loading is idempotent: each step is skipped when its data exists, so a second
run writes nothing. Supervised data goes through the services, so it carries
audit entries like data entered by hand. Only ``load_demo`` in demo mode calls this.
"""

import dataclasses
import datetime as dt
import logging
from pathlib import Path

from django.core.management import call_command, get_commands
from django.utils import timezone

from anhuan.demo.facilities import load_demo_facilities
from anhuan.demo.users import ACCOUNTS, CONTACT_ENTERPRISES, ensure_user
from anhuan.enterprises.models import Enterprise, EnterpriseContact
from anhuan.enterprises.services import create_enterprise
from anhuan.organizations.models import Region, Role
from anhuan.organizations.services import get_system_user

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
REDUCTION_LIST_FILE = DATA_DIR / "reduction-list-2025.xlsx"
REDUCTION_LIST_YEAR = 2025
IMPORT_COMMAND = "import_reduction_list"
# The demo warning: orange, city-wide, announced this long before it starts, started this long ago.
WARNING_NOTICE = dt.timedelta(hours=6)
WARNING_STARTED_AGO = dt.timedelta(hours=2)
WARNING_ISSUER = "city_ee_officer"


@dataclasses.dataclass
class DemoSummary:
    """Outcome of one run of the loader; each step reports created, skipped or unavailable."""

    users_created: int = 0
    users_existing: int = 0
    reduction_list: str = "skipped"
    enterprises_created: int = 0
    contacts_created: int = 0
    warning: str = "skipped"
    experts_created: int = 0
    facilities: str = "skipped"


def load_demo_data(*, import_stdout=None):
    """Create the demo accounts, list, contacts, warning and key facilities that do not exist yet; return a DemoSummary."""
    summary = DemoSummary()

    users = {}
    for account in ACCOUNTS:
        user, created = ensure_user(account)
        users[account.username] = user
        if created:
            summary.users_created += 1
        else:
            summary.users_existing += 1

    summary.reduction_list = _import_reduction_list(import_stdout)

    for account in ACCOUNTS:
        if account.role != Role.ENTERPRISE:
            continue
        enterprise, created = _ensure_enterprise(account.enterprise_code)
        summary.enterprises_created += int(created)
        _link, created = EnterpriseContact.objects.get_or_create(
            user=users[account.username], defaults={"enterprise": enterprise}
        )
        summary.contacts_created += int(created)

    summary.experts_created = _ensure_experts(users)
    summary.warning = _issue_demo_warning(users[WARNING_ISSUER])
    summary.facilities = load_demo_facilities(users)
    logger.info("Demo data loaded: %s", summary)
    return summary


def _import_reduction_list(stdout):
    # The importer belongs to the pollution app; without it the demo still has users and enterprises.
    if IMPORT_COMMAND not in get_commands():
        return "unavailable"
    from anhuan.pollution.models import ReductionList

    if ReductionList.objects.filter(year=REDUCTION_LIST_YEAR).exists():
        return "skipped"
    options = {"stdout": stdout} if stdout is not None else {}
    call_command(IMPORT_COMMAND, str(REDUCTION_LIST_FILE), "--year", str(REDUCTION_LIST_YEAR), **options)
    return "created"


# (name, account, department, region code, specialties, title, employer)
DEMO_EXPERTS = [
    ("何嘉禾", "expert_chem", "emergency", "130500", ["chemical_process", "safety_management"], "正高级工程师", "河北省化工设计研究院"),
    ("高雅琴", "expert_env", "environment", "130500", ["environmental_engineering"], "高级工程师", "邢台市环境科学研究所"),
    ("孙明", None, "emergency", "130503", ["metallurgy", "electrical"], "高级工程师", "邢台市特种设备检验所"),
    ("李卫东", None, "environment", "130582", ["environmental_engineering", "building_materials"], "高级工程师", "沙河市建材研究所"),
]


def _ensure_experts(users):
    """Put the demo experts in the pool, so joint visits and expert reviews can be staffed."""
    from anhuan.experts.models import Expert
    from anhuan.organizations.models import Region

    created = 0
    for name, username, department, region_code, specialties, title, employer in DEMO_EXPERTS:
        _expert, was_created = Expert.objects.get_or_create(
            name=name,
            defaults={
                "user": users.get(username) if username else None,
                "department": department,
                "region": Region.objects.get(code=region_code),
                "specialties": specialties,
                "title": title,
                "employer_name": employer,
                "phone": "0319-2000000",
            },
        )
        created += int(was_created)
    return created


def _ensure_enterprise(credit_code):
    existing = Enterprise.objects.filter(credit_code=credit_code).first()
    if existing is not None:
        return existing, False
    data = dict(CONTACT_ENTERPRISES[credit_code])
    region = Region.objects.get(code=data.pop("region_code"))
    enterprise = create_enterprise(actor=get_system_user(), credit_code=credit_code, region=region, **data)
    return enterprise, True


def _issue_demo_warning(issuer):
    try:
        from anhuan.pollution.services.warnings import issue_warning
    except ImportError:
        return "unavailable"
    from anhuan.pollution.models import PollutionWarning, WarningLevel

    if PollutionWarning.objects.exists():
        return "skipped"
    starts_at = timezone.now().replace(minute=0, second=0, microsecond=0) - WARNING_STARTED_AGO
    issue_warning(
        actor=issuer,
        level=WarningLevel.ORANGE,
        announced_at=starts_at - WARNING_NOTICE,
        starts_at=starts_at,
        document_number=f"邢重污染指〔{timezone.localtime(starts_at).year}〕3号",
    )
    return "created"
