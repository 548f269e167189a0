# The two commands a new user needs: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test install lint format sandbox bench migrate demo messages worker clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py demo_data --if-empty

# Web app on http://127.0.0.1:8000/, a Celery worker and beat, the Pennylane sandbox on :8765.
# The compiled catalogues are committed; they are rebuilt when gettext is there.
COMPILE_MESSAGES := if command -v msgfmt >/dev/null 2>&1; then $(PY) manage.py compilemessages --ignore=.venv >/dev/null; fi

run: install
	@$(COMPILE_MESSAGES)
	$(PY) scripts/dev.py

sandbox: install
	$(PY) -m sandbox serve

test: install
	@$(COMPILE_MESSAGES)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: install
	$(PY) manage.py makemessages -l en -l fr --ignore=.venv --ignore=sandbox
	$(PY) manage.py compilemessages --ignore=.venv

bench: install
	$(PY) scripts/bench.py

clean:
	rm -rf var db.sqlite3 staticfiles
