"""Referral pages: the persona matrix, filters, the new form, actions, file downloads and statistics."""

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from anhuan.core.timeutil import format_local
from anhuan.organizations.models import Department
from anhuan.sharing.models import Referral, ReferralFile
from anhuan.sharing.tests.test_referrals_support import *  # noqa: F401,F403
from anhuan.sharing.tests.test_referrals_support import REGION_A, agency, make_referral, pdf

Status = Referral.Status
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def signed_in(client, user):
    client.force_login(user)
    return client


def page_urls(referral):
    stored = ReferralFile.objects.get(referral=referral)
    return [
        reverse("sharing:referral-detail", args=[referral.pk]),
        reverse("sharing:referral-file", args=[stored.pk]),
    ]


# Who may open a 信都区 referral and its file: 200, 403 (not staff) or 404 (out of scope).
DETAIL_MATRIX = {
    "city_ee_officer": 200, "city_em_leader": 200, "county_a_ee_officer": 200, "county_a_em_officer": 200,
    "county_a_em_leader": 200, "county_b_ee_officer": 404, "county_b_em_officer": 404, "city_expert": 200,
    "system_admin": 403, "audit_admin": 403,
}


@pytest.mark.parametrize(("persona", "status"), DETAIL_MATRIX.items())
def test_detail_and_file_by_persona(client, personas, sent, persona, status):
    signed_in(client, personas[persona])
    for url in page_urls(sent):
        assert client.get(url).status_code == status, url


def test_contact_gets_403(client, personas, sent, plant):
    from conftest import make_user

    signed_in(client, make_user("plant_contact", enterprise=plant))
    for name in ("sharing:referral-list", "sharing:referral-new", "sharing:referral-stats"):
        assert client.get(reverse(name)).status_code == 403, name


@pytest.mark.parametrize("name", ["sharing:referral-list", "sharing:referral-new", "sharing:referral-stats"])
def test_admin_gets_403(client, personas, name):
    assert signed_in(client, personas["system_admin"]).get(reverse(name)).status_code == 403


def test_file_download_returns_content(client, personas, sent):
    stored = ReferralFile.objects.get(referral=sent)
    response = signed_in(client, personas["county_a_em_officer"]).get(reverse("sharing:referral-file", args=[stored.pk]))
    assert b"".join(response.streaming_content) == b"%PDF-1.4 evidence"


# --- List ----------------------------------------------------------------------------------------------


def listed(client, user, query=""):
    body = signed_in(client, user).get(reverse("sharing:referral-list") + query).content.decode()
    return {int(pk) for pk in re.findall(r'data-referral="(\d+)"', body)}


def test_list_shows_own_county(client, personas, sent):
    assert listed(client, personas["county_a_em_officer"]) == {sent.pk}


def test_list_hides_other_county(client, personas, sent):
    assert listed(client, personas["county_b_em_officer"]) == set()


def test_list_filters_direction_sent(client, personas, sent):
    assert listed(client, personas["county_a_em_officer"], "?direction=sent") == set()


def test_list_filters_direction_received(client, personas, sent):
    assert listed(client, personas["county_a_em_officer"], "?direction=received") == {sent.pk}


def test_list_filters_status(client, personas, sent):
    assert listed(client, personas["county_a_em_officer"], "?status=closed") == set()


def test_list_filters_region(client, personas, sent, region_b):
    assert listed(client, personas["city_ee_officer"], f"?region={region_b.pk}") == set()


def test_list_filters_date(client, personas, sent):
    tomorrow = format_local(timezone.now() + dt.timedelta(days=1), "%Y-%m-%d")
    assert listed(client, personas["city_ee_officer"], f"?sent_from={tomorrow}") == set()


def test_list_filters_overdue(client, personas, sent, plant):
    make_referral(personas["county_a_ee_officer"], enterprise=plant, subject="未超期")
    Referral.objects.filter(pk=sent.pk).update(deadline=timezone.now() - dt.timedelta(days=2, hours=1))
    assert listed(client, personas["county_a_em_officer"], "?overdue=on") == {sent.pk}


def test_list_tags_overdue_days(client, personas, sent):
    Referral.objects.filter(pk=sent.pk).update(deadline=timezone.now() - dt.timedelta(days=2, hours=1))
    body = signed_in(client, personas["county_a_em_officer"]).get(reverse("sharing:referral-list")).content.decode()
    assert 'data-overdue="3">Overdue by 3 days<' in body


# --- New referral --------------------------------------------------------------------------------------


def new_form(plant, **changes):
    values = {
        "receiver": agency(Department.EMERGENCY, REGION_A).pk,
        "enterprise": plant.pk,
        "facility": "VOCs回收装置",
        "subject": "VOCs回收装置未做安全论证",
        "description": "现场检查发现该装置未开展安全论证。",
        "deadline": format_local(timezone.now() + dt.timedelta(days=7), "%Y-%m-%dT%H:%M"),
        "files": pdf("现场照片.pdf"),
    }
    values.update(changes)
    return values


def test_new_form_sends_referral(client, personas, plant, media_root):
    response = signed_in(client, personas["county_a_ee_officer"]).post(reverse("sharing:referral-new"), new_form(plant))
    referral = Referral.objects.get()
    assert response.url == reverse("sharing:referral-detail", args=[referral.pk])


def test_new_form_stores_file(client, personas, plant, media_root):
    signed_in(client, personas["county_a_ee_officer"]).post(reverse("sharing:referral-new"), new_form(plant))
    assert list(ReferralFile.objects.values_list("file_name", flat=True)) == ["现场照片.pdf"]


