"""A new RTO incinerator in Chromium, from registration as planned to operation.

The county environment officer registers the facility in the register form (status planned)
and opens its page, which shares it with the county emergency agency. Moving it to
"under construction" is refused with the safety demonstration named first and nothing changes.
The officer records a finding and reminds the enterprise. The referral appears for the emergency
officer, who records the safety demonstration and the construction plan. The environment officer records the
environmental demonstration, the design, the acceptance and the checkpoints, and moves the
facility through construction into operation. The page then shows every step done.

Elements are located by ids, names and data attributes, because the zh_Hans catalog may not
hold every text yet.
"""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from anhuan.facilities.models import DemonstrationFinding, KeyFacilityProfile, SimultaneityCheckpoint
from anhuan.facilities.services.lifecycle import STEP_LABELS
from anhuan.organizations.models import Department
from anhuan.pollution.tests.consultation_fixtures import REGION_A, make_enterprise
from anhuan.sharing.models import EnvFacility, Referral
from conftest import make_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FACILITY = "1号RTO焚烧炉"
DAY = (dt.date.today() - dt.timedelta(days=30)).isoformat()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def page(browser_page):
    browser_page.set_viewport_size({"width": 1366, "height": 900})
    browser_page.on("dialog", lambda dialog: dialog.accept())
    return browser_page


def open_facility(page, live_server, pk):
    page.goto(f"{live_server.url}/facilities/{pk}/")


def act(page, action, fields=None, selects=None, files=None):
    """Open an action page from the facility page, fill it, submit it and expect the facility page with a message."""
    page.click(f"#action-{action}")
    for name, value in (fields or {}).items():
        page.fill(f"#lifecycle-form [name={name}]", value)
    for name, value in (selects or {}).items():
        page.select_option(f"#lifecycle-form select[name={name}]", value)
    for name, path in (files or {}).items():
        page.set_input_files(f"#lifecycle-form input[name={name}]", path)
    page.click("#lifecycle-form button[type=submit]")
    # The reminder reaches no contact account here, so it ends with a warning instead of a success message.
    expect(page.locator(".messages .msg")).to_be_visible()


def demonstration_fields(opinion):
    return {"held_on": DAY, "organiser": "邢台某环保咨询公司", "expert_names": "张工、李工", "opinion": opinion}


def test_new_rto_incinerator_walks_to_operation(page, live_server, tmp_path):
    plant = make_enterprise("信都新材料有限公司", REGION_A)
    make_user("county_a_ee_officer", Department.ENVIRONMENT, REGION_A)
    make_user("county_a_em_officer", Department.EMERGENCY, REGION_A)
    opinion_file = tmp_path / "安全论证意见.pdf"
    opinion_file.write_bytes(b"%PDF-1.4 safety opinion")

    # The environment officer registers the new project in the register, as planned.
    sign_in(page, live_server, "county_a_ee_officer")
    page.goto(f"{live_server.url}/sharing/registers/env-facilities/new/")
    page.fill("input[name=enterprise]", plant.credit_code)
    page.fill("input[name=name]", FACILITY)
    page.select_option("select[name=facility_type]", "rto")
    page.select_option("select[name=status]", "planned")
    page.click("form.card button[type=submit]")
    page.wait_for_url(re.compile(r"/sharing/registers/env-facilities/\d+/$"))
    facility = EnvFacility.objects.get(name=FACILITY)
    assert facility.is_key

    # Its page shares it with the county emergency agency.
    page.goto(f"{live_server.url}/facilities/")
    page.click(f"a[href='/facilities/{facility.pk}/']")
    expect(page.locator("#shared-at")).to_be_visible()
    assert KeyFacilityProfile.objects.get(facility=facility).shared_at is not None

    # Starting construction is refused, the missing safety demonstration named first.
    page.click("#action-status")
    page.select_option("#lifecycle-form select[name=target]", "under_construction")
    page.click("#lifecycle-form button[type=submit]")
    first_reason = page.locator("#reasons li").first
    expect(first_reason).to_contain_text(re.compile("安全论证|safety demonstration"))
    assert page.locator("#reasons li").count() == 4
    assert EnvFacility.objects.get(pk=facility.pk).status == "planned"

    # The officer records the finding, which is referred to the emergency side, and reminds the enterprise.
    open_facility(page, live_server, facility.pk)
    act(page, "finding", fields={"found_on": DAY, "description": "现场已开始基础施工，未见安全论证材料。"},
        selects={"observed_status": "under_construction"})
    referral = DemonstrationFinding.objects.get(facility=facility).referral
    expect(page.locator("#findings")).to_be_visible()
    act(page, "remind")

    # The emergency officer finds the referral and the project, and records the safety demonstration.
    sign_in(page, live_server, "county_a_em_officer")
    page.goto(f"{live_server.url}/sharing/referrals/")
    expect(page.locator(f"a[href='/sharing/referrals/{referral.pk}/']").first).to_be_visible()
    open_facility(page, live_server, facility.pk)
    expect(page.locator("#action-design")).to_have_count(0)
    act(page, "safety-demonstration", fields=demonstration_fields("风险辨识全面，措施可行。"),
        selects={"outcome": "passed"}, files={"upload": opinion_file})
    expect(page.locator("#records")).to_contain_text("安全论证意见.pdf")
    act(page, "construction-plan", fields={"prepared_on": DAY, "contractor": "河北某安装公司",
                                           "safety_measures": "动火作业审批，受限空间作业专人监护。"})

    # The environment officer records the rest and moves the facility into operation.
    sign_in(page, live_server, "county_a_ee_officer")
    open_facility(page, live_server, facility.pk)
    act(page, "env-demonstration", fields=demonstration_fields("同意建设。"), selects={"outcome": "passed"})
    act(page, "design", fields={"designer": "河北某设计研究院", "qualification": "环境工程设计专项甲级",
                                "certificate_number": "A113000001", "designed_on": DAY})
    act(page, "checkpoint-designed", fields={"confirmed_on": DAY})
    act(page, "status", selects={"target": "under_construction"})
    act(page, "checkpoint-built", fields={"confirmed_on": DAY})
    act(page, "acceptance", fields={"accepted_on": DAY, "organiser": "信都新材料有限公司", "opinion": "验收合格。"},
        selects={"outcome": "passed"})
    act(page, "status", selects={"target": "in_operation"})

    # Every step of the lifecycle is done.
    steps = page.locator("#lifecycle tbody tr").evaluate_all("rows => rows.map(row => row.dataset.done)")
    assert steps == ["yes"] * len(STEP_LABELS)
    assert EnvFacility.objects.get(pk=facility.pk).status == "in_operation"
    assert SimultaneityCheckpoint.objects.filter(facility=facility).count() == 3
    assert Referral.objects.filter(pk=referral.pk).exists()
    assert all(url.startswith(live_server.url) for url in page.requested_urls)
