"""The heavy-pollution flow in Chromium, from importing the list to downloading the minutes.

A city environment officer imports the sample list and issues an orange warning six hours
ahead. The consultation page shows the lead-time and on-site guidance flags, and the officer
records an opinion and the conclusions. The environment leader and then the emergency leader
confirm, and the minutes of the frozen consultation are downloaded and read back.

The zh_Hans catalog may not be compiled yet, so the test locates elements by ids, names,
classes, data attributes and URLs. Where it checks a label, it expects the label in the
language the server renders for this browser (zh-hans), as ``gettext`` gives it.
"""

import datetime as dt
import re
from pathlib import Path

import docx
import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from anhuan.core.timeutil import SHANGHAI, format_local
from anhuan.organizations.models import Department, Role
from anhuan.pollution.models import Consultation, PlanFlag
from conftest import make_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SAMPLE_LIST = Path(__file__).parent / "data" / "reduction-list-sample.xlsx"
# Production lines (data rows) in the sample list.
SAMPLE_LINES = 345
LIST_YEAR = 2025
LEAD_HOURS = 6
# A line of the sample: grade C, limit 15 % at orange, 24 hours to shut down safely, 较大 risk
# and non-interruptible processes.
ENTERPRISE = "沙河恒福玻璃有限公司"
PRODUCTION_LINE = "浮法玻璃熔窑"
SAFE_SHUTDOWN_HOURS = 24
OPINION = "沙河恒福玻璃有限公司浮法玻璃熔窑按安全停车时间错后执行，县级两部门联合现场指导。"
CONCLUSION = "同意本次橙色预警减排方案；预留停车时间不足的生产线按建议时间执行。"
# The officer's screen in the target offices.
VIEWPORT = {"width": 1366, "height": 768}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def page(browser_page):
    """The browser page at 1366×768."""
    browser_page.set_viewport_size(VIEWPORT)
    return browser_page


def server_label(label):
    """Return ``label`` as the server renders it for a zh-CN browser."""
    with translation.override("zh-hans"):
        return str(label)


def sign_out(page, live_server):
    page.click("form[action='/accounts/logout/'] button[type=submit]")
    page.wait_for_url(re.compile(re.escape(f"{live_server.url}/accounts/login/")))


def import_sample(page, live_server):
    page.goto(f"{live_server.url}/pollution/lists/import/")
    page.set_input_files("#id_file", SAMPLE_LIST)
    page.fill("#id_year", str(LIST_YEAR))
    page.click("form[data-upload-progress] button[type=submit]")
    page.wait_for_url(re.compile(r"/pollution/lists/import/\d+/$"))


def issue_orange_warning(page, live_server, announced_at, document_number):
    page.goto(f"{live_server.url}/pollution/warnings/new/")
    page.select_option("#id_level", "orange")
    page.check("#id_whole_city")
    page.fill("#id_announced_at", announced_at.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_starts_at", (announced_at + dt.timedelta(hours=LEAD_HOURS)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_document_number", document_number)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("form button.primary[type=submit]")
    page.wait_for_url(re.compile(r"/pollution/warnings/\d+/$"))


def confirm_from_todo(page):
    """Open the consultation from the leader's to-do list and confirm the plan."""
    page.click("#todo tr[data-kind=confirm] a")
    page.wait_for_url(re.compile(r"/pollution/consultations/\d+/$"))
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#confirm-form button[type=submit]")
    expect(page.locator(".messages .msg.success")).to_be_visible()


def docx_text(path):
    """Return the text of a .docx: its paragraphs, then its table cells, one per line."""
    document = docx.Document(path)
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


