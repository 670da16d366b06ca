"""Every command of ours prints its help without crashing."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[3]
OURS = sorted(name for name, app in get_commands().items() if app.startswith("anhuan."))


@pytest.mark.parametrize("command", OURS)
def test_command_help_prints(command):
    result = subprocess.run(
        [sys.executable, "manage.py", command, "--help"],
        cwd=ROOT, capture_output=True, text=True, env={"ANHUAN_MODE": "test", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout
