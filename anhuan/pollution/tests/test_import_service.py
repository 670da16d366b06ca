"""Writing an imported list: enterprises, entries, scope, re-import, audit and permission."""

import hashlib
from decimal import Decimal

import pytest

from anhuan.core.errors import NotPermitted, ValidationFailed
from anhuan.core.models import AuditEntry
from anhuan.enterprises.models import Enterprise, EnterpriseCategory, PerformanceGrade
from anhuan.organizations.models import Agency, Department, Role, User
from anhuan.organizations.services import get_system_user
from anhuan.pollution.models import ImportJob, MeasureType, ReductionEntry, ReductionList, ShutdownRisk
from anhuan.pollution.tests.importfiles import (
    FIRST_DATA_ROW,
    errors_at,
    make_credit_code,
    make_row,
    rejected_errors,
    run_import,
    write_xlsx,
)

CODE_A = make_credit_code("130503", 1)
CODE_B = make_credit_code("130582", 7)


def _rows_in_both_counties():
    """Two lines of a 信都区 enterprise and one of a 沙河市 enterprise."""
    return [
        make_row(),
        make_row(sequence=2, production_line="深加工线", yellow_limit_percent="15%"),
        make_row(
            sequence=3, region="沙河市", name="沙河恒福玻璃有限公司", credit_code=CODE_B, grade="A",
            production_line="熔窑", yellow_measure="自主减排", yellow_limit_percent="", orange_measure="自主减排",
            orange_limit_percent="", red_measure="自主减排",
        ),
    ]


@pytest.fixture
def system(db):
    return get_system_user()


@pytest.fixture
def list_file(tmp_path):
    return write_xlsx(tmp_path / "reduction.xlsx", _rows_in_both_counties())


def test_entry_stores_normalised_values(system, tmp_path):
    row = make_row(
        yellow_limit_percent="10%", orange_limit_percent=0.2, safe_shutdown_hours="24小时", shutdown_risk="较大",
        contact_phone=19402329146.0, sequence=1.0, red_detail="停产，\n停止公路运输",
    )
    run_import(write_xlsx(tmp_path / "reduction.xlsx", [row]), system)
    entry = ReductionEntry.objects.get()
    assert entry.yellow_measure == MeasureType.LIMIT
    assert entry.yellow_limit_percent == Decimal("10")
    assert entry.orange_limit_percent == Decimal("20")
    assert entry.red_measure == MeasureType.HALT
    assert entry.red_limit_percent is None
    assert entry.red_detail == "停产，\n停止公路运输"
    assert entry.safe_shutdown_hours == Decimal("24")
    assert entry.shutdown_risk == ShutdownRisk.HIGH
    assert entry.sequence == 1
    assert entry.source_row == FIRST_DATA_ROW
    assert entry.region.name == "信都区"
    assert entry.enterprise.contact_phone == "19402329146"


def test_enterprise_flags_follow_category(system, tmp_path):
    rows = [
        make_row(category="保障类", grade="非重点行业", yellow_measure="保障类", yellow_limit_percent="",
                 orange_measure="保障类", orange_limit_percent="", red_measure="保障类"),
        make_row(sequence=2, name="信都引领铸造有限公司", credit_code=make_credit_code("130503", 3), grade="引领性",
                 whitelisted="是", non_interruptible="否", production_line="冲天炉"),
    ]
    run_import(write_xlsx(tmp_path / "reduction.xlsx", rows), system)
    guaranteed = Enterprise.objects.get(credit_code=CODE_A)
    leading = Enterprise.objects.get(credit_code=make_credit_code("130503", 3))
    assert guaranteed.category == EnterpriseCategory.GUARANTEED
    assert guaranteed.guaranteed is True
    assert guaranteed.key_industry is False
    assert guaranteed.performance_grade == PerformanceGrade.UNRATED
    assert guaranteed.non_interruptible is True
    assert leading.key_industry is True
    assert leading.guaranteed is False
    assert leading.performance_grade == PerformanceGrade.LEADING
    assert leading.whitelisted is True


def test_import_counts_and_job_record(system, list_file):
    summary = run_import(list_file, system)
    job = ImportJob.objects.get()
    assert summary.enterprises_created == 2
    assert job.status == ImportJob.Status.SUCCEEDED
    assert job.actor == system
    assert job.total_rows == 3
    assert job.entries_written == 3
    assert job.enterprises_created == 2
    assert job.sha256 == hashlib.sha256(list_file.read_bytes()).hexdigest()
    assert job.finished_at is not None


