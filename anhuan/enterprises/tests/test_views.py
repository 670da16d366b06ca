"""Enterprise pages: list filters, pagination, export, detail with history, create and edit forms."""

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst

from anhuan.core.models import AuditEntry
from anhuan.enterprises.models import Enterprise
from anhuan.enterprises.services import update_enterprise
from anhuan.enterprises.tests.factories import credit_code_for, register
from anhuan.organizations.models import Region, Role
from conftest import REGION_A, make_user

pytestmark = pytest.mark.django_db

LIST_URL = reverse("enterprises:list")
EXPORT_URL = reverse("enterprises:export")
CREATE_URL = reverse("enterprises:create")


def signed_in(client, user):
    client.force_login(user)
    return client


def listed_names(response):
    return [enterprise.name for enterprise in response.context["page_obj"]]


def form_data(region, **overrides):
    data = {
        "credit_code": credit_code_for(region.code),
        "name": "邢台新建测试有限公司",
        "region": region.pk,
        "address": "",
        "industry_code": "C3041",
        "industry_name": "平板玻璃",
        "category": "key_industry",
        "performance_grade": "B",
        "contact_name": "张伟",
        "contact_phone": "13800000000",
    }
    data.update(overrides)
    return data


@pytest.fixture
def city_list(region_a, region_b):
    """Four enterprises in two counties with different grades, categories and marks."""
    return [
        register(region_a, "信都钢铁有限公司", performance_grade="B-", non_interruptible=True, contact_phone="13800000001"),
        register(region_a, "信都热力有限公司", category="guaranteed", guaranteed=True),
        register(region_b, "沙河玻璃有限公司", performance_grade="A", whitelisted=True),
        register(region_b, "沙河陶瓷有限公司", performance_grade="C", category="general"),
    ]


# --- list ------------------------------------------------------------------------------


def test_city_officer_lists_every_county(client, personas, city_list):
    response = signed_in(client, personas["city_ee_officer"]).get(LIST_URL)
    assert response.status_code == 200
    assert len(listed_names(response)) == 4


def test_county_officer_lists_own_county(client, personas, city_list):
    response = signed_in(client, personas["county_a_em_officer"]).get(LIST_URL)
    assert sorted(listed_names(response)) == ["信都热力有限公司", "信都钢铁有限公司"]


def test_list_filters_by_region(client, personas, city_list, region_b):
    response = signed_in(client, personas["city_ee_officer"]).get(LIST_URL, {"region": region_b.pk})
    assert sorted(listed_names(response)) == ["沙河玻璃有限公司", "沙河陶瓷有限公司"]


def test_list_filters_by_grade(client, personas, city_list):
    response = signed_in(client, personas["city_ee_officer"]).get(LIST_URL, {"grade": "A"})
    assert listed_names(response) == ["沙河玻璃有限公司"]


def test_list_filters_by_category(client, personas, city_list):
    response = signed_in(client, personas["city_ee_officer"]).get(LIST_URL, {"category": "guaranteed"})
    assert listed_names(response) == ["信都热力有限公司"]


@pytest.mark.parametrize(
    ("flag", "expected"),
    [("whitelisted", "沙河玻璃有限公司"), ("non_interruptible", "信都钢铁有限公司"), ("guaranteed", "信都热力有限公司")],
)
def test_list_filters_by_flag(client, personas, city_list, flag, expected):
    response = signed_in(client, personas["city_ee_officer"]).get(LIST_URL, {flag: "1"})
    assert listed_names(response) == [expected]


def test_list_filters_by_flag_absent(client, personas, city_list):
    response = signed_in(client, personas["city_ee_officer"]).get(LIST_URL, {"whitelisted": "0"})
    assert "沙河玻璃有限公司" not in listed_names(response)
    assert len(listed_names(response)) == 3


