# Two commands do all set-up on a fresh machine:
#   make run    venv + install + chat UI on the offline default engine (no downloads)
#   make test   venv + install (Python and Debian packages the tests need) + the whole suite
# The venv is re-used: a second `make test` starts testing within seconds.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)
ARGS   ?=
PYTEST_ARGS ?=

.PHONY: run test install browser bench clean-venv

$(STAMP): requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# torch first, pinned: an unpinned torch (also pulled in by accelerate) brings GBs of CUDA wheels
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -r requirements.txt
	# the project itself, editable: `import chatbot` works from any folder, and edits here take effect at once
	$(PY) -m pip install -q --no-deps -e .
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

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

test: install browser
	$(PY) -m pytest $(PYTEST_ARGS)

bench: install
	$(PY) -m bench.run_all

# One command from data to a full engine: `make train DATA=DIR [ARGS="--tiny"]` (see python -m chatbot.train_all --help)
.PHONY: train
DATA ?= ../shared/data
train: install
	$(PY) -m chatbot.train_all --data_dir $(DATA) $(ARGS)

clean-venv:
	rm -rf $(VENV)
