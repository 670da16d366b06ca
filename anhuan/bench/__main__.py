"""Benchmarks of the main job: `make bench` (python -m anhuan.bench).

Each phase runs in its own Python process against one fresh database, so
the peak memory (ru_maxrss) of a phase is that phase's own:

* read: python-calamine reads the list file (the baseline of the import);
* import: `import_reduction_list` validates and writes the same file;
* select: a bare SELECT of the same entries (the baseline of the derivation);
* derive: the entries in the area are loaded and the city-wide red plan computed;
* issue: a red warning is issued, which derives the plan and stores its items.

The figures are printed as a Markdown table for docs/benchmarks.md.
"""

import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROWS = int(os.environ.get("BENCH_ROWS", "40000"))
PHASES = ["read", "import", "select", "derive", "issue"]


def _run_phase(phase, workdir, list_path):
    env = dict(os.environ, ANHUAN_MODE="test", ANHUAN_VAR_DIR=str(workdir), DJANGO_SETTINGS_MODULE="anhuan.settings_test")
    output = subprocess.run(
        [sys.executable, "-m", "anhuan.bench.phase", phase, str(list_path)],
        env=env, check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def _machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    with open("/proc/meminfo", encoding="utf-8") as handle:
        memory_kb = int(handle.readline().split()[1])
    return f"{cpu}, {os.cpu_count()} cores, {memory_kb / 1024 / 1024:.0f} GiB, Python {platform.python_version()}"


def main():
    from anhuan.bench.listfile import write_list

    with tempfile.TemporaryDirectory(prefix="anhuan-bench-") as tmp:
        workdir = Path(tmp)
        list_path = workdir / "reduction-list-40000.xlsx"
        write_list(list_path, ROWS)
        env = dict(os.environ, ANHUAN_MODE="test", ANHUAN_VAR_DIR=str(workdir), DJANGO_SETTINGS_MODULE="anhuan.settings_test")
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], env=env, check=True)
        results = {phase: _run_phase(phase, workdir, list_path) for phase in PHASES}

    database = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    print(f"Machine: {_machine()}; database: {database}; rows: {ROWS}")
    print()
    print("| phase | seconds | peak RSS (MB) |")
    print("|---|---|---|")
    for phase in PHASES:
        print(f"| {phase} | {results[phase]['seconds']:.2f} | {results[phase]['peak_mb']:.0f} |")
    read, imported = results["read"]["seconds"], results["import"]["seconds"]
    select, derive = results["select"]["seconds"], results["derive"]["seconds"]
    print()
    print(f"import / read = {imported / read:.2f} (target ≤ 3)")
    print(f"derive / select = {derive / select:.2f} (target ≤ 3)")
    print(f"import peak RSS = {results['import']['peak_mb']:.0f} MB (target ≤ 512)")


if __name__ == "__main__":
    main()
