"""Maintenance pages and downloads: the personas matrix, two contacts of different enterprises, docx read back."""

import datetime as dt
import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from anhuan.core.timeutil import format_local
from anhuan.pollution.models import MaintenanceRequest
from anhuan.pollution.services import maintenance as services
from anhuan.pollution.tests.test_maintenance_support import *  # noqa: F401,F403
from anhuan.pollution.tests.test_maintenance_support import request_fields

Status = MaintenanceRequest.Status
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def signed_in(client, user):
    client.force_login(user)
    return client


def staff_urls(pk):
    return [
        reverse("pollution:maintenance-detail", args=[pk]),
        reverse("pollution:maintenance-docx", args=[pk]),
    ]


def portal_urls(pk):
    return [
        reverse("pollution:portal-maintenance-detail", args=[pk]),
        reverse("pollution:portal-maintenance-docx", args=[pk]),
    ]


# Who may open the staff pages of a 信都区 request: 200, 403 (not staff) or 404 (out of scope).
STAFF_MATRIX = {
    "city_ee_officer": 200, "city_em_leader": 200, "county_a_ee_officer": 200, "county_a_em_leader": 200,
    "county_b_ee_officer": 404, "county_b_em_officer": 404, "city_expert": 200, "system_admin": 403,
    "audit_admin": 403,
}


@pytest.mark.parametrize(("persona", "status"), STAFF_MATRIX.items())
def test_staff_pages_by_persona(client, personas, submitted, persona, status):
    signed_in(client, personas[persona])
    for url in staff_urls(submitted.pk):
        assert client.get(url).status_code == status, url


def test_staff_list_hides_other_county(client, personas, submitted):
    response = signed_in(client, personas["county_b_em_officer"]).get(reverse("pollution:maintenance-list"))
    assert submitted.unit not in response.content.decode()


def test_staff_list_shows_own_county(client, personas, submitted):
    response = signed_in(client, personas["county_a_em_officer"]).get(reverse("pollution:maintenance-list"))
    assert f'data-request="{submitted.pk}"' in response.content.decode()


def test_staff_list_filters_overdue(client, personas, submitted):
    client = signed_in(client, personas["county_a_em_officer"])
    assert f'data-request="{submitted.pk}"' not in client.get(reverse("pollution:maintenance-list") + "?overdue=on").content.decode()
    MaintenanceRequest.objects.filter(pk=submitted.pk).update(due_at=timezone.now() - dt.timedelta(days=2, hours=1))
    body = client.get(reverse("pollution:maintenance-list") + "?overdue=on").content.decode()
    assert 'data-overdue="3"' in body


def test_staff_list_filters_status(client, personas, submitted):
    url = reverse("pollution:maintenance-list") + "?status=approved"
    body = signed_in(client, personas["county_a_em_officer"]).get(url).content.decode()
    assert f'data-request="{submitted.pk}"' not in body


def test_staff_cannot_open_draft(client, personas, draft):
    response = signed_in(client, personas["county_a_em_officer"]).get(reverse("pollution:maintenance-detail", args=[draft.pk]))
    assert response.status_code == 404


def test_contact_cannot_open_staff_page(client, contact, submitted):
    response = signed_in(client, contact).get(reverse("pollution:maintenance-detail", args=[submitted.pk]))
    assert response.status_code == 403


def test_other_contact_gets_404(client, other_contact, submitted):
    signed_in(client, other_contact)
    for url in portal_urls(submitted.pk):
        assert client.get(url).status_code == 404, url


def test_other_contact_cannot_act(client, other_contact, draft):
    signed_in(client, other_contact)
    for action in ("submit", "withdraw", "attach"):
        response = client.post(reverse("pollution:portal-maintenance-action", args=[draft.pk, action]))
        assert response.status_code == 404, action
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_other_contact_cannot_fetch_attachment(client, contact, other_contact):
    request = services.create_draft(actor=contact, attachments=[SimpleUploadedFile("方案.pdf", b"%PDF-1.4")], **request_fields())
    url = reverse("pollution:portal-maintenance-attachment", args=[request.pk, request.attachments.get().pk])
    assert signed_in(client, other_contact).get(url).status_code == 404


def test_own_contact_fetches_attachment(client, contact):
    request = services.create_draft(actor=contact, attachments=[SimpleUploadedFile("方案.pdf", b"%PDF-1.4")], **request_fields())
    url = reverse("pollution:portal-maintenance-attachment", args=[request.pk, request.attachments.get().pk])
    response = signed_in(client, contact).get(url)
    assert b"".join(response.streaming_content) == b"%PDF-1.4"


def test_other_contact_list_is_empty(client, other_contact, submitted):
    body = signed_in(client, other_contact).get(reverse("pollution:portal-maintenance-list")).content.decode()
    assert submitted.unit not in body


def test_staff_cannot_open_portal(client, personas, submitted):
    response = signed_in(client, personas["county_a_em_officer"]).get(reverse("pollution:portal-maintenance-detail", args=[submitted.pk]))
    assert response.status_code == 403


