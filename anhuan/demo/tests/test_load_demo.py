"""load_demo: every role gets an account, the sample list and a warning are loaded, a second run changes nothing."""

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from anhuan.core.models import AuditEntry
import anhuan.demo
from anhuan.demo import REDUCTION_LIST_FILE
from anhuan.demo.users import ACCOUNTS, DEMO_PASSWORD, accounts_markdown
from anhuan.enterprises.models import Enterprise, EnterpriseContact
from anhuan.organizations.models import Role, User
from anhuan.pollution.models import PollutionWarning, ReductionEntry, ReductionList

pytestmark = pytest.mark.django_db

DOC_FILE = Path(__file__).resolve().parents[3] / "docs" / "demo-accounts.md"


@pytest.fixture
def demo_mode(settings):
    settings.DEMO_MODE = True


def load():
    output = io.StringIO()
    call_command("load_demo", stdout=output)
    return output.getvalue()


def user(username):
    return User.objects.select_related("agency").get(username=username)


def test_every_role_has_an_account(demo_mode):
    load()
    roles = set(User.objects.filter(username__in=[account.username for account in ACCOUNTS]).values_list("role", flat=True))
    assert roles == {Role.OFFICER, Role.LEADER, Role.EXPERT, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN,
                     Role.AUDIT_ADMIN, Role.ENTERPRISE}


def test_accounts_share_demo_password(demo_mode):
    load()
    assert [user(account.username).check_password(DEMO_PASSWORD) for account in ACCOUNTS] == [True] * len(ACCOUNTS)


@pytest.mark.parametrize(
    ("username", "agency"),
    [
        ("city_ee_officer", "邢台市生态环境局"),
        ("city_em_leader", "邢台市应急管理局"),
        ("xindu_ee_officer", "邢台市生态环境局信都区分局"),
        ("xindu_em_leader", "信都区应急管理局"),
        ("shahe_em_officer", "沙河市应急管理局"),
        ("renze_ee_leader", "邢台市生态环境局任泽区分局"),
    ],
)
def test_staff_sit_in_their_agency(demo_mode, username, agency):
    load()
    assert user(username).agency.name == agency


def test_accounts_have_chinese_names(demo_mode):
    load()
    assert user("xindu_em_officer").get_full_name() == "赵文博"


def test_output_states_password(demo_mode):
    assert DEMO_PASSWORD in load()


def test_contacts_linked_to_listed_enterprises(demo_mode):
    load()
    links = dict(EnterpriseContact.objects.values_list("user__username", "enterprise__credit_code"))
    assert links == {"ent_xindu_steel": "911305030646136316", "ent_shahe_glass": "911305827405637815"}


def test_reduction_list_is_imported(demo_mode):
    load()
    reduction_list = ReductionList.objects.get(year=2025)
    sheet = openpyxl.load_workbook(REDUCTION_LIST_FILE, read_only=True).active
    codes = {row[3] for row in sheet.iter_rows(min_row=5, values_only=True) if row[3]}
    assert reduction_list.entries.count() > 0
    assert Enterprise.objects.filter(credit_code__in=codes).count() == len(codes)


def test_warning_in_force_with_short_notice(demo_mode):
    load()
    warning = PollutionWarning.objects.get()
    assert (warning.level, warning.status, warning.whole_city) == ("orange", "in_force", True)
    assert warning.starts_at - warning.announced_at == dt.timedelta(hours=6)
    assert warning.document_number.startswith("邢重污染指〔")


def test_existing_warning_is_kept(demo_mode):
    load()
    PollutionWarning.objects.update(document_number="邢重污染指〔2025〕1号")
    load()
    assert list(PollutionWarning.objects.values_list("document_number", flat=True)) == ["邢重污染指〔2025〕1号"]


def test_second_run_changes_nothing(demo_mode):
    load()
    counts = (User.objects.count(), Enterprise.objects.count(), ReductionEntry.objects.count(),
              EnterpriseContact.objects.count(), PollutionWarning.objects.count(), AuditEntry.objects.count())
    load()
    assert (User.objects.count(), Enterprise.objects.count(), ReductionEntry.objects.count(),
            EnterpriseContact.objects.count(), PollutionWarning.objects.count(), AuditEntry.objects.count()) == counts


def test_second_run_keeps_changed_password(demo_mode):
    load()
    officer = user("city_ee_officer")
    officer.set_password("Changed#2026")
    officer.save()
    load()
    assert user("city_ee_officer").check_password("Changed#2026")


def test_demo_file_ships_with_package():
    assert REDUCTION_LIST_FILE.is_file()
    assert REDUCTION_LIST_FILE.parent.parent == Path(anhuan.demo.__file__).parent


def test_accounts_doc_is_current():
    assert DOC_FILE.read_text(encoding="utf-8") == accounts_markdown()


def test_demo_fills_expert_pool(demo_mode):
    from anhuan.experts.models import Expert

    load()
    load()
    assert Expert.objects.filter(active=True).count() >= 4
    assert Expert.objects.filter(user__username="expert_chem").exists()
