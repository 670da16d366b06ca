"""The list pages: list index, upload, job page and its status.json, for allowed and other users."""

import pytest
from django.core.files import File
from django.urls import reverse

from anhuan.core.models import AuditEntry

from anhuan.organizations.services import get_system_user
from anhuan.pollution.importing.jobs import process_import_job
from anhuan.pollution.importing.service import season_year
from anhuan.pollution.models import ImportJob, ReductionEntry
from anhuan.pollution.tests.importfiles import FIRST_DATA_ROW, make_credit_code, make_row, run_import, write_xlsx

UPLOAD = reverse("pollution:import-upload")
INDEX = reverse("pollution:list-index")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _good_file(tmp_path):
    return write_xlsx(tmp_path / "reduction.xlsx", [make_row(), make_row(sequence=2, production_line="深加工线")])


def _bad_file(tmp_path):
    return write_xlsx(tmp_path / "bad.xlsx", [make_row(), make_row(sequence=2, production_line="深加工线", grade="E")])


def _upload(client, path, django_capture_on_commit_callbacks, year=2025):
    with django_capture_on_commit_callbacks(execute=True), open(path, "rb") as handle:
        return client.post(UPLOAD, {"file": handle, "year": year})


def _job_url(job, name="pollution:import-job"):
    return reverse(name, kwargs={"pk": job.pk})


def test_upload_form_defaults_to_season(client, personas):
    client.force_login(personas["city_ee_officer"])
    response = client.get(UPLOAD)
    assert response.status_code == 200
    assert response.context["form"].initial["year"] == season_year()
    assert b"anhuan/import.js" in response.content


@pytest.mark.parametrize("persona", ["city_em_officer", "county_a_em_leader", "city_expert", "system_admin"])
def test_upload_forbidden_for_others(client, personas, tmp_path, persona, django_capture_on_commit_callbacks):
    client.force_login(personas[persona])
    assert client.get(UPLOAD).status_code == 403
    response = _upload(client, _good_file(tmp_path), django_capture_on_commit_callbacks)
    assert response.status_code == 403
    assert ImportJob.objects.count() == 0


