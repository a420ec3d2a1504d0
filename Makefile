# The doors a newcomer walks through: make run, make test, make lint.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
FLASK := $(BIN)/flask --app harkat

.PHONY: run test lint format bench vendor load clean

# Reinstall when the declared dependencies change.
$(VENV)/.installed: setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: $(VENV)/.installed
	@if [ -z "$$HARKAT_PUBLIC_BASE_URL" ] && ! grep -qs '^PUBLIC_BASE_URL' instance/config.py; then \
		echo "PERINGATAN: HARKAT_PUBLIC_BASE_URL belum diatur; kode QR dan tautan WhatsApp akan memakai http://localhost:5000."; \
		echo "            Contoh: HARKAT_PUBLIC_BASE_URL=https://harkat.jambikota.go.id make run"; \
	fi
	$(FLASK) db upgrade
	$(FLASK) seed reference
	$(FLASK) users demo
	$(FLASK) run --host $(HOST) --port $(PORT)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The whole suite on SQLite; then every database test again on PostgreSQL when
# HARKAT_TEST_DATABASE_URL names a scratch database (see .ci/run). Tests run in parallel, one
# pytest-xdist worker per core (TEST_WORKERS=0: one process); on PostgreSQL each worker creates a
# database of its own beside the scratch one (<name>_gw0, <name>_gw1 …) and drops it afterwards.
TEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal
test: lint
	@echo "== pytest on SQLite =="
	HARKAT_TEST_BACKEND=sqlite $(PYTEST)
	@if [ -n "$$HARKAT_TEST_DATABASE_URL" ]; then \
		echo "== pytest on PostgreSQL ($$HARKAT_TEST_DATABASE_URL) =="; \
		HARKAT_TEST_BACKEND=postgresql $(PYTEST); \
	else \
		echo "== PostgreSQL skipped: HARKAT_TEST_DATABASE_URL is not set =="; \
	fi

# Speed at scale: pages, downloads, the monthly report and an import at 100k entrepreneurs
# (ENTREPRENEURS=… to change) on SQLite, or on PostgreSQL with
# BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/harkat_bench (a scratch database:
# it is emptied and seeded on the first run, reused after).
ENTREPRENEURS ?= 100000
BENCH_DIR ?= /tmp/harkat-bench-$(ENTREPRENEURS)$(if $(BENCH_DATABASE_URL),-pg)
BENCH_DB := $(if $(BENCH_DATABASE_URL),--database-url $(BENCH_DATABASE_URL))
# Then a facilitator's phone on Slow 3G (benchmarks/phone.py, a small instance of its own): bytes
# on the wire and load time of the first visit and of later pages; fails when a target is missed.
bench: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[deploy]'
	$(BIN)/python benchmarks/pages.py --entrepreneurs $(ENTREPRENEURS) --reuse $(BENCH_DIR) $(BENCH_DB)
	$(BIN)/python benchmarks/report_generation.py --entrepreneurs $(ENTREPRENEURS) --reuse $(BENCH_DIR) $(BENCH_DB)
	$(BIN)/python benchmarks/phone.py --reuse /tmp/harkat-bench-phone

# Rebuild the purged Bootstrap CSS in harkat/static/vendor from the npm registry (needs npm);
# run it after using a Bootstrap class no template used before, then commit the output.
vendor:
	scripts/vendor_static.sh

# 50 concurrent users for three minutes through gunicorn; fails on any error.
load: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[deploy]'
	$(BIN)/python benchmarks/load.py --entrepreneurs $(ENTREPRENEURS) --reuse $(BENCH_DIR) $(BENCH_DB)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
