"""Excel import and export of safety assessments and design diagnoses, with real files written and read back."""

import datetime as dt

import openpyxl
import pytest
from django.urls import reverse

from anhuan.core.errors import NotPermitted
from anhuan.core.models import Notification
from anhuan.facilities import importing_existing as importing
from anhuan.facilities.models import DesignDiagnosis, SafetyAssessment
from anhuan.facilities.tests.test_existing_support import (  # noqa: F401
    assess,
    diagnose,
    english,
    enterprise_a,
    enterprise_b,
    existing_key_facility,
    facility_a,
    facility_b,
    not_designed,
)
from anhuan.pollution.importing.errors import ImportRejected
from anhuan.sharing.models import EnvFacility
from anhuan.sharing.services.registers import create_record
from anhuan.sharing.tests.registers_fixtures import write_xlsx

pytestmark = pytest.mark.django_db

HEADER = ["统一社会信用代码", "设施名称", "评估日期", "评估单位", "辨识的安全风险", "管控措施", "发现的隐患", "评估结论", "下次评估日期"]
DIAGNOSIS_HEADER = ["统一社会信用代码", "设施名称", "报告日期", "设计单位", "设计资质", "资质证书编号", "诊断结论", "诊断结果"]


def row(facility, assessed_on="2025-03-10", outcome="通过", **overrides):
    values = {
        "code": facility.enterprise.credit_code, "name": facility.name, "date": assessed_on, "by": "某安全评价公司",
        "risks": "中毒\n火灾", "controls": "报警仪联锁", "hazards": "", "outcome": outcome, "next": "2026-03-10",
        **overrides,
    }
    return list(values.values())


def import_file(tmp_path, actor, header, rows, spec=importing.ASSESSMENT_SPEC, dry_run=False, name="评估.xlsx"):
    data = write_xlsx(tmp_path / name, header, rows)
    return importing.import_records(spec, data, name, actor=actor, dry_run=dry_run)


# --- Import ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["county_a_ee_officer", "county_a_em_officer"])
def test_import_adds_assessments(tmp_path, personas, facility_a, persona):
    result = import_file(tmp_path, personas[persona], HEADER, [row(facility_a), row(facility_a, "2025-09-01")])
    assert (result.created, result.unchanged) == (2, 0)
    first = SafetyAssessment.objects.get(assessed_on=dt.date(2025, 3, 10))
    assert first.risks == "中毒\n火灾"
    assert first.next_due_on == dt.date(2026, 3, 10)
    assert first.recorded_by == personas[persona]


def test_import_failed_row_notifies_em(tmp_path, personas, facility_a):
    import_file(tmp_path, personas["county_a_ee_officer"], HEADER, [row(facility_a, outcome="不合格")])
    assert SafetyAssessment.objects.get().outcome == "failed"
    assert Notification.objects.filter(kind="facilities.check_failed", recipient=personas["county_a_em_officer"]).exists()


def test_import_all_or_nothing(tmp_path, personas, facility_a):
    rows = [row(facility_a), row(facility_a, "2025-04-01", next="2025-01-01"), row(facility_a, "2025-05-01", outcome="也许")]
    with pytest.raises(ImportRejected) as error:
        import_file(tmp_path, personas["county_a_em_officer"], HEADER, rows)
    assert not SafetyAssessment.objects.exists()
    found = {(item.row, item.column) for item in error.value.errors}
    assert found == {(3, "下次评估日期"), (4, "评估结论")}


def test_import_errors_name_row_column(tmp_path, personas, facility_a):
    with pytest.raises(ImportRejected) as error:
        import_file(tmp_path, personas["county_a_em_officer"], HEADER, [row(facility_a, outcome="也许")])
    assert error.value.lines() == ['评估.xlsx row 2, column "评估结论": "也许" is not one of: 通过、不通过.']


def test_import_unknown_facility_named(tmp_path, personas, facility_a):
    with pytest.raises(ImportRejected) as error:
        import_file(tmp_path, personas["county_a_em_officer"], HEADER, [row(facility_a, name="不存在的设施")])
    assert error.value.errors[0].column == "设施名称"
    assert "不存在的设施" in error.value.errors[0].message


def test_import_other_county_facility_refused(tmp_path, personas, facility_b):
    with pytest.raises(ImportRejected) as error:
        import_file(tmp_path, personas["county_a_em_officer"], HEADER, [row(facility_b)])
    assert "within your region" in error.value.errors[0].message
    assert not SafetyAssessment.objects.exists()


def test_import_non_key_facility_refused(tmp_path, personas, enterprise_a):  # noqa: F811
    plain = create_record(EnvFacility, actor=personas["county_a_ee_officer"], enterprise=enterprise_a, name="活性炭箱",
                          facility_type="activated_carbon", status="in_operation")
    with pytest.raises(ImportRejected) as error:
        import_file(tmp_path, personas["county_a_em_officer"], HEADER, [row(plain)])
    assert "not a key environmental facility" in error.value.errors[0].message


