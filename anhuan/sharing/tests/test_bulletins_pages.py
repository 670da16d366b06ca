"""Bulletin pages: the scope matrix, filters, acknowledgement, the ad-hoc form and the Word download."""

import datetime as dt
import re

import docx
import pytest
from django.urls import reverse
from django.utils import timezone

from anhuan.pollution.tests.consultation_fixtures import enterprise_contact  # noqa: F401
from anhuan.sharing.models import Bulletin
from anhuan.sharing.services.bulletins import send_adhoc_bulletin
from anhuan.sharing.tests.bulletin_fixtures import NOW

# County 信都区: EM to EE. Visible to both county A agencies and city staff; not to 沙河市.
DETAIL_MATRIX = [
    ("county_a_em_officer", 200),
    ("county_a_ee_officer", 200),
    ("county_a_ee_leader", 200),
    ("city_ee_officer", 200),
    ("city_em_leader", 200),
    ("city_expert", 200),
    ("county_b_ee_officer", 404),
    ("county_b_em_officer", 404),
    ("system_admin", 403),
    ("audit_admin", 403),
]


@pytest.fixture
def county_bulletin(personas):
    return send_adhoc_bulletin(actor=personas["county_a_em_officer"], title="关于信都区企业安全风险的通报",
                               body="信都焦化有限公司焦炉煤气报警器失效。", now=NOW)