def test_list_filters_by_name_keyword(client, personas, city_list):
    response = signed_in(client, personas["city_ee_officer"]).get(LIST_URL, {"q": "陶瓷"})
    assert listed_names(response) == ["沙河陶瓷有限公司"]


def test_list_filters_by_lower_case_code(client, personas, city_list):
    code = city_list[2].credit_code
    response = signed_in(client, personas["city_ee_officer"]).get(LIST_URL, {"q": code[-8:].lower()})
    assert listed_names(response) == ["沙河玻璃有限公司"]


def test_list_ignores_unknown_filter_value(client, personas, city_list):
    response = signed_in(client, personas["city_ee_officer"]).get(LIST_URL, {"grade": "Z", "sort": "drop table"})
    assert response.status_code == 200
    assert len(listed_names(response)) == 4


def test_county_officer_cannot_filter_other_region(client, personas, city_list, region_b):
    response = signed_in(client, personas["county_a_em_officer"]).get(LIST_URL, {"region": region_b.pk})
    assert "沙河玻璃有限公司" not in listed_names(response)


def test_list_shows_count(client, personas, city_list):
    response = signed_in(client, personas["city_ee_officer"]).get(LIST_URL, {"grade": "A"})
    assert response.context["page_obj"].paginator.count == 1


def test_list_sorts_by_name_descending(client, personas, city_list):
    response = signed_in(client, personas["city_ee_officer"]).get(LIST_URL, {"sort": "-name"})
    names = listed_names(response)
    assert names == sorted(names, reverse=True)


def test_list_pages_by_page_size(client, personas, region_a):
    for number in range(23):
        register(region_a, f"分页测试企业{number:02d}")
    response = signed_in(client, personas["city_ee_officer"]).get(LIST_URL, {"page_size": "20", "page": "2"})
    assert len(listed_names(response)) == 3


def test_list_rejects_odd_page_size(client, personas, region_a):
    for number in range(23):
        register(region_a, f"分页测试企业{number:02d}")
    response = signed_in(client, personas["city_ee_officer"]).get(LIST_URL, {"page_size": "100000"})
    assert len(listed_names(response)) == 20


def test_list_page_links_keep_filters(client, personas, region_a):
    for number in range(23):
        register(region_a, f"分页测试企业{number:02d}")
    response = signed_in(client, personas["city_ee_officer"]).get(LIST_URL, {"q": "分页", "page_size": "20"})
    assert "?q=%E5%88%86%E9%A1%B5&amp;page_size=20&amp;page=2" in response.content.decode()


def test_list_query_count_is_fixed(client, personas, region_a, django_assert_num_queries):
    for number in range(30):
        register(region_a, f"查询测试企业{number:02d}")
    signed_in(client, personas["city_ee_officer"])
    # Session, user, agency, count, region choices, one page joined with its regions,
    # the unread count in the top bar, and the idle-timeout session save (savepoint,
    # update, release).
    with django_assert_num_queries(10):
        client.get(LIST_URL)


def test_list_offers_new_button_to_officer(client, personas):
    response = signed_in(client, personas["city_em_officer"]).get(LIST_URL)
    assert CREATE_URL in response.content.decode()


def test_list_hides_new_button_from_expert(client, personas):
    response = signed_in(client, personas["city_expert"]).get(LIST_URL)
    assert CREATE_URL not in response.content.decode()


def test_list_forbidden_for_administrator(client, personas):
    response = signed_in(client, personas["system_admin"]).get(LIST_URL)
    assert response.status_code == 403


def test_list_sends_contact_to_own_page(client, personas, city_list):
    contact = make_user("contact_glass", role=Role.ENTERPRISE, enterprise=city_list[2])
    response = signed_in(client, contact).get(LIST_URL)
    assert response.url == reverse("enterprises:detail", args=[city_list[2].pk])


def test_list_requires_sign_in(client):
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- export ------------------------------------------------------------------------------


def exported_sheet(response):
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    return workbook.active