def test_import_repeated_row_refused(tmp_path, personas, facility_a):
    with pytest.raises(ImportRejected) as error:
        import_file(tmp_path, personas["county_a_em_officer"], HEADER, [row(facility_a), row(facility_a)])
    assert error.value.errors[0].row == 3
    assert "repeats row 2" in error.value.errors[0].message


def test_import_missing_required_column(tmp_path, personas, facility_a):
    header = [label for label in HEADER if label != "评估单位"]
    with pytest.raises(ImportRejected) as error:
        import_file(tmp_path, personas["county_a_em_officer"], header, [row(facility_a)[:3] + row(facility_a)[4:]])
    assert error.value.errors[0].column == "评估单位"


def test_import_check_only_writes_nothing(tmp_path, personas, facility_a):
    result = import_file(tmp_path, personas["county_a_em_officer"], HEADER, [row(facility_a)], dry_run=True)
    assert result.created == 1
    assert not SafetyAssessment.objects.exists()
    assert not Notification.objects.exists()


def test_import_refused_for_expert(tmp_path, personas, facility_a):
    with pytest.raises(NotPermitted):
        import_file(tmp_path, personas["city_expert"], HEADER, [row(facility_a)])


def test_import_gbk_csv(tmp_path, personas, facility_a):
    lines = [",".join(HEADER), ",".join(str(value).replace("\n", " ") for value in row(facility_a))]
    path = tmp_path / "评估.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    result = importing.import_records(importing.ASSESSMENT_SPEC, path.read_bytes(), path.name,
                                      actor=personas["county_a_em_officer"])
    assert result.created == 1
    assert SafetyAssessment.objects.get().assessor == "某安全评价公司"


def test_import_changed_record_on_file_refused(tmp_path, personas, facility_a):
    assess(facility_a, personas["county_a_em_officer"], assessor="某安全评价公司")
    with pytest.raises(ImportRejected) as error:
        import_file(tmp_path, personas["county_a_em_officer"], HEADER, [row(facility_a, outcome="不通过")])
    assert "already on file" in error.value.errors[0].message
    assert SafetyAssessment.objects.get().outcome == "passed"


def test_diagnosis_import(tmp_path, personas, facility_a):
    not_designed(facility_a, personas["county_a_ee_officer"])
    rows = [[facility_a.enterprise.credit_code, facility_a.name, "2025-05-01", "某设计院", "环境工程设计专项甲级", "A113",
             "基本符合", "通过"]]
    result = import_file(tmp_path, personas["county_a_ee_officer"], DIAGNOSIS_HEADER, rows, spec=importing.DIAGNOSIS_SPEC)
    assert result.created == 1
    assert DesignDiagnosis.objects.get().certificate_number == "A113"


def test_diagnosis_import_refused_when_designed_unknown(tmp_path, personas, facility_a):
    rows = [[facility_a.enterprise.credit_code, facility_a.name, "2025-05-01", "某设计院", "甲级", "A113", "x", "通过"]]
    with pytest.raises(ImportRejected) as error:
        import_file(tmp_path, personas["county_a_ee_officer"], DIAGNOSIS_HEADER, rows, spec=importing.DIAGNOSIS_SPEC)
    assert error.value.errors[0].row == 2
    assert "formally designed" in error.value.errors[0].message
    assert not DesignDiagnosis.objects.exists()


# --- Export and round trip ----------------------------------------------------------------------------


