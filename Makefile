# The two commands a newcomer needs: `make run` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-stamp

.PHONY: run test bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[test]'
	$(VENV)/bin/python -m domain.capture.build
	touch $(STAMP)

# The report classifier's fitted model (var/build/): fitted again only when its data changed.
# The PDFs' CJK font cut (var/build/): cut again only when the system's font changed.
run: $(STAMP)
	$(VENV)/bin/python -m domain.capture.build
	$(VENV)/bin/python -m handlers.documents.build_font
	$(VENV)/bin/sitebot serve --demo

test: $(STAMP)
	$(VENV)/bin/python -m domain.capture.build
	scripts/ensure-chromium
	scripts/ensure-cjk-font
	$(VENV)/bin/python -m handlers.documents.build_font
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/pytest -q $(PYTEST_ARGS)
