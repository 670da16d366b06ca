"""A high-risk maintenance request in Chromium, from the enterprise contact to approval after a city expert review.

The contact drafts and submits a hot-work request. The county emergency agency refers it to a
city expert review and the county environment agency approves it on the documents. A city
environment officer organises the review with two independent experts, records their opinions
and the conclusion, and both city leaders confirm it. The contact then sees the approval and
downloads the Word document.
"""

import datetime as dt
import re

import docx
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anhuan.core.timeutil import format_local
from anhuan.organizations.models import Department, Role
from anhuan.pollution.models import MaintenanceRequest
from anhuan.pollution.tests.consultation_fixtures import REGION_A, add_item, make_enterprise, make_event
from anhuan.pollution.tests.test_maintenance_support import make_expert
from conftest import make_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

UNIT = "2号反应釜"
CONCLUSION = "同意作业，须氮气置换合格并全程视频监控。"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def decide(page, live_server, pk, decision, opinion):
    page.goto(f"{live_server.url}/pollution/maintenance/{pk}/")
    page.check(f"#decide-form input[name=decision][value={decision}]")
    page.fill("#decide-form textarea[name=opinion]", opinion)
    page.click("#decide-form button[type=submit]")
    expect(page.locator(".messages .msg.success")).to_be_visible()


def test_request_approved_after_expert_review(walk_page, live_server, tmp_path):
    page = walk_page
    event = make_event(starts_at=timezone.now() - dt.timedelta(hours=2), announced_at=timezone.now() - dt.timedelta(hours=8))
    plant = make_enterprise("信都化工有限公司", REGION_A)
    add_item(event, plant, production_line="合成氨装置", measure_type="halt")
    make_user("plant_contact", enterprise=plant)
    make_user("county_a_em_officer", Department.EMERGENCY, REGION_A)
    make_user("county_a_ee_officer", Department.ENVIRONMENT, REGION_A)
    make_user("city_ee_officer", Department.ENVIRONMENT)
    make_user("city_em_leader", Department.EMERGENCY, role=Role.LEADER)
    make_user("city_ee_leader", Department.ENVIRONMENT, role=Role.LEADER)
    wang = make_expert("王工")
    li = make_expert("李工", department=Department.ENVIRONMENT)
    start = timezone.now() + dt.timedelta(days=1)

    # The contact drafts the request with an attachment and submits it.
    sign_in(page, live_server, "plant_contact")
    page.goto(f"{live_server.url}/pollution/portal/maintenance/")
    page.click("#new-request")
    page.check("input[name=work_types][value=hot_work]")
    page.fill("input[name=unit]", UNIT)
    page.fill("input[name=location]", "一车间东侧")
    page.fill("input[name=planned_start]", format_local(start, "%Y-%m-%dT%H:%M"))
    page.fill("input[name=planned_end]", format_local(start + dt.timedelta(hours=8), "%Y-%m-%dT%H:%M"))
    page.fill("textarea[name=description]", "更换搅拌器密封，需动火焊接。")
    page.fill("textarea[name=risk_analysis]", "釜内残留可燃气体。")
    page.fill("textarea[name=safety_measures]", "氮气置换并检测合格后动火。")
    page.fill("textarea[name=emergency_arrangements]", "应急小组现场待命。")
    ticket = tmp_path / "作业票.pdf"
    ticket.write_bytes(b"%PDF-1.4 ticket")
    page.set_input_files("input[name=attachments]", ticket)
    page.click("#request-form button[type=submit]")
    page.wait_for_url(re.compile(r"/pollution/portal/maintenance/\d+/$"))
    pk = int(re.search(r"/(\d+)/$", page.url).group(1))
    page.click("#submit-request")
    expect(page.locator("[data-status=submitted]")).to_be_visible()
    expect(page.locator("#not-approved-notice")).to_be_visible()

    # The county emergency agency refers it, and the environment agency approves on the documents.
    sign_in(page, live_server, "county_a_em_officer")
    decide(page, live_server, pk, "expert_review", "涉及受限空间动火，情况复杂，提请市级专家论证。")
    expect(page.locator("[data-status=expert_review]")).to_be_visible()
    sign_in(page, live_server, "county_a_ee_officer")
    decide(page, live_server, pk, "approve_on_documents", "环保措施可行。")

    # A city environment officer organises the review and records the opinions and the conclusion.
    sign_in(page, live_server, "city_ee_officer")
    page.goto(f"{live_server.url}/pollution/maintenance/{pk}/")
    page.check(f"#review-form input[name=experts][value='{wang.pk}']")
    page.check(f"#review-form input[name=experts][value='{li.pk}']")
    page.click("#review-form button[type=submit]")
    expect(page.locator("#review")).to_be_visible()
    for expert in (wang, li):
        page.select_option("#opinion-form select[name=expert]", str(expert.pk))
        page.select_option("#opinion-form select[name=recommendation]", "approve_with_conditions")
        page.fill("#opinion-form textarea[name=opinion]", f"{expert.name}：置换合格后可作业。")
        page.click("#opinion-form button[type=submit]")
        expect(page.locator("#opinions")).to_contain_text(expert.name)
    page.select_option("#conclusion-form select[name=conclusion]", "approve_with_conditions")
    page.fill("#conclusion-form textarea[name=conclusion_text]", CONCLUSION)
    page.click("#conclusion-form button[type=submit]")
    expect(page.locator("[data-conclusion=approve_with_conditions]")).to_be_visible()

    # Both city leaders confirm the conclusion.
    for leader in ("city_em_leader", "city_ee_leader"):
        sign_in(page, live_server, leader)
        page.goto(f"{live_server.url}/pollution/maintenance/{pk}/")
        page.click("#confirm-form button[type=submit]")
        expect(page.locator(".messages .msg.success")).to_be_visible()

    # The contact sees the approval and downloads the request with its decisions and review.
    sign_in(page, live_server, "plant_contact")
    page.goto(f"{live_server.url}/pollution/portal/maintenance/{pk}/")
    expect(page.locator("[data-status=approved]")).to_be_visible()
    expect(page.locator("#not-approved-notice")).to_have_count(0)
    with page.expect_download() as download_info:
        page.click("#download-docx")
    path = tmp_path / "request.docx"
    download_info.value.save_as(path)
    document = docx.Document(path)
    text = "\n".join([paragraph.text for paragraph in document.paragraphs]
                     + [cell.text for table in document.tables for row in table.rows for cell in row.cells])
    assert UNIT in text
    assert CONCLUSION in text
    assert MaintenanceRequest.objects.get(pk=pk).status == MaintenanceRequest.Status.APPROVED
    assert all(url.startswith(live_server.url) for url in page.requested_urls)