def read_rows(data, tmp_path, name="export.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    return list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))


def test_export_lists_scope_only(tmp_path, personas, facility_a, facility_b):
    assess(facility_a, personas["county_a_em_officer"])
    assess(facility_b, personas["county_b_em_officer"])
    records = importing.records_for(importing.ASSESSMENT_SPEC, personas["county_a_ee_officer"])
    rows = read_rows(importing.records_workbook(importing.ASSESSMENT_SPEC, records), tmp_path)
    assert rows[0][:4] == ("县（市、区）", "企业名称", "统一社会信用代码", "设施名称")
    assert [line[3] for line in rows[1:]] == [facility_a.name]
    assert rows[1][9] == "通过"
    assert rows[1][11] == "未上传"


def test_export_imports_back_unchanged(tmp_path, personas, facility_a):
    em = personas["county_a_em_officer"]
    assess(facility_a, em, risks="中毒\n火灾", hazards_found="报警仪未校验", next_due_on=dt.date(2026, 3, 10))
    assess(facility_a, em, assessed_on=dt.date(2025, 6, 1), outcome="failed")
    records = importing.records_for(importing.ASSESSMENT_SPEC, em)
    path = tmp_path / "安全评估.xlsx"
    path.write_bytes(importing.records_workbook(importing.ASSESSMENT_SPEC, records))
    result = importing.import_records(importing.ASSESSMENT_SPEC, path.read_bytes(), path.name, actor=em)
    assert (result.created, result.unchanged) == (0, 2)
    assert SafetyAssessment.objects.count() == 2


def test_diagnosis_export_imports_back_unchanged(tmp_path, personas, facility_a):
    ee = personas["county_a_ee_officer"]
    not_designed(facility_a, ee)
    diagnose(facility_a, ee, outcome="failed")
    records = importing.records_for(importing.DIAGNOSIS_SPEC, ee)
    path = tmp_path / "设计诊断.xlsx"
    path.write_bytes(importing.records_workbook(importing.DIAGNOSIS_SPEC, records))
    result = importing.import_records(importing.DIAGNOSIS_SPEC, path.read_bytes(), path.name, actor=ee)
    assert (result.created, result.unchanged) == (0, 1)


def test_template_example_row_rejected(tmp_path, personas, facility_a):
    path = tmp_path / "模板.xlsx"
    path.write_bytes(importing.template_workbook(importing.ASSESSMENT_SPEC))
    rows = read_rows(path.read_bytes(), tmp_path, "read.xlsx")
    assert rows[0][1] == "统一社会信用代码"
    with pytest.raises(ImportRejected):
        importing.import_records(importing.ASSESSMENT_SPEC, path.read_bytes(), path.name,
                                 actor=personas["county_a_em_officer"])


# --- Pages -------------------------------------------------------------------------------------------


def login(client, user):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(user)
    return client


def test_import_page_imports(client, tmp_path, personas, facility_a):
    data = write_xlsx(tmp_path / "评估.xlsx", HEADER, [row(facility_a)])
    upload = tmp_path / "评估.xlsx"
    with upload.open("rb") as handle:
        response = login(client, personas["county_a_em_officer"]).post(
            reverse("facilities:assessment-import"), {"file": handle, "action": "import"})
    assert response.status_code == 302
    assert SafetyAssessment.objects.count() == 1
    assert data


def test_import_page_lists_errors(client, tmp_path, personas, facility_a):
    write_xlsx(tmp_path / "评估.xlsx", HEADER, [row(facility_a, outcome="也许")])
    with (tmp_path / "评估.xlsx").open("rb") as handle:
        response = login(client, personas["county_a_em_officer"]).post(
            reverse("facilities:assessment-import"), {"file": handle, "action": "import"})
    assert response.status_code == 400
    assert 'id="import-errors"' in response.content.decode()
    assert not SafetyAssessment.objects.exists()


def test_export_page_downloads(client, tmp_path, personas, facility_a):
    assess(facility_a, personas["county_a_em_officer"])
    response = login(client, personas["county_a_ee_officer"]).get(reverse("facilities:assessment-export"))
    assert response.status_code == 200
    assert read_rows(response.content, tmp_path)[1][3] == facility_a.name


def test_template_page_downloads(client, tmp_path, personas):
    response = login(client, personas["county_a_ee_officer"]).get(reverse("facilities:diagnosis-template"))
    assert read_rows(response.content, tmp_path)[0][1] == "统一社会信用代码"


# --- Every error names its column, and a row lists all its errors ------------------------------------


def test_future_date_names_column(tmp_path, personas, facility_a):
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    with pytest.raises(ImportRejected) as error:
        import_file(tmp_path, personas["county_a_em_officer"], HEADER, [row(facility_a, future, next="")])
    assert [(item.row, item.column) for item in error.value.errors] == [(2, "评估日期")]


def test_designed_refusal_names_facility_column(tmp_path, personas, facility_a):
    from anhuan.facilities.services import risks as risk_services

    risk_services.set_formally_designed(facility_a, True, personas["county_a_ee_officer"])
    rows = [[facility_a.enterprise.credit_code, facility_a.name, "2025-05-01", "某设计院", "甲级", "A113", "x", "通过"]]
    with pytest.raises(ImportRejected) as error:
        import_file(tmp_path, personas["county_a_ee_officer"], DIAGNOSIS_HEADER, rows, spec=importing.DIAGNOSIS_SPEC)
    assert [(item.row, item.column) for item in error.value.errors] == [(2, "设施名称")]
    assert "formally designed" in error.value.errors[0].message


def test_repeated_row_reports_all_errors(tmp_path, personas, facility_a):
    rows = [row(facility_a), row(facility_a, next="2025-01-01", outcome="也许")]
    with pytest.raises(ImportRejected) as error:
        import_file(tmp_path, personas["county_a_em_officer"], HEADER, rows)
    found = [(item.row, item.column) for item in error.value.errors]
    assert found == [(3, "评估日期"), (3, "评估结论"), (3, "下次评估日期")]
    assert all(item.column for item in error.value.errors)


def test_bad_cells_and_unknown_facility(tmp_path, personas, facility_a):
    with pytest.raises(ImportRejected) as error:
        import_file(tmp_path, personas["county_a_em_officer"], HEADER, [row(facility_a, name="无此设施", outcome="也许")])
    assert [item.column for item in error.value.errors] == ["设施名称", "评估结论"]


@pytest.mark.parametrize(("word", "outcome"), [
    ("不通过", "failed"), ("不合格", "failed"), ("失败", "failed"), ("未通过", "failed"), ("通过", "passed"),
    ("合格", "passed"),
])
def test_outcome_words(tmp_path, personas, facility_a, word, outcome):
    import_file(tmp_path, personas["county_a_em_officer"], HEADER, [row(facility_a, outcome=word)])
    assert SafetyAssessment.objects.get().outcome == outcome