def test_officer_and_leaders_complete_consultation(page, live_server, tmp_path):
    make_user("city_ee_officer", Department.ENVIRONMENT)
    make_user("city_ee_leader", Department.ENVIRONMENT, role=Role.LEADER)
    make_user("city_em_leader", Department.EMERGENCY, role=Role.LEADER)
    announced_at = timezone.now().astimezone(SHANGHAI).replace(minute=0, second=0, microsecond=0)
    document_number = f"邢环〔{announced_at.year}〕88号"
    held_at = announced_at + dt.timedelta(hours=1)

    # The officer imports the list. Huey runs the job at once in test mode.
    sign_in(page, live_server, "city_ee_officer")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    import_sample(page, live_server)
    expect(page.locator("h1 .tag.tag-green")).to_be_visible()
    expect(page.locator("[data-count=rows]")).to_have_text(str(SAMPLE_LINES))
    expect(page.locator("[data-count=entries]")).to_have_text(str(SAMPLE_LINES))

    # An orange warning for the whole city, announced six hours before it starts.
    issue_orange_warning(page, live_server, announced_at, document_number)
    expect(page.locator(".messages .msg.success")).to_be_visible()
    expect(page.locator("h1 .tag.tag-orange")).to_be_visible()
    page.click("table.grid a[href^='/pollution/consultations/']")
    page.wait_for_url(re.compile(r"/pollution/consultations/\d+/$"))
    consultation_url = page.url

    # The figures count both safety flags, and the glass furnace's line carries them with the gap.
    lead_card = page.locator("a.card[data-flag=insufficient_lead_time]")
    onsite_card = page.locator("a.card[data-flag=onsite_guidance_required]")
    expect(lead_card.locator(".tag")).to_have_text(server_label(PlanFlag.INSUFFICIENT_LEAD_TIME.label))
    expect(onsite_card.locator(".tag")).to_have_text(server_label(PlanFlag.ONSITE_GUIDANCE_REQUIRED.label))
    expect(lead_card.locator(".figure")).not_to_have_text("0")
    expect(onsite_card.locator(".figure")).not_to_have_text("0")

    lead_card.click()
    page.wait_for_url(re.compile(r"[?&]flag=insufficient_lead_time"))
    page.fill("form.filters input[name=q]", ENTERPRISE)
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"[?&]q="))
    row = page.locator("#plan-items tbody tr", has_text=PRODUCTION_LINE)
    expect(row).to_have_count(1)
    safe_time = format_local(announced_at + dt.timedelta(hours=SAFE_SHUTDOWN_HOURS))
    expect(row.locator("td[data-column=effective_at] strong.postponed")).to_have_text(safe_time)
    expect(row.locator("td[data-column=lead_time_gap_hours]")).to_have_text(str(SAFE_SHUTDOWN_HOURS - LEAD_HOURS))
    flags = row.locator("td[data-column=flags] .tag")
    expect(flags).to_have_text([
        server_label(PlanFlag.INSUFFICIENT_LEAD_TIME.label),
        server_label(PlanFlag.ONSITE_GUIDANCE_REQUIRED.label),
        server_label(PlanFlag.NON_INTERRUPTIBLE.label),
    ])

    # The officer records an opinion and writes the conclusions.
    page.fill("#opinion-form textarea[name=text]", OPINION)
    page.click("#opinion-form button[type=submit]")
    page.wait_for_url(consultation_url)
    expect(page.locator(".opinion p")).to_have_text(OPINION)
    page.fill("#conclusion-form textarea[name=conclusion]", CONCLUSION)
    page.fill("#conclusion-form input[name=held_at]", format_local(held_at))
    page.fill("#conclusion-form textarea[name=attendees]", "city_ee_officer、city_ee_leader、city_em_leader")
    page.fill("#conclusion-form input[name=document_number]", f"邢环〔{held_at.year}〕12号")
    page.click("#conclusion-form button[type=submit]")
    page.wait_for_url(consultation_url)
    expect(page.locator("section[aria-labelledby=conclusion-heading] > p").first).to_have_text(CONCLUSION)
    sign_out(page, live_server)

    # Each department's city leader confirms from the to-do list.
    sign_in(page, live_server, "city_ee_leader")
    confirm_from_todo(page)
    expect(page.locator("#confirm-blocker")).to_be_visible()
    expect(page.locator("h1 .tag.tag-green")).to_have_count(0)
    sign_out(page, live_server)

    sign_in(page, live_server, "city_em_leader")
    confirm_from_todo(page)
    assert page.url == consultation_url

    # After both confirmations the plan is frozen and the page offers no more actions.
    confirmed = server_label(Consultation.Status.CONFIRMED.label)
    expect(page.locator("h1 .tag.tag-green")).to_have_text(confirmed)
    confirmations = page.locator("section[aria-labelledby=confirm-heading] tbody")
    expect(confirmations).to_contain_text("city_ee_leader")
    expect(confirmations).to_contain_text("city_em_leader")
    expect(page.locator("#confirm-form")).to_have_count(0)
    expect(page.locator("#opinion-form")).to_have_count(0)
    expect(page.locator("#conclusion-form")).to_have_count(0)

    # The minutes name the warning, the flagged enterprise, the conclusions and both confirmations.
    with page.expect_download() as download_info:
        page.click("a[href$='/minutes.docx']")
    download = download_info.value
    assert download.suggested_filename.endswith(f"-{held_at:%Y-%m-%d}.docx")
    minutes_path = tmp_path / "minutes.docx"
    download.save_as(minutes_path)
    minutes = docx_text(minutes_path)
    assert document_number in minutes
    assert format_local(announced_at) in minutes
    assert ENTERPRISE in minutes
    assert CONCLUSION in minutes
    assert "city_ee_leader" in minutes
    assert "city_em_leader" in minutes

    # Every request went to the live server, so no CDN, font, update or telemetry request left it.
    outside = [url for url in page.requested_urls if not url.startswith(f"{live_server.url}/")]
    assert outside == []