def test_new_form_reads_beijing_time(client, personas, plant, media_root):
    deadline = (timezone.now() + dt.timedelta(days=7)).replace(second=0, microsecond=0)
    form = new_form(plant, deadline=format_local(deadline, "%Y-%m-%dT%H:%M"))
    signed_in(client, personas["county_a_ee_officer"]).post(reverse("sharing:referral-new"), form)
    assert Referral.objects.get().deadline == deadline


def test_new_form_rejects_past_deadline(client, personas, plant, media_root):
    past = format_local(timezone.now() - dt.timedelta(days=1), "%Y-%m-%dT%H:%M")
    response = signed_in(client, personas["county_a_ee_officer"]).post(
        reverse("sharing:referral-new"), new_form(plant, deadline=past)
    )
    assert "The deadline must be in the future." in response.content.decode()


def test_new_form_offers_only_own_county(client, personas):
    response = signed_in(client, personas["county_a_ee_officer"]).get(reverse("sharing:referral-new"))
    assert [agency.pk for agency in response.context["form"].fields["receiver"].queryset] == [
        agency(Department.EMERGENCY, REGION_A).pk
    ]


def test_new_form_rejects_other_county_receiver(client, personas, plant, media_root):
    other = agency(Department.EMERGENCY, "130582").pk
    response = signed_in(client, personas["county_a_ee_officer"]).post(
        reverse("sharing:referral-new"), new_form(plant, receiver=other)
    )
    assert response.status_code == 400


def test_expert_cannot_open_new_form(client, personas):
    assert signed_in(client, personas["city_expert"]).get(reverse("sharing:referral-new")).status_code == 403


# --- Actions -------------------------------------------------------------------------------------------


def act(client, user, referral, **data):
    return signed_in(client, user).post(reverse("sharing:referral-act", args=[referral.pk]), data, follow=True)


def test_detail_offers_acknowledge_to_receiver(client, personas, sent):
    body = signed_in(client, personas["county_a_em_officer"]).get(
        reverse("sharing:referral-detail", args=[sent.pk])).content.decode()
    assert 'id="acknowledge-form"' in body


def test_detail_offers_nothing_to_sender(client, personas, sent):
    body = signed_in(client, personas["county_a_ee_officer"]).get(
        reverse("sharing:referral-detail", args=[sent.pk])).content.decode()
    assert 'id="acknowledge-form"' not in body


def test_act_acknowledges(client, personas, sent):
    act(client, personas["county_a_em_officer"], sent, action="acknowledge")
    sent.refresh_from_db()
    assert sent.status == Status.ACKNOWLEDGED


def test_act_report_with_file(client, personas, sent):
    em = personas["county_a_em_officer"]
    act(client, em, sent, action="acknowledge")
    act(client, em, sent, action="report", comment="已责令整改。", files=pdf("整改报告.pdf"))
    assert ReferralFile.objects.filter(referral=sent, file_name="整改报告.pdf").exists()


def test_act_wrong_side_shows_message(client, personas, sent):
    response = act(client, personas["county_a_ee_officer"], sent, action="acknowledge")
    assert "Only the receiving agency can acknowledge a referral or report back on it." in response.content.decode()


def test_act_wrong_side_keeps_status(client, personas, sent):
    act(client, personas["county_a_ee_officer"], sent, action="acknowledge")
    sent.refresh_from_db()
    assert sent.status == Status.SENT


def test_act_other_county_is_404(client, personas, sent):
    response = signed_in(client, personas["county_b_em_officer"]).post(
        reverse("sharing:referral-act", args=[sent.pk]), {"action": "acknowledge"})
    assert response.status_code == 404


def test_act_contact_is_403(client, personas, sent, plant):
    from conftest import make_user

    signed_in(client, make_user("plant_contact", enterprise=plant))
    assert client.post(reverse("sharing:referral-act", args=[sent.pk]), {"action": "acknowledge"}).status_code == 403


def test_timeline_lists_steps(client, personas, sent):
    act(client, personas["county_a_em_officer"], sent, action="acknowledge", comment="收到。")
    body = signed_in(client, personas["county_a_ee_officer"]).get(
        reverse("sharing:referral-detail", args=[sent.pk])).content.decode()
    assert body.index('data-action="send"') < body.index('data-action="acknowledge"')


# --- Statistics ----------------------------------------------------------------------------------------


def test_statistics_page_lists_agencies(client, personas, sent):
    response = signed_in(client, personas["county_a_em_leader"]).get(reverse("sharing:referral-stats"))
    assert f'data-agency="{sent.receiver_id}"' in response.content.decode()


def test_statistics_export_is_xlsx(client, personas, sent):
    response = signed_in(client, personas["county_a_em_leader"]).get(reverse("sharing:referral-stats") + "?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    agencies = {row[1].value for row in sheet.iter_rows(min_row=3)}
    assert agencies == {sent.sender.name, sent.receiver.name}


def test_new_form_preselects_county_receiver(client, personas):
    response = signed_in(client, personas["county_a_ee_officer"]).get(reverse("sharing:referral-new"))
    assert response.context["form"].initial["receiver"] == agency(Department.EMERGENCY, REGION_A).pk


def test_statistics_default_to_current_year(client, personas, sent):
    response = signed_in(client, personas["county_a_em_leader"]).get(reverse("sharing:referral-stats"))
    assert response.context["year"] == timezone.localtime().year
