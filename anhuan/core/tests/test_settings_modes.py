"""Settings modes: production refuses to start without a secret key and runs without DEBUG;
demo data is refused outside demo mode.

The production checks import the settings in a fresh interpreter, because the
test process has already loaded them in test mode.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from anhuan.organizations.models import User

BASE_DIR = Path(__file__).resolve().parents[3]
# Variables that would leak the test process's choices into the child.
_INHERITED = ("ANHUAN_MODE", "DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY_FILE", "DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE")


def run_python(code, tmp_path, **env):
    environment = {name: value for name, value in os.environ.items() if name not in _INHERITED}
    environment.update({"ANHUAN_VAR_DIR": str(tmp_path / "var"), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_without_key_fails(tmp_path):
    result = run_python("import anhuan.settings", tmp_path, ANHUAN_MODE="production")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_is_the_default_mode(tmp_path):
    result = run_python("import anhuan.settings", tmp_path)
    assert "ImproperlyConfigured" in result.stderr


def test_production_with_key_has_debug_off(tmp_path):
    code = "import anhuan.settings as s; print(s.DEBUG, s.DEMO_MODE, s.SESSION_COOKIE_SECURE)"
    result = run_python(code, tmp_path, ANHUAN_MODE="production", DJANGO_SECRET_KEY="a-production-test-key")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "True"]


def test_production_reads_key_from_file(tmp_path):
    key_file = tmp_path / "secret"
    key_file.write_text("key-from-a-file\n", encoding="utf-8")
    code = "import anhuan.settings as s; print(s.SECRET_KEY)"
    result = run_python(code, tmp_path, ANHUAN_MODE="production", DJANGO_SECRET_KEY_FILE=str(key_file))
    assert result.stdout.strip() == "key-from-a-file"


def test_unknown_mode_fails(tmp_path):
    result = run_python("import anhuan.settings", tmp_path, ANHUAN_MODE="staging")
    assert "ImproperlyConfigured" in result.stderr


def test_demo_mode_keeps_debug_off(tmp_path):
    result = run_python("import anhuan.settings as s; print(s.DEBUG, s.DEMO_MODE)", tmp_path, ANHUAN_MODE="demo")
    assert result.stdout.split() == ["False", "True"]


def test_load_demo_refused_in_production(tmp_path):
    code = (
        "import sys, django; django.setup();"
        "from django.core.management import call_command; call_command('load_demo')"
    )
    result = run_python(
        code, tmp_path, ANHUAN_MODE="production", DJANGO_SECRET_KEY="a-production-test-key",
        DJANGO_SETTINGS_MODULE="anhuan.settings",
    )
    assert result.returncode != 0
    assert "CommandError" in result.stderr
    assert "ANHUAN_MODE=demo" in result.stderr


@pytest.mark.django_db
def test_load_demo_refused_outside_demo(settings):
    settings.DEMO_MODE = False
    users_before = User.objects.count()
    with pytest.raises(CommandError):
        call_command("load_demo")
    assert User.objects.count() == users_before


CONCURRENT_WRITERS = """
import threading, time
import django
django.setup()
from django.db import connection, connections, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE counter (n INTEGER)")
errors = []

def writer():
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM counter")
                time.sleep(0.3)
                cursor.execute("INSERT INTO counter VALUES (1)")
    except Exception as error:
        errors.append(repr(error))
    finally:
        connections.close_all()

threads = [threading.Thread(target=writer) for _ in range(3)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT COUNT(*) FROM counter")
    print(cursor.fetchone()[0], errors)
"""


def test_sqlite_writers_wait_instead_of_failing(tmp_path):
    # Three transactions that read, pause, then write: each must wait for the others, not fail.
    result = run_python(CONCURRENT_WRITERS, tmp_path, ANHUAN_MODE="demo", DJANGO_SETTINGS_MODULE="anhuan.settings")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "3 []"
