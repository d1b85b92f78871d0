# The two commands: `make run` and `make test`. Both set up everything they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

# The browser tests drive Debian's chromium; installed once, with sudo where we are not root.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
/usr/bin/chromium:
	$(SUDO) apt-get update -qq
	$(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

# The briefing-pack tests read the PDFs with poppler's pdftotext.
/usr/bin/pdftotext:
	$(SUDO) apt-get update -qq
	$(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils

# The briefing pack's PDF: WeasyPrint lays it out with Pango and subsets its fonts with HarfBuzz
# (Debian bookworm's libraries, as in the Dockerfile), in DejaVu Sans (Latin, Cyrillic, Arabic) and
# WenQuanYi Micro Hei (Chinese). Installed where missing.
WEASYPRINT_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-wqy-microhei
.PHONY: weasyprint-libs
weasyprint-libs:
	@missing=$$(for p in $(WEASYPRINT_DEBS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

# The restore drill's test (tests/test_backup_restore.py) runs pg_dump and pg_restore.
/usr/bin/pg_dump:
	$(SUDO) apt-get update -qq
	$(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client

# The interface's six languages: the catalogues (locale/) are committed, compiled here with
# gettext's msgfmt (docs/languages.md).
/usr/bin/msgfmt:
	$(SUDO) apt-get update -qq
	$(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext

.PHONY: messages
messages: $(VENV)/.installed /usr/bin/msgfmt
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

# After marking new strings: gather them into the five catalogues, then translate them, by hand
# or from a JSON file (scripts/fill_catalogues.py; docs/languages.md).
.PHONY: catalogues
catalogues: $(VENV)/.installed /usr/bin/msgfmt
	$(BIN)/python manage.py makemessages -l ar -l zh_Hans -l fr -l ru -l es --ignore=.venv \
		--ignore=node_modules --ignore=tests --ignore=scripts --ignore=staticfiles --no-obsolete -v0
	for po in locale/*/LC_MESSAGES/django.po; do msgcat -o $$po $$po; done

.PHONY: install run test lint duplicate-code bench bench-http contract
install: $(VENV)/.installed weasyprint-libs messages

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_emg_record
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# The tests run in parallel, a worker a core (pytest-xdist); each worker has its own test
# database and, on Redis, its own Redis database (tests/xdist_redis.py). PYTEST_WORKERS=0 runs
# them in one process.
# The browser tests also run HTML_CodeSniffer (package.json; node_modules/, made below).
PYTEST_WORKERS ?= auto
test: install /usr/bin/chromium /usr/bin/pdftotext /usr/bin/pg_dump node_modules/.package-lock.json
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python -m pytest -p tests.xdist_redis -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# Duplicate code: pylint's similarity check alone, over the product and the tests. A block of six
# lines or more written twice fails, imports, docstrings, comments and signatures aside.
DUPLICATE_CODE_PATHS := $(wildcard accounts dashboard delivery emgtracker intake meetings search workstreams) tests scripts
duplicate-code: install
	$(BIN)/pylint --disable=all --enable=duplicate-code --score=n --min-similarity-lines=6 \
	  --ignore-imports=y --ignore-docstrings=y --ignore-comments=y --ignore-signatures=y \
	  --ignore-paths='.*/migrations/.*' $(DUPLICATE_CODE_PATHS)

lint: install duplicate-code
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy accounts dashboard delivery emgtracker intake meetings search workstreams tests
	$(BIN)/python manage.py makemigrations --check --dry-run

# The speed budget (docs/benchmarks.md): every page and API list at 1, 100 and 1000 times the
# record, in a throwaway database. Against PostgreSQL with DATABASE_URL set.
bench: install
	$(BIN)/python manage.py benchmark --check $(BENCH_ARGS)

# The API contract (docs/api.md): the schema, linted with Redocly's recommended rules and
# Spectral's spectral:oas (pinned in package.json; Node 20.19 or later), then a client generated
# from it (openapi-python-client) reads every list without credentials from a live server.
CONTRACT := artifacts/contract
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error

contract: install node_modules/.package-lock.json
	mkdir -p $(CONTRACT)
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file $(CONTRACT)/schema.yaml
	REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
	  npx --no-install redocly lint --config .redocly.yaml $(CONTRACT)/schema.yaml
	npx --no-install spectral lint --fail-severity error $(CONTRACT)/schema.yaml
	CONTRACT_SCHEMA=$(CONTRACT)/schema.yaml $(BIN)/pytest -q -p no:cacheprovider \
	  tests/api/test_client.py tests/api/test_schema_lint.py

# The speed budget over HTTP (docs/benchmarks.md, "Over HTTP"): gunicorn with two workers on
# PostgreSQL at 1, 100 and 1000 times the record, in a throwaway database; writes the figures
# into docs/benchmarks.md. BENCH_HTTP_ARGS="--scales 1 100 --check" picks scales and fails
# when over budget.
bench-http: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/emgtracker} \
	  $(BIN)/python manage.py bench_http $(BENCH_HTTP_ARGS)
