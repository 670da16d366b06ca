"""One benchmark phase in a fresh process; prints {"seconds", "peak_mb"} as JSON."""

import json
import resource
import sys
import time

import django


def _read(list_path):
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(list_path)
    return len(workbook.get_sheet_by_index(0).to_python())


def _import(list_path):
    from django.core.management import call_command

    call_command("import_reduction_list", list_path, "--year", "2025", stdout=open("/dev/null", "w"))


def _select(list_path):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM pollution_reductionentry")
        return len(cursor.fetchall())


def _derive(list_path):
    from anhuan.pollution.services.plans import compute_items_for_level

    return len(compute_items_for_level("red"))


def _issue(list_path):
    import datetime as dt

    from anhuan.core.timeutil import SHANGHAI
    from anhuan.organizations.services import get_system_user
    from anhuan.pollution.services.warnings import issue_warning

    announced = dt.datetime(2026, 12, 5, 8, 0, tzinfo=SHANGHAI)
    issue_warning(actor=get_system_user(), level="red", announced_at=announced, starts_at=announced + dt.timedelta(hours=6))


PHASES = {"read": _read, "import": _import, "select": _select, "derive": _derive, "issue": _issue}


def main():
    phase, list_path = sys.argv[1], sys.argv[2]
    django.setup()
    started = time.perf_counter()
    PHASES[phase](list_path)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb}))


if __name__ == "__main__":
    main()
