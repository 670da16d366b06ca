"""The enterprise file page: content per section, who may open it, the contact's view, query count, timeline."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from conftest import REGION_A, make_user
from anhuan.enterprises.file import get_enterprise_file_for_user
from anhuan.enterprises.tests.file_data import fill_file
from anhuan.pollution.tests.consultation_fixtures import make_enterprise
from anhuan.sharing.models import Bulletin


@pytest.fixture
def steelworks(db):
    enterprise = make_enterprise("信都档案钢铁有限公司", REGION_A, contact_name="王经理")
    fill_file(enterprise, rows=1)
    return enterprise


def file_url(enterprise):
    return f"/enterprises/{enterprise.pk}/file/"


def open_file(client, user, enterprise):
    client.force_login(user)
    return client.get(file_url(enterprise))


# --- Content ---------------------------------------------------------------------------------------


def test_staff_page_lists_every_section(client, personas, steelworks):
    page = open_file(client, personas["county_a_ee_officer"], steelworks).content.decode()

    for key in ("registry", "timeline", "entries", "plan_items", "consultations", "onsite", "documents", "rosters",
                "maintenance", "adhoc", "approvals", "safety_facilities", "env_facilities", "key_facilities",
                "enforcement", "bulletins", "referrals"):
        assert f'id="{key}"' in page, key


def test_staff_page_shows_section_rows(client, personas, steelworks):
    page = open_file(client, personas["county_a_em_officer"], steelworks).content.decode()

    for text in (steelworks.credit_code, "王经理", "1号窑", "现场检查发现1", "停限产方案1.pdf", "1号检修装置",
                 "技改项目1", "邢环审〔2025〕1号", "可燃气体报警器1", "RTO焚烧炉1", "活性炭吸附1", "废气超标排放1",
                 "新增环保设施通报1", "RTO未开展安全论证1"):
        assert text in page, text


def test_key_facility_links_its_page_with_stage(personas, steelworks):
    enterprise_file = get_enterprise_file_for_user(personas["county_a_ee_officer"], steelworks.pk)

    (facility,) = enterprise_file.sections["key_facilities"].rows
    assert facility.name == "RTO焚烧炉1"
    assert facility.page_url == f"/facilities/{facility.pk}/"
    assert facility.stage


def test_contact_sees_own_key_facilities(personas, steelworks):
    contact = make_user("steel_contact", enterprise=steelworks)

    enterprise_file = get_enterprise_file_for_user(contact, steelworks.pk)

    assert [row.name for row in enterprise_file.sections["key_facilities"].rows] == ["RTO焚烧炉1"]
    assert "env_facilities" not in enterprise_file.sections


def test_file_holds_current_and_previous_seasons(personas, steelworks):
    enterprise_file = get_enterprise_file_for_user(personas["city_ee_officer"], steelworks.pk)

    seasons = {entry.reduction_list.year for entry in enterprise_file.sections["entries"].rows}
    current = max(seasons)
    assert seasons == {current, current - 1}


def test_plan_items_only_latest_event(personas, steelworks):
    enterprise_file = get_enterprise_file_for_user(personas["city_ee_officer"], steelworks.pk)

    lines = [item.production_line for item in enterprise_file.sections["plan_items"].rows]
    assert lines == ["1号窑"]


def test_plan_item_shows_flag_label(personas, steelworks):
    enterprise_file = get_enterprise_file_for_user(personas["city_ee_officer"], steelworks.pk)

    item = enterprise_file.sections["plan_items"].rows[0]
    with translation.override("en"):
        assert [str(label) for label in item.flag_labels] == ["insufficient lead time"]


def test_consultations_of_both_events_listed(personas, steelworks):
    enterprise_file = get_enterprise_file_for_user(personas["city_ee_officer"], steelworks.pk)

    assert enterprise_file.sections["consultations"].count == 2


def test_key_facility_marked_and_first(client, personas, steelworks):
    enterprise_file = get_enterprise_file_for_user(personas["city_ee_officer"], steelworks.pk)
    page = open_file(client, personas["city_ee_officer"], steelworks).content.decode()

    facilities = enterprise_file.sections["env_facilities"].rows
    assert [facility.is_key for facility in facilities] == [True, False]
    assert page.count('data-key-facility="1"') == 1


def test_overdue_fine_tagged_no_follow_up(client, personas, steelworks):
    page = open_file(client, personas["city_ee_officer"], steelworks).content.decode()

    assert 'data-follow-up="no_follow_up"' in page


def test_section_counts_in_jump_bar(client, personas, steelworks):
    page = open_file(client, personas["city_ee_officer"], steelworks).content.decode()

    jump_bar = page.split('class="jumpbar"')[1].split("</nav>")[0]
    assert 'href="#env_facilities">' in jump_bar
    assert "(2)" in jump_bar.split('href="#env_facilities">')[1].split("</a>")[0]


def test_bulletin_without_mention_left_out(personas, steelworks):
    other = Bulletin.objects.get()
    other.pk = None
    other.title = "其他企业通报"
    other.content = {"sections": [{"rows": [{"enterprise": "沙河某玻璃有限公司"}]}]}
    other.save()

    enterprise_file = get_enterprise_file_for_user(personas["city_ee_officer"], steelworks.pk)

    titles = [bulletin.title for bulletin in enterprise_file.sections["bulletins"].rows]
    assert titles == ["新增环保设施通报1"]


# --- Who may open it -------------------------------------------------------------------------------

EXPECTED_STATUS = {
    "city_ee_officer": 200,
    "city_ee_leader": 200,
    "city_em_officer": 200,
    "city_em_leader": 200,
    "county_a_ee_officer": 200,
    "county_a_em_officer": 200,
    "county_a_ee_leader": 200,
    "county_a_em_leader": 200,
    "county_b_ee_officer": 404,
    "county_b_em_officer": 404,
    "city_expert": 200,
    "system_admin": 403,
    "audit_admin": 403,
}


@pytest.mark.parametrize("persona", sorted(EXPECTED_STATUS))
def test_file_access_per_persona(client, personas, steelworks, persona):
    response = open_file(client, personas[persona], steelworks)

    assert response.status_code == EXPECTED_STATUS[persona]


def test_own_contact_opens_file(client, steelworks):
    contact = make_user("steel_contact", enterprise=steelworks)

    assert open_file(client, contact, steelworks).status_code == 200


def test_other_contact_gets_not_found(client, steelworks):
    other = make_enterprise("信都其他企业有限公司", REGION_A)
    contact = make_user("other_contact", enterprise=other)

    assert open_file(client, contact, steelworks).status_code == 404


def test_anonymous_redirected_to_login(client, steelworks):
    response = client.get(file_url(steelworks))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- The contact's view ----------------------------------------------------------------------------


@pytest.fixture
def contact_page(client, steelworks):
    contact = make_user("steel_contact", enterprise=steelworks)
    return open_file(client, contact, steelworks).content.decode()


@pytest.mark.parametrize("key", ["registry", "entries", "plan_items", "documents", "rosters", "maintenance", "adhoc"])
def test_contact_sees_own_section(contact_page, key):
    assert f'id="{key}"' in contact_page


@pytest.mark.parametrize("key", ["consultations", "onsite", "approvals", "safety_facilities", "env_facilities",
                                 "enforcement", "bulletins", "referrals"])
def test_contact_misses_bureau_section(contact_page, key):
    assert f'id="{key}"' not in contact_page


@pytest.mark.parametrize("text", ["废气超标排放1", "新增环保设施通报1", "RTO未开展安全论证1", "现场检查发现1"])
def test_contact_page_hides_bureau_records(contact_page, text):
    assert text not in contact_page


def test_contact_page_links_to_portal(contact_page):
    assert "/pollution/portal/rosters/" in contact_page
    assert "/pollution/rosters/" not in contact_page.replace("/pollution/portal/rosters/", "")


# --- Query count -----------------------------------------------------------------------------------


def count_queries(client, user, enterprise):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(file_url(enterprise))
    assert response.status_code == 200
    return len(queries)


def test_query_count_independent_of_rows(client, personas, steelworks):
    large = make_enterprise("信都大型化工有限公司", REGION_A)
    fill_file(large, rows=4)
    officer = personas["county_a_ee_officer"]

    small_count = count_queries(client, officer, steelworks)
    large_count = count_queries(client, officer, large)

    assert large_count == small_count


def test_query_count_stays_bounded(client, personas, steelworks, django_assert_max_num_queries):
    client.force_login(personas["city_em_officer"])

    with django_assert_max_num_queries(30):
        client.get(file_url(steelworks))


# --- Timeline --------------------------------------------------------------------------------------


def test_timeline_newest_first(personas, steelworks):
    enterprise_file = get_enterprise_file_for_user(personas["city_ee_officer"], steelworks.pk)

    times = [event.at for event in enterprise_file.timeline]
    assert times == sorted(times, reverse=True)


def test_timeline_merges_all_kinds(personas, steelworks):
    enterprise_file = get_enterprise_file_for_user(personas["city_ee_officer"], steelworks.pk)

    kinds = {event.kind for event in enterprise_file.timeline}
    assert kinds == {"plan_item", "consultation", "onsite", "document", "roster", "maintenance", "adhoc",
                     "approval", "safety_facility", "env_facility", "enforcement", "bulletin", "referral"}


def test_timeline_rows_link_and_order_on_page(client, personas, steelworks):
    page = open_file(client, personas["city_ee_officer"], steelworks).content.decode()

    timeline = page.split('id="timeline"')[1].split("</details>")[0]
    # On 2025-12-11: the ad-hoc measure takes effect at 15:00, the roster is handed in at 13:00, the
    # visit happens at 12:00, and the approval, dated without a time, counts as 00:00.
    adhoc = timeline.index('data-kind="adhoc"')
    roster = timeline.index('data-kind="roster"')
    onsite = timeline.index('data-kind="onsite"')
    approval = timeline.index('data-kind="approval"')
    assert adhoc < roster
    assert roster < onsite
    assert onsite < approval
    assert '<a href="/pollution/rosters/' in timeline


@pytest.mark.parametrize("prefix", ["/sharing/registers/approvals/", "/sharing/registers/env-facilities/",
                                    "/sharing/registers/enforcement/", "/sharing/bulletins/", "/sharing/referrals/"])
def test_staff_page_links_shared_records(client, personas, steelworks, prefix):
    page = open_file(client, personas["city_ee_officer"], steelworks).content.decode()

    assert f'href="{prefix}' in page