def test_export_is_xlsx_attachment(client, personas, city_list):
    response = signed_in(client, personas["city_ee_officer"]).get(EXPORT_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert response["Content-Disposition"].startswith("attachment;")


def test_export_follows_filters(client, personas, city_list, region_b):
    response = signed_in(client, personas["city_ee_officer"]).get(EXPORT_URL, {"region": region_b.pk, "grade": "A"})
    sheet = exported_sheet(response)
    assert sheet.max_row == 2
    assert sheet.cell(row=2, column=2).value == "沙河玻璃有限公司"


def test_export_ignores_pagination(client, personas, region_a):
    for number in range(25):
        register(region_a, f"导出测试企业{number:02d}")
    response = signed_in(client, personas["city_ee_officer"]).get(EXPORT_URL, {"page_size": "20", "page": "2"})
    assert exported_sheet(response).max_row == 26


def test_export_keeps_scope(client, personas, city_list):
    response = signed_in(client, personas["county_a_em_officer"]).get(EXPORT_URL)
    names = [row[1] for row in exported_sheet(response).iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["信都热力有限公司", "信都钢铁有限公司"]


def test_export_writes_code_as_text(client, personas, region_a):
    enterprise = register(region_a, "全数字代码企业", credit_code=credit_code_for(REGION_A, serial=123456789))
    response = signed_in(client, personas["city_ee_officer"]).get(EXPORT_URL)
    cell = exported_sheet(response).cell(row=2, column=3)
    assert cell.value == enterprise.credit_code
    assert cell.data_type == "s"
    assert cell.number_format == "@"


def test_export_writes_phone_as_text(client, personas, city_list):
    response = signed_in(client, personas["city_ee_officer"]).get(EXPORT_URL, {"non_interruptible": "1"})
    sheet = exported_sheet(response)
    headers = [cell.value for cell in sheet[1]]
    with translation.override("zh-hans"):
        label = str(Enterprise._meta.get_field("contact_phone").verbose_name)
    cell = sheet.cell(row=2, column=headers.index(label) + 1)
    assert cell.value == "13800000001"
    assert cell.number_format == "@"


def test_export_forbidden_for_administrator(client, personas):
    response = signed_in(client, personas["audit_admin"]).get(EXPORT_URL)
    assert response.status_code == 403


def test_export_forbidden_for_contact(client, personas, city_list):
    contact = make_user("contact_glass", role=Role.ENTERPRISE, enterprise=city_list[2])
    response = signed_in(client, contact).get(EXPORT_URL)
    assert response.status_code == 403


# --- detail ------------------------------------------------------------------------------


def test_detail_shows_registry_data(client, personas, city_list):
    enterprise = city_list[0]
    response = signed_in(client, personas["city_ee_officer"]).get(reverse("enterprises:detail", args=[enterprise.pk]))
    assert enterprise.credit_code in response.content.decode()


def test_detail_shows_change_history(client, personas, region_a):
    enterprise = register(region_a, "旧名称有限公司")
    update_enterprise(enterprise, actor=personas["city_ee_officer"], name="新名称有限公司")
    response = signed_in(client, personas["city_em_officer"]).get(reverse("enterprises:detail", args=[enterprise.pk]))
    changes = response.context["history"][0].changes
    assert [(change.old, change.new) for change in changes] == [("旧名称有限公司", "新名称有限公司")]


def test_detail_history_names_field(client, personas, region_a):
    enterprise = register(region_a, "旧名称有限公司")
    update_enterprise(enterprise, actor=personas["city_ee_officer"], name="新名称有限公司")
    response = signed_in(client, personas["city_em_officer"]).get(reverse("enterprises:detail", args=[enterprise.pk]))
    assert response.context["history"][0].changes[0].label == capfirst(Enterprise._meta.get_field("name").verbose_name)


def test_detail_lists_contact_accounts(client, personas, city_list):
    make_user("contact_steel", role=Role.ENTERPRISE, enterprise=city_list[0])
    response = signed_in(client, personas["city_ee_officer"]).get(reverse("enterprises:detail", args=[city_list[0].pk]))
    assert "contact_steel" in response.content.decode()


def test_detail_out_of_scope_is_404(client, personas, city_list):
    response = signed_in(client, personas["county_a_em_officer"]).get(reverse("enterprises:detail", args=[city_list[2].pk]))
    assert response.status_code == 404


def test_detail_missing_is_404(client, personas):
    response = signed_in(client, personas["city_ee_officer"]).get(reverse("enterprises:detail", args=[999999]))
    assert response.status_code == 404


def test_contact_sees_own_enterprise(client, personas, city_list):
    contact = make_user("contact_glass", role=Role.ENTERPRISE, enterprise=city_list[2])
    response = signed_in(client, contact).get(reverse("enterprises:detail", args=[city_list[2].pk]))
    assert response.status_code == 200


def test_contact_page_hides_history(client, personas, city_list):
    contact = make_user("contact_glass", role=Role.ENTERPRISE, enterprise=city_list[2])
    response = signed_in(client, contact).get(reverse("enterprises:detail", args=[city_list[2].pk]))
    assert response.context["history"] is None


def test_contact_other_enterprise_is_404(client, personas, city_list):
    contact = make_user("contact_glass", role=Role.ENTERPRISE, enterprise=city_list[2])
    response = signed_in(client, contact).get(reverse("enterprises:detail", args=[city_list[3].pk]))
    assert response.status_code == 404


# --- create ------------------------------------------------------------------------------


def test_create_form_marks_required_fields(client, personas):
    response = signed_in(client, personas["city_ee_officer"]).get(CREATE_URL)
    assert '<label for="id_credit_code" class="required">' in response.content.decode()


def test_create_form_shows_help_text(client, personas):
    response = signed_in(client, personas["city_ee_officer"]).get(CREATE_URL)
    assert 'id="id_credit_code_helptext"' in response.content.decode()


def test_create_post_registers_enterprise(client, personas, region_a):
    data = form_data(region_a)
    response = signed_in(client, personas["county_a_ee_officer"]).post(CREATE_URL, data)
    enterprise = Enterprise.objects.get(credit_code=data["credit_code"])
    assert response.url == reverse("enterprises:detail", args=[enterprise.pk])
    assert AuditEntry.objects.filter(action="enterprise.create", object_id=str(enterprise.pk)).exists()


def test_create_post_normalises_full_width_code(client, personas, region_a):
    code = credit_code_for(REGION_A)
    full_width = "".join(chr(ord(char) + 0xFEE0) for char in code.lower())
    signed_in(client, personas["city_ee_officer"]).post(CREATE_URL, form_data(region_a, credit_code=full_width))
    assert Enterprise.objects.filter(credit_code=code).exists()


def test_create_bad_code_error_beside_field(client, personas, region_a):
    response = signed_in(client, personas["city_ee_officer"]).post(
        CREATE_URL, form_data(region_a, credit_code="91350203M0001QAY9B")
    )
    assert response.status_code == 200
    assert "91350203M0001QAY9B" in response.context["form"].errors["credit_code"][0]
    assert 'id="id_credit_code_errors"' in response.content.decode()
    assert Enterprise.objects.count() == 0


def test_create_duplicate_code_error_beside_field(client, personas, region_a):
    existing = register(region_a)
    response = signed_in(client, personas["city_ee_officer"]).post(
        CREATE_URL, form_data(region_a, credit_code=existing.credit_code)
    )
    assert existing.credit_code in response.context["form"].errors["credit_code"][0]


def test_create_missing_name_error_beside_field(client, personas, region_a):
    response = signed_in(client, personas["city_ee_officer"]).post(CREATE_URL, form_data(region_a, name=""))
    assert "name" in response.context["form"].errors


def test_county_form_offers_own_region_only(client, personas, region_a):
    response = signed_in(client, personas["county_a_ee_officer"]).get(CREATE_URL)
    assert list(response.context["form"].fields["region"].queryset) == [region_a]


def test_city_form_offers_no_city_region(client, personas):
    response = signed_in(client, personas["city_ee_officer"]).get(CREATE_URL)
    assert Region.objects.get(kind="city") not in response.context["form"].fields["region"].queryset


def test_county_post_other_region_rejected(client, personas, region_b):
    response = signed_in(client, personas["county_a_ee_officer"]).post(CREATE_URL, form_data(region_b))
    assert "region" in response.context["form"].errors
    assert Enterprise.objects.count() == 0


def test_expert_cannot_open_create_form(client, personas):
    response = signed_in(client, personas["city_expert"]).get(CREATE_URL)
    assert response.status_code == 403


def test_expert_post_creates_nothing(client, personas, region_a):
    signed_in(client, personas["city_expert"]).post(CREATE_URL, form_data(region_a))
    assert Enterprise.objects.count() == 0


# --- edit ----------------------------------------------------------------------------------


def edit_url(enterprise):
    return reverse("enterprises:edit", args=[enterprise.pk])


def test_edit_form_shows_current_values(client, personas, city_list):
    response = signed_in(client, personas["city_em_officer"]).get(edit_url(city_list[0]))
    assert response.context["form"].initial["name"] == "信都钢铁有限公司"


def test_edit_post_saves_and_records(client, personas, city_list, region_a):
    enterprise = city_list[0]
    data = form_data(region_a, credit_code=enterprise.credit_code, name="信都钢铁集团有限公司", non_interruptible="on")
    response = signed_in(client, personas["county_a_em_leader"]).post(edit_url(enterprise), data)
    enterprise.refresh_from_db()
    assert response.status_code == 302
    assert enterprise.name == "信都钢铁集团有限公司"
    entry = AuditEntry.objects.get(action="enterprise.update", object_id=str(enterprise.pk))
    assert entry.changes["name"] == ["信都钢铁有限公司", "信都钢铁集团有限公司"]


def test_edit_bad_code_keeps_stored_row(client, personas, city_list, region_a):
    enterprise = city_list[0]
    data = form_data(region_a, credit_code="91350203M0001QAY9B", name="改名")
    response = signed_in(client, personas["city_em_officer"]).post(edit_url(enterprise), data)
    enterprise.refresh_from_db()
    assert "credit_code" in response.context["form"].errors
    assert enterprise.name == "信都钢铁有限公司"


def test_edit_out_of_scope_is_404(client, personas, city_list):
    response = signed_in(client, personas["county_a_em_officer"]).get(edit_url(city_list[2]))
    assert response.status_code == 404


def test_expert_cannot_open_edit_form(client, personas, city_list):
    response = signed_in(client, personas["city_expert"]).get(edit_url(city_list[0]))
    assert response.status_code == 403


def test_contact_cannot_edit_own_enterprise(client, personas, city_list):
    contact = make_user("contact_glass", role=Role.ENTERPRISE, enterprise=city_list[2])
    response = signed_in(client, contact).get(edit_url(city_list[2]))
    assert response.status_code == 403


def test_create_bad_phone_error_beside_field(client, personas, region_a):
    response = signed_in(client, personas["city_ee_officer"]).post(CREATE_URL, form_data(region_a, contact_phone="abc"))
    assert "abc" in response.context["form"].errors["contact_phone"][0]


def test_create_bad_industry_code_error_beside_field(client, personas, region_a):
    response = signed_in(client, personas["city_ee_officer"]).post(CREATE_URL, form_data(region_a, industry_code="x12"))
    assert "X12" in response.context["form"].errors["industry_code"][0]


def test_county_form_preselects_own_region(client, personas, region_a):
    response = signed_in(client, personas["county_a_ee_officer"]).get(CREATE_URL)
    assert response.context["form"]["region"].value() == region_a.pk
