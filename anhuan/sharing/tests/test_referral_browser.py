"""A referral in Chromium, from the county environment agency to closure.

A county environment officer refers a problem with an evidence file to the county emergency
agency. The emergency officer acknowledges it and reports back; the environment officer returns
it once with reasons; the emergency officer reports again with a file; the environment officer
closes it. The timeline then shows every step in order, and the browser never left 127.0.0.1.

The test locates elements by ids, names and data attributes, because the zh_Hans catalog may
not be compiled yet.
"""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anhuan.core.timeutil import format_local
from anhuan.organizations.models import Agency, Department
from anhuan.pollution.tests.consultation_fixtures import REGION_A, make_enterprise
from anhuan.sharing.models import Referral
from conftest import make_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SUBJECT = "脱硫塔检修未报备"
RETURN_REASONS = "未附整改后的现场照片，请补充。"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def open_referral(page, live_server, pk):
    page.goto(f"{live_server.url}/sharing/referrals/{pk}/")


def submit(page, form_id, comment=None, files=None):
    if comment is not None:
        page.fill(f"#{form_id} textarea[name=comment]", comment)
    if files is not None:
        page.set_input_files(f"#{form_id} input[name=files]", files)
    page.click(f"#{form_id} button[type=submit]")
    expect(page.locator(".messages .msg.success")).to_be_visible()


def test_referral_walks_to_closure(walk_page, live_server, tmp_path):
    page = walk_page
    plant = make_enterprise("信都焦化有限公司", REGION_A)
    make_user("county_a_ee_officer", Department.ENVIRONMENT, REGION_A)
    make_user("county_a_em_officer", Department.EMERGENCY, REGION_A)
    receiver = Agency.objects.get(department=Department.EMERGENCY, region__code=REGION_A)
    evidence = tmp_path / "现场照片.pdf"
    evidence.write_bytes(b"%PDF-1.4 photo")
    report_file = tmp_path / "整改报告.pdf"
    report_file.write_bytes(b"%PDF-1.4 report")

    # The environment officer refers the problem to the county emergency agency.
    sign_in(page, live_server, "county_a_ee_officer")
    page.goto(f"{live_server.url}/sharing/referrals/")
    page.click("#new-referral")
    page.select_option("#referral-form select[name=receiver]", str(receiver.pk))
    page.select_option("#referral-form select[name=enterprise]", str(plant.pk))
    page.fill("#referral-form input[name=facility]", "1号脱硫塔")
    page.fill("#referral-form input[name=subject]", SUBJECT)
    page.fill("#referral-form textarea[name=description]", "现场检查发现脱硫塔内动火作业，未见作业票。")
    deadline = timezone.now() + dt.timedelta(days=7)
    page.fill("#referral-form input[name=deadline]", format_local(deadline, "%Y-%m-%dT%H:%M"))
    page.set_input_files("#referral-form input[name=files]", evidence)
    page.click("#referral-form button[type=submit]")
    page.wait_for_url(re.compile(r"/sharing/referrals/\d+/$"))
    pk = int(re.search(r"/(\d+)/$", page.url).group(1))
    expect(page.locator("[data-status=sent]")).to_be_visible()
    expect(page.locator("#acknowledge-form")).to_have_count(0)

    # The emergency officer acknowledges and reports back.
    sign_in(page, live_server, "county_a_em_officer")
    open_referral(page, live_server, pk)
    expect(page.locator("#files")).to_contain_text("现场照片.pdf")
    submit(page, "acknowledge-form", comment="收到，立即核查。")
    expect(page.locator("[data-status=acknowledged]")).to_be_visible()
    submit(page, "report-form", comment="已责令企业停止作业并补办作业票。")
    expect(page.locator("[data-status=reported]")).to_be_visible()

    # The environment officer returns it once with reasons.
    sign_in(page, live_server, "county_a_ee_officer")
    open_referral(page, live_server, pk)
    submit(page, "return-form", comment=RETURN_REASONS)
    expect(page.locator("[data-status=returned]")).to_be_visible()

    # The emergency officer reports again, with the rectification report.
    sign_in(page, live_server, "county_a_em_officer")
    open_referral(page, live_server, pk)
    submit(page, "report-form", comment="已补充整改后现场照片及整改报告。", files=report_file)
    expect(page.locator("#files")).to_contain_text("整改报告.pdf")

    # The environment officer closes it.
    sign_in(page, live_server, "county_a_ee_officer")
    open_referral(page, live_server, pk)
    submit(page, "close-form", comment="整改到位，同意办结。")
    expect(page.locator("[data-status=closed]")).to_be_visible()
    expect(page.locator("#return-form")).to_have_count(0)

    steps = page.locator("#timeline tbody tr").evaluate_all("rows => rows.map(row => row.dataset.action)")
    assert steps == ["send", "acknowledge", "report", "return", "report", "close"]
    expect(page.locator("#timeline tr[data-action=return]")).to_contain_text(RETURN_REASONS)
    assert Referral.objects.get(pk=pk).status == Referral.Status.CLOSED
    assert all(url.startswith(live_server.url) for url in page.requested_urls)