def test_portal_form_creates_draft(client, contact):
    start = timezone.now() + dt.timedelta(days=1)
    data = {
        **{key: value for key, value in request_fields().items() if key not in ("planned_start", "planned_end")},
        "planned_start": format_local(start, "%Y-%m-%dT%H:%M"),
        "planned_end": format_local(start + dt.timedelta(hours=6), "%Y-%m-%dT%H:%M"),
        "attachments": [SimpleUploadedFile("作业票.pdf", b"%PDF-1.4")],
    }
    response = signed_in(client, contact).post(reverse("pollution:portal-maintenance-new"), data)
    request = MaintenanceRequest.objects.get()
    assert response.status_code == 302
    assert request.attachments.get().file_name == "作业票.pdf"


def test_portal_form_without_measure_refuses(client, contact, plant):
    plant.warning.status = "lifted"
    plant.warning.save(update_fields=["status"])
    body = signed_in(client, contact).get(reverse("pollution:portal-maintenance-new")).content.decode()
    assert 'id="no-approval-needed"' in body
    assert 'id="request-form"' not in body


def test_portal_submit_and_notice(client, contact, draft):
    signed_in(client, contact).post(reverse("pollution:portal-maintenance-action", args=[draft.pk, "submit"]))
    draft.refresh_from_db()
    body = client.get(reverse("pollution:portal-maintenance-detail", args=[draft.pk])).content.decode()
    assert draft.status == Status.SUBMITTED
    assert 'id="not-approved-notice"' in body


def test_portal_submit_twice_shows_message(client, contact, submitted):
    response = signed_in(client, contact).post(
        reverse("pollution:portal-maintenance-action", args=[submitted.pk, "submit"]), follow=True
    )
    assert 'class="msg error"' in response.content.decode()


def test_decision_form_records_decision(client, personas, submitted):
    url = reverse("pollution:maintenance-action", args=[submitted.pk, "decide"])
    signed_in(client, personas["county_a_ee_officer"]).post(url, {"decision": "verify_by_staff", "opinion": "派员核查"})
    submitted.refresh_from_db()
    assert submitted.status == Status.VERIFYING


def test_other_county_cannot_post_decision(client, personas, submitted):
    url = reverse("pollution:maintenance-action", args=[submitted.pk, "decide"])
    response = signed_in(client, personas["county_b_ee_officer"]).post(url, {"decision": "reject", "opinion": "不同意"})
    assert response.status_code == 404


def test_expert_role_post_decision_forbidden(client, personas, submitted):
    url = reverse("pollution:maintenance-action", args=[submitted.pk, "decide"])
    response = signed_in(client, personas["city_expert"]).post(url, {"decision": "reject", "opinion": "不同意"})
    assert response.status_code == 403


def test_contact_sees_decisions(client, personas, contact, submitted):
    services.record_decision(submitted, actor=personas["county_a_ee_officer"], decision="guide_onsite", opinion="现场指导安全措施")
    body = signed_in(client, contact).get(reverse("pollution:portal-maintenance-detail", args=[submitted.pk])).content.decode()
    assert "现场指导安全措施" in body


def full_review(submitted, personas, experts):
    services.record_decision(submitted, actor=personas["county_a_em_officer"], decision="expert_review", opinion="提请市级论证")
    services.record_decision(submitted, actor=personas["county_a_ee_officer"], decision="approve_on_documents", opinion="环保措施可行")
    services.organise_review(submitted, actor=personas["city_ee_officer"], experts=[experts["wang"], experts["li"]])
    for expert in (experts["wang"], experts["li"]):
        services.record_expert_opinion(submitted, actor=personas["city_em_officer"], expert=expert,
                                       recommendation="approve_with_conditions", opinion=f"{expert.name}：置换合格后可作业。")
    services.record_conclusion(submitted, actor=personas["city_em_officer"], conclusion="approve_with_conditions",
                               text="同意作业，须全程视频监控。")
    services.confirm_conclusion(submitted, actor=personas["city_em_leader"])
    services.confirm_conclusion(submitted, actor=personas["city_ee_leader"])


def docx_text(content):
    document = docx.Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)


def test_docx_contains_request_decisions_review(client, personas, contact, submitted, experts):
    full_review(submitted, personas, experts)
    text = docx_text(signed_in(client, contact).get(reverse("pollution:portal-maintenance-docx", args=[submitted.pk])).content)
    assert "2号反应釜" in text
    assert "提请市级论证" in text
    assert "王工：置换合格后可作业。" in text
    assert "同意作业，须全程视频监控。" in text


def test_staff_docx_reads_back(client, personas, submitted):
    response = signed_in(client, personas["city_ee_officer"]).get(reverse("pollution:maintenance-docx", args=[submitted.pk]))
    assert "信都化工有限公司" in docx_text(response.content)
    assert "attachment;" in response["Content-Disposition"]


def test_contact_sees_review_and_approval(client, personas, contact, submitted, experts):
    full_review(submitted, personas, experts)
    body = signed_in(client, contact).get(reverse("pollution:portal-maintenance-detail", args=[submitted.pk])).content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Status.APPROVED
    assert 'data-conclusion="approve_with_conditions"' in body
    assert 'id="not-approved-notice"' not in body


def test_detail_shows_forms_by_action(client, personas, submitted, experts):
    services.record_decision(submitted, actor=personas["county_a_em_officer"], decision="expert_review", opinion="提请论证")
    body = signed_in(client, personas["city_em_officer"]).get(reverse("pollution:maintenance-detail", args=[submitted.pk])).content.decode()
    assert 'id="review-form"' in body
    assert 'id="confirm-form"' not in body
