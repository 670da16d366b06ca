"""The import pages in Chromium: upload with progress, then the job page polling until the outcome."""

import pytest

from anhuan.pollution.models import ImportJob, ReductionEntry
from anhuan.pollution.tests.importfiles import make_row, write_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", username)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_upload_opens_job_outcome(browser_page, live_server, personas, tmp_path):
    page = browser_page
    path = write_xlsx(tmp_path / "reduction.xlsx", [make_row(), make_row(sequence=2, production_line="深加工线")])
    _sign_in(page, live_server, "city_ee_officer")
    page.goto(f"{live_server.url}/pollution/lists/import/")
    page.set_input_files("input[name=file]", str(path))
    page.click("button.primary")
    page.wait_for_selector("[data-count=entries]")
    assert page.inner_text("[data-count=entries]") == "2"
    assert ReductionEntry.objects.count() == 2
    assert all(url.startswith(live_server.url) for url in page.requested_urls)


def test_job_page_polls_until_finished(browser_page, live_server, personas):
    page = browser_page
    job = ImportJob.objects.create(
        actor=personas["city_ee_officer"], year=2025, file_name="reduction.xlsx",
        status=ImportJob.Status.RUNNING, progress=40,
    )
    _sign_in(page, live_server, "city_ee_officer")
    page.goto(f"{live_server.url}/pollution/lists/import/{job.pk}/")
    assert page.get_attribute(".progress", "aria-valuenow") == "40"
    ImportJob.objects.filter(pk=job.pk).update(progress=70)
    page.wait_for_function("document.querySelector('.progress').getAttribute('aria-valuenow') === '70'")
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.FAILED, progress=100,
        errors=[{"row": 6, "column": "绩效等级", "cell": "G6", "message": "E"}],
    )
    page.wait_for_selector("table.errors")
    assert page.inner_text("table.errors tbody td:first-child") == "6"
