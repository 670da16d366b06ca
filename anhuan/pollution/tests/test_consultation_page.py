"""The consultation page: header, counts, the filtered plan table and the action forms."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from anhuan.pollution.models import Confirmation, Consultation, Opinion
from anhuan.pollution.services.consultations import confirm_plan
from anhuan.pollution.tests.consultation_fixtures import (  # noqa: F401
    REGION_B,
    add_item,
    city_event,
    county_a_event,
    make_enterprise,
    write_conclusion,
)


@pytest.fixture
def browse(client):
    """Return a function that signs a persona in and GETs a URL in English."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    def get(user, url, **params):
        client.force_login(user)
        return client.get(url, params)

    return get


def detail_url(event):
    return reverse("pollution:consultation-detail", args=[event.id])


def item_names(response):
    return [item.enterprise_name for item in response.context["page"]]


def test_header_shows_level_and_times(browse, city_event, personas):
    html = browse(personas["city_ee_officer"], detail_url(city_event)).content.decode()
    assert '<span class="tag tag-orange">orange (level II)</span>' in html
    assert "2026-12-05 08:00" in html
    assert "2026-12-05 20:00" in html
    assert "12 hours" in html
    assert "the whole city" in html


def test_flag_counts_cover_visible_items(browse, city_event, personas):
    response = browse(personas["city_ee_officer"], detail_url(city_event))
    counts = {flag["value"]: flag["count"] for flag in response.context["flag_counts"]}
    assert response.context["total_items"] == 4
    assert counts["insufficient_lead_time"] == 1
    assert counts["onsite_guidance_required"] == 1
    assert counts["autonomous"] == 1


def test_items_show_measure_and_flags(browse, city_event, personas):
    html = browse(personas["city_em_officer"], detail_url(city_event)).content.decode()
    assert "信都钢铁有限公司" in html
    assert '<span class="tag tag-red" data-flag="insufficient_lead_time">insufficient lead time</span>' in html
    assert '<span class="tag tag-yellow" data-flag="non_interruptible">non-interruptible</span>' in html
    assert "2026-12-06 02:00" in html
    assert re.search(r"<td>limit.*?</td>\s*<td data-column=\"limit_percent\">30</td>", html, re.S)


def test_county_officer_sees_own_region_items(browse, city_event, personas):
    response = browse(personas["county_a_em_officer"], detail_url(city_event))
    assert sorted(item_names(response)) == ["信都涂料有限公司", "信都钢铁有限公司"]
    assert response.context["total_items"] == 2


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"flag": "onsite_guidance_required"}, ["沙河玻璃有限公司"]),
        ({"flag": "autonomous"}, ["信都涂料有限公司"]),
        ({"industry": "C30"}, ["沙河砖瓦有限公司", "沙河玻璃有限公司"]),
        ({"industry": "涂料"}, ["信都涂料有限公司"]),
        ({"grade": "D"}, ["沙河砖瓦有限公司"]),
        ({"q": "钢铁"}, ["信都钢铁有限公司"]),
    ],
)
def test_filters_narrow_items(browse, city_event, personas, params, expected):
    response = browse(personas["city_ee_officer"], detail_url(city_event), **params)
    assert sorted(item_names(response)) == sorted(expected)


def test_region_filter_narrows_items(browse, city_event, personas, region_b):
    response = browse(personas["city_ee_officer"], detail_url(city_event), region=region_b.id)
    assert sorted(item_names(response)) == ["沙河玻璃有限公司", "沙河砖瓦有限公司"]


def test_keyword_matches_credit_code(browse, city_event, personas):
    code = city_event.items["glass"].credit_code
    response = browse(personas["city_ee_officer"], detail_url(city_event), q=code[-6:])
    assert item_names(response) == ["沙河玻璃有限公司"]


def test_invalid_filter_is_reported_and_ignored(browse, city_event, personas):
    response = browse(personas["city_ee_officer"], detail_url(city_event), flag="nonsense")
    assert "flag" in response.context["filters"].errors
    assert len(item_names(response)) == 4


def test_sort_by_enterprise_descending(browse, city_event, personas):
    response = browse(personas["city_ee_officer"], detail_url(city_event), sort="-enterprise")
    names = item_names(response)
    assert names == sorted(names, reverse=True)


def test_sort_by_region_puts_xindu_first(browse, city_event, personas):
    response = browse(personas["city_ee_officer"], detail_url(city_event), sort="region")
    assert [item.region.code for item in response.context["page"]][:2] == ["130503", "130503"]


def test_page_size_splits_pages(browse, city_event, personas):
    brick = city_event.items["brick"].enterprise
    for number in range(30):
        add_item(city_event, brick, production_line=f"{number}号窑")
    first = browse(personas["city_ee_officer"], detail_url(city_event), page_size=20)
    third = browse(personas["city_ee_officer"], detail_url(city_event), page_size=20, page=2)
    assert len(first.context["page"]) == 20
    assert len(third.context["page"]) == 14
    assert "Page 1 of 2" in first.content.decode()


def count_page_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_page_query_count_does_not_grow(client, city_event, personas):
    client.force_login(personas["city_em_leader"])
    url = detail_url(city_event)
    client.get(url)
    small = count_page_queries(client, url)
    brick = city_event.items["brick"].enterprise
    for number in range(40):
        add_item(city_event, brick, production_line=f"{number}号窑", flags=["insufficient_lead_time"])
    assert count_page_queries(client, url) == small
    # Sixteen for the page, one for the unread count in the top bar.
    assert small <= 17


# --- Forms shown per role -------------------------------------------------------------------


