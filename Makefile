# hsbp developer commands. `make demo` and `make test` are the README's two commands.
VENV ?= .venv
PY := $(VENV)/bin/python
LOCALES := en es fr bs ar sw
PYTEST_ARGS ?=

.PHONY: install demo test lint format ci i18n-extract i18n-update i18n-compile

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(VENV)/bin/hsbp demo

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) tools/i18n.py check

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

ci:
	bash .ci/run

# The translation loop: extract -> update -> translate the .po files -> compile.
i18n-extract: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k _p:1c,2 -k lazy_pgettext:1c,2 -k N_ -k NP_:1c,2 \
	  --no-wrap --sort-by-file --project=hsbp --copyright-holder="hsbp contributors" \
	  -o translations/messages.pot .

i18n-update: i18n-extract
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations --no-wrap --ignore-obsolete
	$(PY) tools/i18n.py fill-en

i18n-compile: install
	for locale in $(LOCALES); do $(VENV)/bin/pybabel compile -d translations -l $$locale || exit 1; done
