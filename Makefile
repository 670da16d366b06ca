# Two commands a user needs: `make run` (platform with demo data) and `make test`.
SHELL := /bin/bash
UV ?= $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
PY := $(UV) run --frozen python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-pg bench install browser messages check clean-demo

$(UV):
	python3 -m pip install --user --quiet uv || python3 -m pip install --quiet uv

install: $(UV)
	$(UV) sync --frozen

# Debian's Chromium for the browser tests; installed only when missing.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is missing: run 'sudo apt-get install chromium' for the browser tests" >&2; exit 1; fi; \
	fi

# Compiled catalogs are committed; recompile when gettext is present.
messages: install
	@if command -v msgfmt >/dev/null; then ANHUAN_MODE=test $(PY) manage.py compilemessages --ignore=.venv >/dev/null; fi

run: install messages
	ANHUAN_MODE=demo $(PY) manage.py migrate --noinput
	ANHUAN_MODE=demo $(PY) manage.py load_demo
	ANHUAN_MODE=demo $(PY) manage.py run_huey --workers 2 & \
	  worker=$$!; trap "kill $$worker" EXIT; \
	  ANHUAN_MODE=demo $(PY) manage.py runserver --insecure $(HOST):$(PORT)

test: install browser messages
	DJANGO_SETTINGS_MODULE=anhuan.settings_test $(UV) run --frozen pytest

# The same suite against the PostgreSQL server on loopback.
test-pg: install browser messages
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/anhuan} \
	  DJANGO_SETTINGS_MODULE=anhuan.settings_test $(UV) run --frozen pytest

bench: install
	$(PY) -m anhuan.bench
