"""A stop-use order in Chromium, from a failed safety assessment to the facility's return to use.

The county environment officer records a failed safety assessment of an existing desulfurisation
facility. The county emergency officer finds "issue a stop-use order" on the to-do list, issues
the order and downloads it as Word. The register edit form then rejects "in operation". A new
assessment passes, the emergency officer lifts the order, and the environment officer records the
facility as in operation again. The browser never leaves 127.0.0.1.

The test locates elements by ids, names, URLs and data attributes, because the zh_Hans catalog
may not be compiled yet.
"""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from anhuan.facilities.models import StopUseOrder
from anhuan.facilities.services.existing import today
from anhuan.facilities.tests.fixtures import existing_key_facility
from anhuan.organizations.models import Department, Role
from anhuan.sharing.models import EnvFacility
from anhuan.sharing.tests.registers_fixtures import enterprise_a  # noqa: F401
from conftest import REGION_A, make_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def page(walk_page):
    # Buttons with data-confirm ask before posting, and the walk-through accepts every question.
    return walk_page


def record_assessment(page, live_server, facility, assessed_on, outcome):
    page.goto(f"{live_server.url}/facilities/{facility.pk}/assessment/")
    page.fill("#id_assessed_on", assessed_on.isoformat())
    page.fill("#id_assessor", "河北某安全评价有限公司")
    page.fill("#id_risks", "脱硝系统氨逃逸中毒风险")
    page.fill("#id_controls", "氨气报警仪与通风联锁")
    page.select_option("#id_outcome", outcome)
    page.click("form.card button[type=submit]")
    page.wait_for_url(f"{live_server.url}/facilities/{facility.pk}/")


def test_order_from_failure_to_return(page, live_server, enterprise_a, tmp_path):  # noqa: F811
    ee = make_user("ee_a", Department.ENVIRONMENT, REGION_A)
    em = make_user("em_a", Department.EMERGENCY, REGION_A)
    make_user("em_leader_a", Department.EMERGENCY, REGION_A, Role.LEADER)
    facility = existing_key_facility(ee, enterprise_a)
    failed_on = today() - dt.timedelta(days=20)

    # The environment officer records the failed assessment on the facility page.
    sign_in(page, live_server, "ee_a")
    record_assessment(page, live_server, facility, failed_on, "failed")
    expect(page.locator("#assessment-list .tag-red")).to_have_count(1)

    # The emergency officer follows the to-do item and issues the order.
    sign_in(page, live_server, "em_a")
    page.goto(f"{live_server.url}/todo/")
    issue_link = page.locator(f"a[href^='/facilities/{facility.pk}/order/']").first
    expect(issue_link).to_be_visible()
    issue_link.click()
    page.fill("#id_document_number", f"信都应急〔{failed_on.year}〕12号")
    page.fill("#id_issued_on", (failed_on + dt.timedelta(days=1)).isoformat())
    page.fill("#id_reason", "氨气报警仪失效，存在中毒风险。")
    page.click("form.card button[type=submit]")
    page.wait_for_url(re.compile(r".*/facilities/orders/\d+/$"))
    expect(page.locator("[data-status='in_force']")).to_be_visible()
    order = StopUseOrder.objects.get()
    assert EnvFacility.objects.get(pk=facility.pk).status == "stopped"

    with page.expect_download() as download_info:
        page.click(f"a[href='/facilities/orders/{order.pk}/docx/']")
    target = tmp_path / "order.docx"
    download_info.value.save_as(target)
    assert target.read_bytes().startswith(b"PK")

    # While the order is in force, the register rejects "in operation".
    sign_in(page, live_server, "ee_a")
    page.goto(f"{live_server.url}/sharing/registers/env-facilities/{facility.pk}/edit/")
    page.select_option("#id_status", "in_operation")
    page.click("form.card button[type=submit]")
    expect(page.locator(".has-error #id_status")).to_be_visible()
    assert EnvFacility.objects.get(pk=facility.pk).status == "stopped"

    # A new assessment passes and the emergency officer lifts the order.
    record_assessment(page, live_server, facility, failed_on + dt.timedelta(days=10), "passed")
    sign_in(page, live_server, "em_a")
    page.goto(f"{live_server.url}/facilities/orders/{order.pk}/lift/")
    page.fill("#id_lifted_on", (failed_on + dt.timedelta(days=11)).isoformat())
    page.click("form.card button[type=submit]")
    page.wait_for_url(f"{live_server.url}/facilities/orders/{order.pk}/")
    expect(page.locator("[data-status='lifted']")).to_be_visible()

    # The register owner records the return to use.
    sign_in(page, live_server, "ee_a")
    page.goto(f"{live_server.url}/sharing/registers/env-facilities/{facility.pk}/edit/")
    page.select_option("#id_status", "in_operation")
    page.click("form.card button[type=submit]")
    page.wait_for_url(f"{live_server.url}/sharing/registers/env-facilities/{facility.pk}/")
    assert EnvFacility.objects.get(pk=facility.pk).status == "in_operation"
    assert all(url.startswith(live_server.url) or url.startswith("data:") for url in page.requested_urls)