def test_import_writes_audit_entries(system, list_file):
    run_import(list_file, system)
    created = AuditEntry.objects.filter(action="enterprise.create")
    entry = created.get(object_id=str(Enterprise.objects.get(credit_code=CODE_B).pk))
    assert created.count() == 2
    assert entry.actor == system
    assert entry.actor_name == "系统"
    assert entry.changes["region"] == [None, "沙河市"]
    assert entry.changes["performance_grade"] == [None, "A"]
    assert entry.data["file_name"] == "reduction.xlsx"


def test_import_records_list_import_entry(system, list_file):
    run_import(list_file, system)
    entry = AuditEntry.objects.get(action="reduction_list.import")
    assert entry.object_id == str(ReductionList.objects.get(year=2025).pk)
    assert entry.data["file_name"] == "reduction.xlsx"
    assert entry.data["sha256"] == hashlib.sha256(list_file.read_bytes()).hexdigest()
    assert entry.data["year"] == 2025
    assert entry.data["rows"] == 3


def test_reimport_replaces_year_entries(system, list_file, tmp_path):
    run_import(list_file, system)
    smaller = write_xlsx(tmp_path / "second.xlsx", [make_row(production_line="新熔窑")])
    summary = run_import(smaller, system)
    assert summary.entries_deleted == 3
    assert list(ReductionEntry.objects.values_list("production_line", flat=True)) == ["新熔窑"]
    assert ReductionList.objects.count() == 1


def test_reimport_keeps_other_years(system, list_file, tmp_path):
    run_import(list_file, system, year=2024)
    run_import(write_xlsx(tmp_path / "second.xlsx", [make_row()]), system, year=2025)
    assert ReductionEntry.objects.filter(reduction_list__year=2024).count() == 3
    assert ReductionEntry.objects.filter(reduction_list__year=2025).count() == 1


def test_reimport_updates_changed_enterprise(system, list_file, tmp_path):
    run_import(list_file, system)
    changed = write_xlsx(tmp_path / "second.xlsx", [make_row(grade="B", whitelisted="是", contact_phone="")])
    summary = run_import(changed, system)
    enterprise = Enterprise.objects.get(credit_code=CODE_A)
    update = AuditEntry.objects.get(action="enterprise.update")
    assert summary.enterprises_updated == 1
    assert enterprise.performance_grade == PerformanceGrade.B
    assert enterprise.whitelisted is True
    assert enterprise.contact_phone == "19402329146"
    assert update.changes == {"performance_grade": ["C", "B"], "whitelisted": [False, True]}


def test_unchanged_reimport_updates_nothing(system, list_file):
    run_import(list_file, system)
    summary = run_import(list_file, system)
    assert summary.enterprises_updated == 0
    assert AuditEntry.objects.filter(action="enterprise.update").count() == 0


def test_city_import_moves_enterprise_region(system, list_file, tmp_path):
    run_import(list_file, system)
    run_import(write_xlsx(tmp_path / "moved.xlsx", [make_row(region="襄都区")]), system)
    assert Enterprise.objects.get(credit_code=CODE_A).region.name == "襄都区"
    assert AuditEntry.objects.get(action="enterprise.update").changes == {"region": ["信都区", "襄都区"]}


def test_county_import_replaces_own_region(system, personas, list_file, tmp_path):
    run_import(list_file, system)
    county = write_xlsx(tmp_path / "county.xlsx", [make_row(production_line="新熔窑")])
    summary = run_import(county, personas["county_a_ee_officer"])
    assert summary.entries_deleted == 2
    assert sorted(ReductionEntry.objects.values_list("production_line", flat=True)) == ["新熔窑", "熔窑"]


def test_county_import_rejects_other_region(personas, list_file):
    errors = rejected_errors(list_file, personas["county_a_ee_officer"])
    (message,) = errors_at(errors, FIRST_DATA_ROW + 2, "县（市、区）")
    assert "沙河市" in message
    assert ReductionEntry.objects.count() == 0


def test_county_import_rejects_foreign_enterprise(system, personas, tmp_path):
    run_import(write_xlsx(tmp_path / "city.xlsx", [make_row(region="沙河市")]), system)
    errors = rejected_errors(write_xlsx(tmp_path / "county.xlsx", [make_row()]), personas["county_a_ee_officer"])
    (message,) = errors_at(errors, FIRST_DATA_ROW, "统一社会信用代码")
    assert "沙河市" in message
    assert Enterprise.objects.get(credit_code=CODE_A).region.name == "沙河市"


