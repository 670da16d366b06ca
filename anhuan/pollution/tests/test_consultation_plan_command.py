"""``manage.py consultation_plan``: the latest event's plan written as JSON, Excel or Word."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from anhuan.core.timeutil import parse_local_datetime
from anhuan.organizations.services import get_system_user
from anhuan.pollution.services.warnings import issue_warning, upgrade_warning
from anhuan.pollution.tests.factories import make_list
from conftest import REGION_A, REGION_B


def at(text):
    return parse_local_datetime(text)


@pytest.fixture
def warning(db):
    make_list(2026, [
        dict(enterprise=dict(name="信都焦化有限公司", region=REGION_A), production_line="1号焦炉",
             orange=("limit", 30), red=("halt", None), safe_shutdown_hours=6),
        dict(enterprise=dict(name="沙河玻璃有限公司", region=REGION_B), production_line="1号窑",
             orange=("limit", 20), red=("limit", 50), safe_shutdown_hours=2),
    ])
    system = get_system_user()
    warning = issue_warning(actor=system, level="orange", announced_at=at("2026-12-04 16:00"), starts_at=at("2026-12-05 00:00"))
    return upgrade_warning(warning, actor=system, level="red", announced_at=at("2026-12-05 07:30"), starts_at=at("2026-12-05 08:00"))


def export(warning_id, export_format, path, *extra):
    out = io.StringIO()
    call_command("consultation_plan", str(warning_id), "--format", export_format, "-o", str(path), *extra, stdout=out)
    return out.getvalue()


def test_json_exports_latest_event(warning, tmp_path):
    path = tmp_path / "plan.json"
    export(warning.id, "json", path)
    rows = json.loads(path.read_text(encoding="utf-8"))
    coke = next(row for row in rows if row["production_line"] == "1号焦炉")
    assert len(rows) == 2
    assert coke["measure_type"] == "halt"
    assert coke["effective_at"] == "2026-12-05T13:30:00+08:00"
    assert coke["lead_time_gap_hours"] == 5.5
    assert coke["flags"] == ["insufficient_lead_time"]


def test_json_limit_percent_number(warning, tmp_path):
    path = tmp_path / "plan.json"
    export(warning.id, "json", path)
    glass = next(row for row in json.loads(path.read_text(encoding="utf-8")) if row["production_line"] == "1号窑")
    assert glass["limit_percent"] == 50.0
    assert glass["region_code"] == REGION_B


def test_summary_names_file(warning, tmp_path):
    path = tmp_path / "plan.json"
    output = export(warning.id, "json", path)
    assert str(path) in output


def test_xlsx_export_readable(warning, tmp_path):
    path = tmp_path / "plan.xlsx"
    export(warning.id, "xlsx", path)
    sheet = load_workbook(path).active
    names = {row[2] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert names == {"信都焦化有限公司", "沙河玻璃有限公司"}


def test_county_user_exports_own_region(personas, warning, tmp_path):
    path = tmp_path / "plan.json"
    export(warning.id, "json", path, "--user", "county_a_em_officer")
    rows = json.loads(path.read_text(encoding="utf-8"))
    assert [row["enterprise"] for row in rows] == ["信都焦化有限公司"]


def test_unknown_warning_writes_nothing(db, tmp_path):
    path = tmp_path / "plan.json"
    with pytest.raises(CommandError):
        export(424242, "json", path)
    assert not path.exists()


def test_invisible_warning_not_found(personas, tmp_path):
    make_list(2026, [dict(enterprise=dict(region=REGION_B))])
    warning = issue_warning(
        actor=get_system_user(), level="red", announced_at=at("2026-12-05 06:00"), starts_at=at("2026-12-05 10:00"),
        regions=[personas["county_b_ee_officer"].agency.region],
    )
    path = tmp_path / "plan.json"
    with pytest.raises(CommandError):
        export(warning.id, "json", path, "--user", "county_a_ee_officer")
    assert not path.exists()


def test_unknown_format_rejected(warning, tmp_path):
    with pytest.raises(CommandError):
        export(warning.id, "pdf", tmp_path / "plan.pdf")


def test_missing_folder_rejected(warning, tmp_path):
    with pytest.raises(CommandError):
        export(warning.id, "json", tmp_path / "missing" / "plan.json")


def test_docx_minutes_name_enterprises(warning, tmp_path):
    # Needs anhuan.pollution.exports.minutes_docx.write_minutes(consultation, stream).
    from docx import Document

    path = tmp_path / "minutes.docx"
    export(warning.id, "docx", path)
    document = Document(str(path))
    texts = [paragraph.text for paragraph in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    text = "\n".join(texts)
    assert "信都焦化有限公司" in text
    assert "沙河玻璃有限公司" in text
