# Two commands do all set-up on a fresh machine:
#   make run    venv + install + chat UI on the offline default engine (no downloads)
#   make test   venv + install (Python and Debian packages the tests need) + the whole suite
# The venv is re-used: a second `make test` starts testing within seconds.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)
ARGS   ?=
PYTEST_ARGS ?=

.PHONY: run test install browser bench clean-venv

$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# torch first, pinned: an unpinned torch (also pulled in by accelerate) brings GBs of CUDA wheels
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -r requirements.txt
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

# Debian's Chromium + CJK fonts for the real-browser tests; Playwright never downloads a browser here.
browser:
	@if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	elif command -v sudo >/dev/null; then \
	  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	else echo "note: cannot install chromium (not root, no sudo): browser tests will skip"; fi

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