def test_officer_sees_opinion_and_conclusion_forms(browse, city_event, personas):
    html = browse(personas["city_em_officer"], detail_url(city_event)).content.decode()
    assert 'id="opinion-form"' in html
    assert 'id="conclusion-form"' in html
    assert 'id="confirm-form"' not in html


def test_expert_sees_no_forms(browse, city_event, personas):
    html = browse(personas["city_expert"], detail_url(city_event)).content.decode()
    assert 'id="opinion-form"' not in html
    assert 'id="conclusion-form"' not in html


def test_leader_sees_blocker_without_conclusion(browse, city_event, personas):
    html = browse(personas["city_em_leader"], detail_url(city_event)).content.decode()
    assert 'id="confirm-form"' not in html
    assert "Write the consultation&#x27;s conclusions before confirming the plan." in html


def test_leader_sees_confirm_button_with_warning(browse, city_event, personas):
    write_conclusion(city_event.consultation)
    html = browse(personas["city_em_leader"], detail_url(city_event)).content.decode()
    assert 'id="confirm-form"' in html
    assert "the plan is frozen and can no longer change" in html


def test_county_leader_told_city_leader_confirms(browse, city_event, personas):
    write_conclusion(city_event.consultation)
    html = browse(personas["county_a_em_leader"], detail_url(city_event)).content.decode()
    assert 'id="confirm-form"' not in html
    assert "only a city-level leader may confirm its plan" in html


def test_confirmed_page_hides_forms(browse, city_event, personas):
    consultation = write_conclusion(city_event.consultation)
    confirm_plan(consultation, actor=personas["city_em_leader"])
    confirm_plan(consultation, actor=personas["city_ee_leader"])
    html = browse(personas["city_em_officer"], detail_url(city_event)).content.decode()
    assert 'id="opinion-form"' not in html
    assert 'id="conclusion-form"' not in html
    assert "it is frozen" in html


# --- Posting the forms ----------------------------------------------------------------------


def test_posting_opinion_records_it(client, city_event, personas):
    client.force_login(personas["county_b_ee_officer"])
    url = reverse("pollution:consultation-opinion", args=[city_event.id])
    response = client.post(url, {"text": "沙河市分局同意。"})
    assert response.status_code == 302
    assert response.url == detail_url(city_event)
    assert Opinion.objects.get().agency_name == "邢台市生态环境局沙河市分局"


def test_empty_opinion_shows_form_error(client, city_event, personas):
    client.force_login(personas["city_em_officer"])
    response = client.post(reverse("pollution:consultation-opinion", args=[city_event.id]), {"text": ""})
    assert response.status_code == 400
    assert response.context["opinion_form"].errors["text"]
    assert not Opinion.objects.exists()


def test_expert_posting_opinion_gets_403(client, city_event, personas):
    client.force_login(personas["city_expert"])
    response = client.post(reverse("pollution:consultation-opinion", args=[city_event.id]), {"text": "同意。"})
    assert response.status_code == 403


def test_posting_conclusion_saves_fields(client, city_event, personas):
    client.force_login(personas["city_ee_officer"])
    response = client.post(
        reverse("pollution:consultation-conclusion", args=[city_event.id]),
        {"conclusion": "同意。", "held_at": "2026-12-05 10:00", "attendees": "张三", "document_number": "邢环〔2026〕12号"},
    )
    assert response.status_code == 302
    consultation = Consultation.objects.get(event=city_event)
    assert consultation.document_number == "邢环〔2026〕12号"
    assert consultation.held_at.isoformat() == "2026-12-05T02:00:00+00:00"


def test_bad_number_shows_field_error(client, city_event, personas):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(personas["city_ee_officer"])
    response = client.post(
        reverse("pollution:consultation-conclusion", args=[city_event.id]),
        {"conclusion": "同意。", "document_number": "邢环【2026】12号"},
    )
    assert response.status_code == 400
    assert "hexagonal brackets" in response.context["conclusion_form"].errors["document_number"][0]


def test_posting_confirm_records_confirmation(client, city_event, personas):
    write_conclusion(city_event.consultation)
    client.force_login(personas["city_em_leader"])
    response = client.post(reverse("pollution:consultation-confirm", args=[city_event.id]))
    assert response.status_code == 302
    assert Confirmation.objects.get().department == "emergency"


def test_confirm_without_conclusion_shows_message(client, city_event, personas):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(personas["city_em_leader"])
    response = client.post(reverse("pollution:consultation-confirm", args=[city_event.id]), follow=True)
    assert "Write the consultation&#x27;s conclusions before confirming the plan." in response.content.decode()
    assert not Confirmation.objects.exists()


def test_officer_posting_confirm_gets_403(client, city_event, personas):
    write_conclusion(city_event.consultation)
    client.force_login(personas["city_em_officer"])
    response = client.post(reverse("pollution:consultation-confirm", args=[city_event.id]))
    assert response.status_code == 403


def test_other_county_posting_gets_404(client, county_a_event, personas):
    client.force_login(personas["county_b_em_officer"])
    response = client.post(reverse("pollution:consultation-opinion", args=[county_a_event.id]), {"text": "同意。"})
    assert response.status_code == 404


def test_second_region_item_hidden_from_county(browse, county_a_event, personas):
    add_item(county_a_event, make_enterprise("沙河外区企业有限公司", REGION_B))
    response = browse(personas["county_a_ee_officer"], detail_url(county_a_event))
    assert item_names(response) == ["信都化工有限公司"]


def test_page_size_select_shows_default(browse, city_event, personas):
    html = browse(personas["city_ee_officer"], detail_url(city_event)).content.decode()
    assert '<option value="50" selected>' in html
