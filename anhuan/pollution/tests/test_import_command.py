"""The import_reduction_list command: summary, error lines, exit status."""

import io

import pytest
from django.core.management import CommandError, ManagementUtility, call_command

from anhuan.enterprises.models import Enterprise
from anhuan.pollution.models import ImportJob, ReductionEntry
from anhuan.pollution.tests.importfiles import FIRST_DATA_ROW, make_credit_code, make_row, write_xlsx


def _call(*args):
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("import_reduction_list", *map(str, args), stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def _bad_file(tmp_path):
    code = make_credit_code("130503", 2)
    wrong = code[:17] + ("1" if code[17] != "1" else "2")
    rows = [make_row(), make_row(sequence=2, credit_code=wrong, name="信都第二化工有限公司", production_line="导热油炉")]
    return write_xlsx(tmp_path / "reduction.xlsx", rows)


@pytest.mark.django_db
def test_command_prints_summary(tmp_path):
    path = write_xlsx(tmp_path / "reduction.xlsx", [make_row(), make_row(sequence=2, production_line="深加工线")])
    stdout, _stderr = _call(path, "--year", 2025)
    assert "reduction.xlsx" in stdout
    assert "2025" in stdout
    assert ReductionEntry.objects.count() == 2
    assert ImportJob.objects.get().actor.username == "system"


@pytest.mark.django_db
def test_command_failure_prints_every_error(tmp_path):
    path = _bad_file(tmp_path)
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_reduction_list", str(path), "--year", "2025", stdout=io.StringIO(), stderr=stderr)
    (line,) = stderr.getvalue().splitlines()
    assert line.startswith("reduction.xlsx")
    assert str(FIRST_DATA_ROW + 1) in line
    assert "统一社会信用代码" in line


@pytest.mark.django_db
def test_command_failure_writes_nothing(tmp_path):
    with pytest.raises(CommandError):
        _call(_bad_file(tmp_path), "--year", 2025)
    assert ReductionEntry.objects.count() == 0
    assert Enterprise.objects.count() == 0
    assert ImportJob.objects.count() == 0


def test_command_acts_as_given_user(personas, tmp_path):
    path = write_xlsx(tmp_path / "reduction.xlsx", [make_row()])
    _call(path, "--year", 2025, "--user", "county_a_ee_officer")
    assert ImportJob.objects.get().actor == personas["county_a_ee_officer"]


def test_command_rejects_emergency_user(personas, tmp_path):
    path = write_xlsx(tmp_path / "reduction.xlsx", [make_row()])
    with pytest.raises(CommandError):
        _call(path, "--year", 2025, "--user", "city_em_officer")
    assert ReductionEntry.objects.count() == 0


@pytest.mark.django_db
def test_command_rejects_unknown_user(tmp_path):
    path = write_xlsx(tmp_path / "reduction.xlsx", [make_row()])
    with pytest.raises(CommandError):
        _call(path, "--year", 2025, "--user", "nobody")


@pytest.mark.django_db
def test_command_rejects_missing_file(tmp_path):
    with pytest.raises(CommandError):
        _call(tmp_path / "missing.xlsx", "--year", 2025)


@pytest.mark.django_db
def test_command_exits_non_zero(tmp_path, capsys):
    path = _bad_file(tmp_path)
    utility = ManagementUtility(["manage.py", "import_reduction_list", str(path), "--year", "2025", "--skip-checks"])
    with pytest.raises(SystemExit) as caught:
        utility.execute()
    stderr = capsys.readouterr().err
    assert caught.value.code != 0
    assert "reduction.xlsx" in stderr
    assert "统一社会信用代码" in stderr
