"""Excel import and export of service providers, with real files written and read back."""

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from anhuan.core.errors import NotPermitted
from anhuan.facilities.importing_providers import import_providers, providers_workbook, template_workbook
from anhuan.facilities.models import ServiceProvider
from anhuan.facilities.reads_providers import providers_for
from anhuan.facilities.tests.test_providers_support import make_provider, provider_code
from anhuan.pollution.importing.errors import ImportRejected
from anhuan.sharing.tests.registers_fixtures import write_xlsx

pytestmark = pytest.mark.django_db

HEADER = ["机构名称", "统一社会信用代码", "注册地", "资质", "联系人", "联系电话", "地址"]


def row(serial, name="邢台蓝天环保运维有限公司", region="信都区", phone="0319-2222222"):
    return [name, provider_code(serial), region, "环境污染治理设施运营资质", "王经理", phone, "邢台市信都区某路1号"]


def test_import_registers_providers(personas, region_a, region_b, tmp_path):
    data = write_xlsx(tmp_path / "providers.xlsx", HEADER, [row(1), row(2, "沙河清源环保有限公司", "沙河市")], title="第三方环保服务机构")
    result = import_providers(data, "providers.xlsx", actor=personas["county_a_ee_officer"])
    assert (result.created, result.updated) == (2, 0)
    second = ServiceProvider.objects.get(credit_code=provider_code(2))
    assert second.region == region_b
    assert second.phone == "0319-2222222"


def test_import_updates_by_credit_code(personas, region_b, tmp_path):
    from anhuan.facilities.services.providers import create_provider

    actor = personas["county_a_ee_officer"]
    create_provider(actor=actor, name="旧名称", credit_code=provider_code(1), region=region_b)
    data = write_xlsx(tmp_path / "providers.xlsx", HEADER, [row(1, region="")])
    result = import_providers(data, "providers.xlsx", actor=actor)
    assert (result.created, result.updated) == (0, 1)
    provider = ServiceProvider.objects.get()
    assert provider.name == "邢台蓝天环保运维有限公司"
    assert provider.region == region_b


def test_update_keeps_blank_cells(personas, region_b, tmp_path):
    from anhuan.facilities.services.providers import create_provider

    actor = personas["county_a_ee_officer"]
    create_provider(actor=actor, name="旧名称", credit_code=provider_code(1), region=region_b, qualification="运营资质",
                    contact_person="李经理", phone="0319-3333333", address="沙河市某路2号")
    data = write_xlsx(tmp_path / "providers.xlsx", HEADER, [["新名称", provider_code(1), "", "", "", "", ""]])

    import_providers(data, "providers.xlsx", actor=actor)

    provider = ServiceProvider.objects.get()
    assert provider.name == "新名称"
    assert (provider.region, provider.qualification, provider.contact_person, provider.phone, provider.address) == (
        region_b, "运营资质", "李经理", "0319-3333333", "沙河市某路2号")


def test_import_blank_region_gives_officer_region(personas, region_a, tmp_path):
    data = write_xlsx(tmp_path / "providers.xlsx", HEADER, [row(1, region="")])
    import_providers(data, "providers.xlsx", actor=personas["county_a_ee_officer"])
    assert ServiceProvider.objects.get().region == region_a


def test_import_providers_all_or_nothing(personas, tmp_path):
    rows = [
        row(1),
        ["", "91130503000000000X", "火星区", "", "", "打电话", ""],
        row(1, name="重复的机构"),
    ]
    data = write_xlsx(tmp_path / "providers.xlsx", HEADER, rows)
    with translation.override("zh-hans"), pytest.raises(ImportRejected) as error:
        import_providers(data, "providers.xlsx", actor=personas["county_a_ee_officer"])
    problems = [(item.row, item.column) for item in error.value.errors]
    assert problems == [(3, "机构名称"), (3, "统一社会信用代码"), (3, "注册地"), (3, "联系电话"), (4, "统一社会信用代码")]
    assert all(item.message for item in error.value.errors)
    assert not ServiceProvider.objects.exists()