def login(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("persona, status", DETAIL_MATRIX)
def test_detail_follows_scope(client, personas, county_bulletin, persona, status):
    response = login(client, personas[persona]).get(reverse("sharing:bulletin-detail", args=[county_bulletin.pk]))
    assert response.status_code == status


@pytest.mark.parametrize("persona, status", DETAIL_MATRIX)
def test_docx_follows_scope(client, personas, county_bulletin, persona, status):
    response = login(client, personas[persona]).get(reverse("sharing:bulletin-docx", args=[county_bulletin.pk]))
    assert response.status_code == status


@pytest.mark.parametrize("persona, status", [
    ("county_a_em_officer", 200), ("city_ee_officer", 200), ("county_b_ee_officer", 200), ("city_expert", 200),
    ("system_admin", 403), ("audit_admin", 403),
])
def test_list_allows_staff_only(client, personas, persona, status):
    response = login(client, personas[persona]).get(reverse("sharing:bulletin-list"))
    assert response.status_code == status


def test_contact_gets_403_on_list(client, enterprise_contact):
    response = login(client, enterprise_contact).get(reverse("sharing:bulletin-list"))
    assert response.status_code == 403


def test_contact_gets_403_on_detail(client, enterprise_contact, county_bulletin):
    response = login(client, enterprise_contact).get(reverse("sharing:bulletin-detail", args=[county_bulletin.pk]))
    assert response.status_code == 403


def test_anonymous_is_sent_to_login(client, county_bulletin):
    response = client.get(reverse("sharing:bulletin-list"))
    assert response.status_code == 302


def test_list_hides_other_county(client, personas, county_bulletin):
    response = login(client, personas["county_b_ee_officer"]).get(reverse("sharing:bulletin-list"))
    assert f'data-bulletin="{county_bulletin.pk}"' not in response.content.decode()


def test_list_direction_filter(client, personas, county_bulletin):
    url = reverse("sharing:bulletin-list")
    client = login(client, personas["county_a_ee_officer"])
    received = client.get(url, {"direction": "received"}).content.decode()
    sent = client.get(url, {"direction": "sent"}).content.decode()
    assert f'data-bulletin="{county_bulletin.pk}"' in received
    assert f'data-bulletin="{county_bulletin.pk}"' not in sent


def test_list_status_filter(client, personas, county_bulletin):
    response = login(client, personas["county_a_ee_officer"]).get(reverse("sharing:bulletin-list"), {"status": "acknowledged"})
    assert f'data-bulletin="{county_bulletin.pk}"' not in response.content.decode()


def test_list_date_filter_uses_local_days(client, personas, county_bulletin):
    url = reverse("sharing:bulletin-list")
    client = login(client, personas["county_a_ee_officer"])
    same_day = client.get(url, {"date_from": "2026-03-11", "date_to": "2026-03-11"}).content.decode()
    next_day = client.get(url, {"date_from": "2026-03-12"}).content.decode()
    assert f'data-bulletin="{county_bulletin.pk}"' in same_day
    assert f'data-bulletin="{county_bulletin.pk}"' not in next_day


def test_list_marks_overdue_acknowledgement(client, personas, county_bulletin):
    response = login(client, personas["county_a_ee_officer"]).get(reverse("sharing:bulletin-list"), {"overdue": "on"})
    row = re.search(rf'<tr data-bulletin="{county_bulletin.pk}">.*?</tr>', response.content.decode(), re.S)
    assert row is not None
    assert 'data-overdue="1"' in row.group(0)


def test_overdue_filter_skips_fresh_bulletin(client, personas):
    fresh = send_adhoc_bulletin(actor=personas["county_a_em_officer"], title="新通报", body="内容", now=timezone.now())
    response = login(client, personas["county_a_ee_officer"]).get(reverse("sharing:bulletin-list"), {"overdue": "on"})
    assert f'data-bulletin="{fresh.pk}"' not in response.content.decode()


def test_detail_shows_confirmed_acknowledge_button(client, personas, county_bulletin):
    response = login(client, personas["county_a_ee_officer"]).get(reverse("sharing:bulletin-detail", args=[county_bulletin.pk]))
    html = response.content.decode()
    assert 'id="acknowledge-form"' in html
    assert re.search(r'<button[^>]*data-confirm="[^"]+"[^>]*>', html.split('id="acknowledge-form"')[1])


def test_detail_hides_button_from_sender(client, personas, county_bulletin):
    response = login(client, personas["county_a_em_officer"]).get(reverse("sharing:bulletin-detail", args=[county_bulletin.pk]))
    assert 'id="acknowledge-form"' not in response.content.decode()


def test_acknowledge_post_by_receiver(client, personas, county_bulletin):
    url = reverse("sharing:bulletin-acknowledge", args=[county_bulletin.pk])
    response = login(client, personas["county_a_ee_leader"]).post(url)
    county_bulletin.refresh_from_db()
    assert response.status_code == 302
    assert county_bulletin.acknowledged_by == personas["county_a_ee_leader"]


def test_acknowledge_post_by_sender_is_403(client, personas, county_bulletin):
    url = reverse("sharing:bulletin-acknowledge", args=[county_bulletin.pk])
    response = login(client, personas["county_a_em_officer"]).post(url)
    assert response.status_code == 403


def test_acknowledge_post_by_city_staff_is_403(client, personas, county_bulletin):
    url = reverse("sharing:bulletin-acknowledge", args=[county_bulletin.pk])
    response = login(client, personas["city_ee_officer"]).post(url)
    assert response.status_code == 403


def test_acknowledge_post_out_of_scope_is_404(client, personas, county_bulletin):
    url = reverse("sharing:bulletin-acknowledge", args=[county_bulletin.pk])
    response = login(client, personas["county_b_ee_officer"]).post(url)
    assert response.status_code == 404


def test_second_acknowledge_post_shows_message(client, personas, county_bulletin):
    url = reverse("sharing:bulletin-acknowledge", args=[county_bulletin.pk])
    client = login(client, personas["county_a_ee_officer"])
    client.post(url)
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert 'class="msg error"' in response.content.decode()


def test_acknowledge_get_is_not_allowed(client, personas, county_bulletin):
    url = reverse("sharing:bulletin-acknowledge", args=[county_bulletin.pk])
    response = login(client, personas["county_a_ee_officer"]).get(url)
    assert response.status_code == 405


@pytest.mark.parametrize("persona, status", [
    ("county_a_em_officer", 200), ("city_ee_leader", 200), ("city_expert", 403), ("system_admin", 403),
])
def test_new_form_for_officers_and_leaders(client, personas, persona, status):
    response = login(client, personas[persona]).get(reverse("sharing:bulletin-new"))
    assert response.status_code == status


def test_new_form_names_receiver(client, personas):
    response = login(client, personas["county_a_ee_officer"]).get(reverse("sharing:bulletin-new"))
    assert "信都区应急管理局" in response.content.decode()


def test_new_form_sends_bulletin(client, personas):
    response = login(client, personas["county_a_ee_officer"]).post(
        reverse("sharing:bulletin-new"), {"title": "关于新增RTO焚烧炉的通报", "body": "信都涂料有限公司新建RTO焚烧炉一台。"}
    )
    bulletin = Bulletin.objects.get(title="关于新增RTO焚烧炉的通报")
    assert response.status_code == 302
    assert bulletin.receiver.name == "信都区应急管理局"


def test_new_form_shows_number_error(client, personas):
    response = login(client, personas["county_a_ee_officer"]).post(
        reverse("sharing:bulletin-new"), {"title": "标题", "body": "内容", "document_number": "信都环通【2026】1号"}
    )
    assert response.status_code == 400
    assert 'id="id_document_number-errors"' in response.content.decode()
    assert not Bulletin.objects.exists()


def test_new_form_requires_title(client, personas):
    response = login(client, personas["county_a_ee_officer"]).post(reverse("sharing:bulletin-new"), {"body": "内容"})
    assert response.status_code == 400


def test_docx_download_is_official_bulletin(client, personas, county_bulletin, tmp_path):
    response = login(client, personas["county_a_ee_officer"]).get(reverse("sharing:bulletin-docx", args=[county_bulletin.pk]))
    path = tmp_path / "bulletin.docx"
    path.write_bytes(response.content)
    text = "\n".join(paragraph.text for paragraph in docx.Document(path).paragraphs)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    assert "信都区应急管理局文件" in text
    assert "信都应急通〔2026〕1号" in text
    assert "关于信都区企业安全风险的通报" in text
    assert "邢台市生态环境局信都区分局：" in text


def test_docx_file_name_has_title_and_date(client, personas, county_bulletin):
    response = login(client, personas["county_a_ee_officer"]).get(reverse("sharing:bulletin-docx", args=[county_bulletin.pk]))
    assert "2026-03-11.docx" in response["Content-Disposition"]


def test_detail_shows_periodic_sections(client, personas, county_bulletin):
    Bulletin.objects.filter(pk=county_bulletin.pk).update(content={"sections": [
        {"title": "监管执法", "paragraphs": [], "table": {"header": ["企业"], "rows": [["信都焦化有限公司"]]}},
    ]})
    response = login(client, personas["county_a_ee_officer"]).get(reverse("sharing:bulletin-detail", args=[county_bulletin.pk]))
    assert "<td>信都焦化有限公司</td>" in response.content.decode()


def test_list_query_count_is_constant(client, personas, django_assert_max_num_queries):
    for index in range(5):
        send_adhoc_bulletin(actor=personas["county_a_em_officer"], title=f"通报{index}", body="内容",
                            now=NOW + dt.timedelta(hours=index))
    client = login(client, personas["county_a_ee_officer"])
    with django_assert_max_num_queries(12):
        client.get(reverse("sharing:bulletin-list"))
