"""Refusals of our commands on the command line: the translated reason alone, and a non-zero exit."""

import pytest
from django.core.management import CommandError, call_command, load_command_class
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_command_line_prints_reason_without_class_name(capsys):
    command = load_command_class("anhuan.pollution", "consultation_plan")
    with translation.override("zh-hans"), pytest.raises(SystemExit) as exited:
        command.run_from_argv(["manage.py", "consultation_plan", "999999", "--format", "json", "-o", "plan.json"])
    assert exited.value.code == 1
    error = capsys.readouterr().err.strip()
    assert error == "未找到预警999999。"


def test_call_command_still_raises():
    with pytest.raises(CommandError):
        call_command("consultation_plan", "999999", "--format", "json", "-o", "plan.json")