@pytest.mark.parametrize("persona", ["city_ee_officer", "city_ee_leader", "county_a_ee_leader"])
def test_environment_staff_may_import(personas, tmp_path, persona):
    summary = run_import(write_xlsx(tmp_path / "reduction.xlsx", [make_row()]), personas[persona])
    assert summary.entries_written == 1


@pytest.mark.parametrize(
    "persona", ["city_em_officer", "city_em_leader", "county_a_em_officer", "city_expert", "system_admin", "audit_admin"]
)
def test_other_users_may_not_import(personas, tmp_path, persona):
    path = write_xlsx(tmp_path / "reduction.xlsx", [make_row()])
    with pytest.raises(NotPermitted):
        run_import(path, personas[persona])
    assert ReductionEntry.objects.count() == 0


def test_environment_expert_may_not_import(db, tmp_path):
    agency = Agency.objects.get(department=Department.ENVIRONMENT, level="city")
    expert = User.objects.create_user(username="ee_expert", password="ee_expert", role=Role.EXPERT, agency=agency)
    with pytest.raises(NotPermitted):
        run_import(write_xlsx(tmp_path / "reduction.xlsx", [make_row()]), expert)


def test_year_out_of_range_is_rejected(system, list_file):
    with pytest.raises(ValidationFailed):
        run_import(list_file, system, year=1999)


def test_messy_cells_normalise_on_import(system, tmp_path):
    code = make_credit_code("130505", 11)
    row = make_row(
        sequence=7.0,
        region="\u3000任泽区 ",
        name=" 任泽润华晟\u3000橡胶制品有限公司 ",
        credit_code=" " + code.lower().replace("1", "１") + " ",
        grade="ｃ",
        whitelisted="×",
        non_interruptible="√",
        production_line="炼胶 工序",
        yellow_limit_percent=0.3,
        orange_limit_percent="40",
        safe_shutdown_hours="48h",
        shutdown_risk=" 重大 ",
        contact_phone=15520741785.0,
    )
    path = write_xlsx(tmp_path / "reduction.xlsx", [row], number_formats={"yellow_limit_percent": "0%"})

    run_import(path, system)

    entry = ReductionEntry.objects.select_related("enterprise").get()
    assert entry.enterprise.credit_code == code
    assert entry.enterprise.name == "任泽润华晟橡胶制品有限公司"
    assert entry.enterprise.performance_grade == PerformanceGrade.C
    assert entry.enterprise.whitelisted is False
    assert entry.enterprise.non_interruptible is True
    assert entry.enterprise.contact_phone == "15520741785"
    assert entry.region.name == "任泽区"
    assert entry.sequence == 7
    assert entry.production_line == "炼胶工序"
    assert entry.yellow_limit_percent == Decimal("30")
    assert entry.orange_limit_percent == Decimal("40")
    assert entry.safe_shutdown_hours == Decimal("48")
    assert entry.shutdown_risk == ShutdownRisk.HIGH


def test_writes_join_caller_transaction(system, list_file):
    from django.db import transaction

    with transaction.atomic():
        run_import(list_file, system)
        transaction.set_rollback(True)
    assert ReductionEntry.objects.count() == 0
    assert Enterprise.objects.count() == 0
    assert AuditEntry.objects.filter(action="enterprise.create").count() == 0


def test_reimport_unlinks_plan_items(system, list_file):
    import datetime as dt

    from django.utils import timezone

    from anhuan.pollution.models import PlanItem, PollutionWarning, ReductionPlan, WarningEvent

    run_import(list_file, system)
    entry = ReductionEntry.objects.select_related("enterprise").first()
    now = timezone.now()
    warning = PollutionWarning.objects.create(
        level="red", issuer=Agency.objects.get(department=Department.ENVIRONMENT, level="city"),
        announced_at=now, starts_at=now + dt.timedelta(hours=6),
    )
    event = WarningEvent.objects.create(
        warning=warning, sequence=1, kind="issue", level="red", announced_at=now, starts_at=warning.starts_at, actor=system
    )
    plan = ReductionPlan.objects.create(event=event, derived_at=now, frozen=True)
    item = PlanItem.objects.create(
        plan=plan, entry=entry, enterprise=entry.enterprise, region=entry.region, credit_code=entry.enterprise.credit_code,
        enterprise_name=entry.enterprise.name, performance_grade="C", production_line=entry.production_line,
        measure_type="halt", safe_shutdown_hours=entry.safe_shutdown_hours, shutdown_risk=entry.shutdown_risk,
    )
    run_import(list_file, system)
    item.refresh_from_db()
    assert item.entry_id is None
    assert item.production_line == entry.production_line
