"""The overview page: who opens it, what it shows, a bounded number of queries, and the Excel file."""

import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from anhuan.facilities.tests.fixtures import enterprise_a, enterprise_b, new_key_facility  # noqa: F401 (fixtures)
from anhuan.facilities.tests.overview_fixtures import build_county_a, scene  # noqa: F401 (fixture)
from conftest import make_user

pytestmark = pytest.mark.django_db

URL = reverse("facilities:overview")
# Session, user and the page's own reads. The count is the same for a handful of facilities or a city's worth.
MAX_QUERIES = 14


def page(client, user, **params):
    client.force_login(user)
    return client.get(URL, params, HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize(
    "persona", ["city_ee_leader", "city_em_officer", "county_a_ee_officer", "county_a_em_leader", "county_b_em_officer"],
)
def test_staff_of_both_bureaus_open_it(client, personas, persona, scene):
    assert page(client, personas[persona]).status_code == 200


@pytest.mark.parametrize("persona", ["system_admin", "audit_admin"])
def test_admins_get_403(client, personas, persona):
    assert page(client, personas[persona]).status_code == 403
    assert page(client, personas[persona], format="xlsx").status_code == 403


def test_experts_read_it(client, personas, scene):
    """Experts read every register, so the overview their navigation links to opens for them too."""
    expert = personas["city_expert"]
    assert page(client, expert).status_code == 200
    assert page(client, expert, format="xlsx").status_code == 200
    client.force_login(expert)
    assert URL in client.get(reverse("home")).content.decode()


def test_enterprise_contact_gets_403(client, enterprise_a):
    assert page(client, make_user("contact_a", enterprise=enterprise_a)).status_code == 403


def test_county_page_shows_own_figures(client, personas, scene):
    response = page(client, personas["county_a_em_officer"])
    overview = response.context["overview"]
    assert (overview.total, overview.orders_in_force, overview.open_referrals) == (5, 1, 1)
    html = response.content.decode()
    assert 'id="by-type"' in html
    assert 'data-type="rto"' in html
    assert 'id="by-region"' not in html


def test_other_county_page_leaves_out_a(client, personas, scene):
    response = page(client, personas["county_b_ee_officer"])
    html = response.content.decode()
    assert response.context["overview"].total == 1
    assert 'data-type="rto"' not in html
    assert 'data-type="dust"' in html


def test_city_page_has_region_table(client, personas, scene, region_a):
    html = page(client, personas["city_em_leader"]).content.decode()
    assert 'id="by-region"' in html
    assert f'data-region="{region_a.code}"' in html


def test_links_to_other_pages(client, personas, scene):
    html = page(client, personas["city_ee_leader"]).content.decode()
    assert reverse("sharing:referral-list") in html
    assert reverse("facilities:due") in html
    assert reverse("facilities:order-list") in html


def test_queries_bounded_whatever_the_data(client, personas, scene, enterprise_a, django_assert_max_num_queries):
    leader = personas["city_ee_leader"]
    client.force_login(leader)
    with CaptureQueriesContext(connection) as small:
        client.get(URL)

    ee = personas["county_a_ee_officer"]
    for number in range(8):
        new_key_facility(ee, enterprise_a, name=f"新增RTO焚烧炉{number}")
    build_county_a({**personas}, enterprise_a, order_number="信都应急〔2025〕13号")

    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(URL)
    assert response.context["overview"].total == 19
    with CaptureQueriesContext(connection) as large:
        client.get(URL)
    assert len(large) == len(small), [q["sql"][:80] for q in large]


def test_excel_export_reads_back(client, personas, scene, tmp_path, region_a):
    response = page(client, personas["city_ee_leader"], format="xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "key-facilities-overview-" in response["Content-Disposition"]

    path = tmp_path / "overview.xlsx"
    path.write_bytes(b"".join(response.streaming_content) if response.streaming else response.content)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["类型与状态", "按区域", "新建项目进度", "监管事项"]

    by_type = workbook["类型与状态"]
    header = [cell.value for cell in by_type[2]]
    assert header == ["设施类型", "拟建", "在建", "运行", "停用", "拆除", "合计"]
    rows = {row[0]: row[1:] for row in by_type.iter_rows(min_row=3, values_only=True)}
    assert rows["RTO焚烧炉"] == (2, 0, 0, 0, 0, 2)
    assert rows["合计"] == (2, 0, 3, 1, 0, 6)

    regions = {row[0]: row for row in workbook["按区域"].iter_rows(min_row=3, values_only=True)}
    assert regions[region_a.name][1] == 5

    steps = {row[0]: row[1] for row in workbook["新建项目进度"].iter_rows(min_row=3, values_only=True)}
    assert steps["已登记"] == 1
    assert steps["投入运行"] == 1

    matters = {row[0]: row[1] for row in workbook["监管事项"].iter_rows(min_row=3, values_only=True)}
    assert matters["生效的责令停止使用指令"] == 1
    assert matters["未办结的未开展安全论证问题移交"] == 1


def test_county_excel_has_no_region_sheet(client, personas, scene):
    response = page(client, personas["county_b_em_officer"], format="xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "按区域" not in workbook.sheetnames