def test_upload_runs_job_and_redirects(client, personas, tmp_path, django_capture_on_commit_callbacks):
    client.force_login(personas["county_a_ee_officer"])
    response = _upload(client, _good_file(tmp_path), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == _job_url(job)
    assert job.status == ImportJob.Status.SUCCEEDED
    assert job.file_name == "reduction.xlsx"
    assert job.actor == personas["county_a_ee_officer"]
    assert ReductionEntry.objects.count() == 2


def test_job_page_shows_summary(client, personas, tmp_path, django_capture_on_commit_callbacks):
    client.force_login(personas["city_ee_officer"])
    _upload(client, _good_file(tmp_path), django_capture_on_commit_callbacks)
    response = client.get(_job_url(ImportJob.objects.get()))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'data-count="entries">2<' in content
    assert 'data-count="created">1<' in content
    assert 'http-equiv="refresh"' not in content


def test_job_page_lists_every_error(client, personas, tmp_path, django_capture_on_commit_callbacks):
    client.force_login(personas["city_ee_officer"])
    _upload(client, _bad_file(tmp_path), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    response = client.get(_job_url(job))
    content = response.content.decode()
    assert job.status == ImportJob.Status.FAILED
    assert job.errors[0]["row"] == FIRST_DATA_ROW + 1
    assert job.errors[0]["column"] == "绩效等级"
    assert f"<td>{FIRST_DATA_ROW + 1}</td><td>绩效等级</td><td>G{FIRST_DATA_ROW + 1}</td>" in content
    assert ReductionEntry.objects.count() == 0


def test_status_json_reports_outcome(client, personas, tmp_path, django_capture_on_commit_callbacks):
    client.force_login(personas["city_ee_officer"])
    _upload(client, _good_file(tmp_path), django_capture_on_commit_callbacks)
    data = client.get(_job_url(ImportJob.objects.get(), "pollution:import-job-status")).json()
    assert data["status"] == "succeeded"
    assert data["finished"] is True
    assert data["progress"] == 100
    assert data["entries_written"] == 2
    assert data["error_count"] == 0


def test_status_json_counts_errors(client, personas, tmp_path, django_capture_on_commit_callbacks):
    client.force_login(personas["city_ee_officer"])
    _upload(client, _bad_file(tmp_path), django_capture_on_commit_callbacks)
    data = client.get(_job_url(ImportJob.objects.get(), "pollution:import-job-status")).json()
    assert data["status"] == "failed"
    assert data["error_count"] == 1


def test_queued_job_page_refreshes_itself(client, personas):
    job = ImportJob.objects.create(actor=personas["city_ee_officer"], year=2025, file_name="reduction.xlsx")
    client.force_login(personas["city_ee_officer"])
    content = client.get(_job_url(job)).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in content
    assert 'class="progress"' in content
    assert _job_url(job, "pollution:import-job-status") in content


def test_status_json_names_running_phase(client, personas):
    job = ImportJob.objects.create(
        actor=personas["city_ee_officer"], year=2025, file_name="x.xlsx", status=ImportJob.Status.RUNNING, progress=45
    )
    client.force_login(personas["city_ee_officer"])
    data = client.get(_job_url(job, "pollution:import-job-status")).json()
    assert data["phase"] == "validating"
    assert data["finished"] is False


@pytest.mark.parametrize("persona", ["county_b_ee_officer", "county_a_ee_leader", "city_ee_leader", "city_em_leader"])
def test_other_users_job_is_not_found(client, personas, persona):
    job = ImportJob.objects.create(actor=personas["county_a_ee_officer"], year=2025, file_name="x.xlsx")
    client.force_login(personas[persona])
    assert client.get(_job_url(job)).status_code == 404
    assert client.get(_job_url(job, "pollution:import-job-status")).status_code == 404


def test_city_leader_sees_agency_jobs(client, personas):
    job = ImportJob.objects.create(actor=personas["city_ee_officer"], year=2025, file_name="x.xlsx")
    client.force_login(personas["city_ee_leader"])
    assert client.get(_job_url(job)).status_code == 200


def test_upload_rejects_other_file_types(client, personas, tmp_path, django_capture_on_commit_callbacks):
    path = tmp_path / "reduction.pdf"
    path.write_bytes(b"%PDF-1.4")
    client.force_login(personas["city_ee_officer"])
    response = _upload(client, path, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert ImportJob.objects.count() == 0


def test_upload_rejects_year_out_of_range(client, personas, tmp_path, django_capture_on_commit_callbacks):
    client.force_login(personas["city_ee_officer"])
    response = _upload(client, _good_file(tmp_path), django_capture_on_commit_callbacks, year=1990)
    assert response.context["form"].errors["year"]
    assert ImportJob.objects.count() == 0


def test_index_counts_entries_in_scope(client, personas, tmp_path):
    rows = [make_row(), make_row(sequence=2, region="沙河市", credit_code=make_credit_code("130582", 9), name="沙河某公司")]
    run_import(write_xlsx(tmp_path / "reduction.xlsx", rows), get_system_user())
    client.force_login(personas["county_a_em_officer"])
    response = client.get(INDEX)
    (reduction_list,) = response.context["lists"]
    assert response.status_code == 200
    assert reduction_list.entry_count == 1
    assert response.context["can_import"] is False


def test_index_shows_own_recent_jobs(client, personas):
    ImportJob.objects.create(actor=personas["city_ee_officer"], year=2025, file_name="mine.xlsx")
    ImportJob.objects.create(actor=personas["county_a_ee_officer"], year=2025, file_name="theirs.xlsx")
    client.force_login(personas["city_ee_officer"])
    response = client.get(INDEX)
    assert [job.file_name for job in response.context["jobs"]] == ["mine.xlsx"]
    assert response.context["can_import"] is True
    assert UPLOAD.encode() in response.content


def test_index_forbidden_for_administrators(client, personas):
    client.force_login(personas["audit_admin"])
    assert client.get(INDEX).status_code == 403


def test_job_runs_only_once(personas, tmp_path):
    path = _good_file(tmp_path)
    with open(path, "rb") as handle:
        job = ImportJob.objects.create(
            actor=personas["city_ee_officer"], year=2025, file_name="reduction.xlsx", file=File(handle, name="reduction.xlsx")
        )
    process_import_job(job.pk)
    finished_at = ImportJob.objects.get().finished_at
    process_import_job(job.pk)
    assert ImportJob.objects.get().finished_at == finished_at
    assert AuditEntry.objects.filter(action="reduction_list.import").count() == 1