def test_import_missing_required_column(personas, tmp_path):
    data = write_xlsx(tmp_path / "providers.xlsx", ["统一社会信用代码", "联系人"], [[provider_code(1), "王经理"]])
    with pytest.raises(ImportRejected) as error:
        import_providers(data, "providers.xlsx", actor=personas["county_a_ee_officer"])
    assert [(item.row, item.column) for item in error.value.errors] == [(1, "机构名称")]


def test_import_dry_run_writes_nothing(personas, tmp_path):
    data = write_xlsx(tmp_path / "providers.xlsx", HEADER, [row(1)])
    result = import_providers(data, "providers.xlsx", actor=personas["county_a_ee_officer"], dry_run=True)
    assert result.created == 1
    assert not ServiceProvider.objects.exists()


@pytest.mark.parametrize("persona", ["county_a_em_officer", "city_expert", "system_admin"])
def test_import_refused_outside_ee_staff(personas, tmp_path, persona):
    data = write_xlsx(tmp_path / "providers.xlsx", HEADER, [row(1)])
    with pytest.raises(NotPermitted):
        import_providers(data, "providers.xlsx", actor=personas[persona])


def test_export_round_trip(personas, region_a, tmp_path):
    actor = personas["county_a_ee_officer"]
    make_provider(actor, region_a, serial=1, phone="03192222222", contact_person="王经理")
    path = tmp_path / "export.xlsx"
    path.write_bytes(providers_workbook(providers_for(actor)))
    sheet = openpyxl.load_workbook(path).active
    header = [cell.value for cell in sheet[1]]
    values = dict(zip(header, [cell.value for cell in sheet[2]]))
    assert values["统一社会信用代码"] == provider_code(1)
    assert values["联系电话"] == "03192222222"
    assert values["注册地"] == region_a.name
    assert sheet["B2"].number_format == "@"

    ServiceProvider.objects.update(contact_person="")
    result = import_providers(path.read_bytes(), "export.xlsx", actor=actor)
    assert (result.created, result.updated) == (0, 1)
    assert ServiceProvider.objects.get().contact_person == "王经理"


def test_template_rejected_until_example_replaced(personas, tmp_path):
    path = tmp_path / "template.xlsx"
    path.write_bytes(template_workbook())
    header = [cell.value for cell in openpyxl.load_workbook(path).active[1]]
    assert header == HEADER
    with pytest.raises(ImportRejected) as error:
        import_providers(path.read_bytes(), "template.xlsx", actor=personas["county_a_ee_officer"])
    assert [(item.row, item.column) for item in error.value.errors] == [(2, "统一社会信用代码")]


def test_import_page_check_then_import(client, personas, tmp_path):
    client.force_login(personas["county_a_ee_officer"])
    path = tmp_path / "providers.xlsx"
    write_xlsx(path, HEADER, [row(1)])
    with path.open("rb") as upload:
        checked = client.post(reverse("facilities:provider-import"), {"file": upload, "action": "check"})
    assert checked.context["checked"].created == 1
    assert not ServiceProvider.objects.exists()
    with path.open("rb") as upload:
        imported = client.post(reverse("facilities:provider-import"), {"file": upload, "action": "import"})
    assert imported.status_code == 302
    assert ServiceProvider.objects.count() == 1


def test_import_page_lists_errors(client, personas, tmp_path):
    client.force_login(personas["county_a_ee_officer"])
    path = tmp_path / "providers.xlsx"
    write_xlsx(path, HEADER, [["", provider_code(1), "", "", "", "", ""]])
    with path.open("rb") as upload:
        response = client.post(reverse("facilities:provider-import"), {"file": upload, "action": "import"})
    assert response.status_code == 200
    assert response.context["rejected"].errors[0].column == "机构名称"
    assert 'id="import-errors"' in response.content.decode()


def test_export_and_template_downloads(client, personas, region_a):
    make_provider(personas["county_a_ee_officer"], region_a)
    client.force_login(personas["county_a_em_officer"])
    export = client.get(reverse("facilities:provider-export"))
    assert export.status_code == 200
    assert "attachment" in export["Content-Disposition"]
    assert client.get(reverse("facilities:provider-template")).status_code == 200
