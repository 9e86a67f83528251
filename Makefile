# Two commands do all set-up on a fresh machine:
#   make run        venv + install + chat UI on the offline default engine (no downloads)
#   make test       venv + install with the `test` extra (+ the Debian packages the tests need) + lint + every test
#   make test-fast  the same without the tests marked slow or browser: the loop while editing
#   make lint       ruff format --check, ruff check, mypy (make test runs it first); make lint-fix formats and fixes
# The venv is re-used: a second `make test` starts testing within seconds.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
# Any change to what is installed (requirements.txt, pyproject.toml) gives new stamps, so the next make reinstalls.
DEPS_HASH  := $(shell cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)
STAMP      := $(VENV)/.installed-$(DEPS_HASH)
TEST_STAMP := $(VENV)/.installed-test-$(DEPS_HASH)
ARGS   ?=
PYTEST_ARGS ?=
FAST   := not slow and not browser

.PHONY: run test test-fast lint lint-fix install install-test browser bench clean-venv

$(STAMP): requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# torch first, pinned: an unpinned torch (also pulled in by accelerate) brings GBs of CUDA wheels
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -r requirements.txt
	# the project itself, editable: `import chatbot` works from any folder, and edits here take effect at once
	$(PY) -m pip install -q --no-deps -e .
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

# pytest, Playwright, the notebook runner, ruff and mypy: the `test` extra in pyproject.toml (make run needs none)
$(TEST_STAMP): $(STAMP)
	$(PY) -m pip install -q -e ".[test]"
	@touch $(TEST_STAMP)

install: $(STAMP)
install-test: $(TEST_STAMP)

# Debian's Chromium + Korean (CJK) and colour emoji fonts for the real-browser tests and for reading the UI
# (without an emoji font 💔 draws as an empty box); Playwright never downloads a browser here.
BROWSER_PACKAGES := chromium fonts-noto-cjk fonts-noto-color-emoji
browser:
	@if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "Noto Sans CJK" \
	    && fc-list 2>/dev/null | grep -qi "Noto Color Emoji"; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null; \
	elif command -v sudo >/dev/null; then \
	  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null; \
	else echo "note: cannot install $(BROWSER_PACKAGES) (not root, no sudo): browser tests will skip"; fi

run: install
	$(PY) app.py $(ARGS)

# Formatting, lint and types before any test runs; each fails the build when the tree is not clean.
lint: install-test
	$(PY) -m ruff format --check .
	$(PY) -m ruff check .
	$(PY) -m mypy

# Formats and applies ruff's safe fixes; what is left (and every type error) is fixed by hand.
lint-fix: install-test
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .
	$(PY) -m ruff check --statistics . ; $(PY) -m mypy | tail -n 1

test: lint browser
	$(PY) -m pytest $(PYTEST_ARGS)

# Skips the tests marked slow (more than a few seconds: training, real corpora, real servers) and browser
# (Playwright); keeps the offline engine's build cache between runs (tests/conftest.py says why that is safe).
test-fast: lint
	MAEUMCHAT_TEST_CACHE=$(abspath $(VENV))/test-cache $(PY) -m pytest -m "$(FAST)" $(PYTEST_ARGS)

bench: install
	$(PY) -m bench.run_all

# One command from data to a full engine: `make train DATA=DIR [ARGS="--tiny"]` (see python -m chatbot.train_all --help)
.PHONY: train
DATA ?= ../shared/data
train: install
	$(PY) -m chatbot.train_all --data_dir $(DATA) $(ARGS)

clean-venv:
	rm -rf $(VENV)
