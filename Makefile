# sohoa — every target sets itself up (idempotent) before it runs.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
JOBS   ?= $(shell nproc)
APT_PACKAGES = tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng tesseract-ocr-osd \
               poppler-utils qpdf fonts-texgyre fonts-freefont-ttf fonts-noto-core \
               chromium fonts-liberation fonts-dejavu-core

.PHONY: run test test-fast bench setup system-deps samples train clean-out

## set-up ---------------------------------------------------------------
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing" >&2; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

setup: system-deps $(VENV)/.installed

## the two commands of the README --------------------------------------
run: setup
	$(BIN)/sohoa run data/raw -o data/clean --jobs $(JOBS)

test: setup
	$(BIN)/python -m pytest -q

test-fast: setup
	$(BIN)/python -m pytest -q -m "not integration"

## the rest ---------------------------------------------------------------
bench: setup  ## BENCH=ingest,repair,restore,tables picks some
	$(BIN)/pip install -q -e '.[test,bench]'
	$(BIN)/python -m bench.run_all

samples: setup
	$(BIN)/python -m sohoa.synth.samples --seeds ../shared/seeds -o data/raw

train: setup
	nice -n 10 $(BIN)/sohoa train --corpus ../shared/corpus/vi_legal.jsonl.gz --corpus ../shared/corpus/vi_news.jsonl.gz \
	  --corpus ../shared/seeds/001_9d1718ffb5552bb5.txt --corpus ../shared/seeds/003_7be7a533fb79af28.txt \
	  --corpus ../shared/seeds/004_1a3f513445cc5de8.txt --ocr-pages 480 --garble-pages 336 --ocr-model fast \
	  --work-dir bench/work/train_ocr \
	  -o diacritics/models/restorer.npz
	# the code table's confusions are those of the model sohoa run reads with by default ('best')
	nice -n 10 $(BIN)/python -m sohoa.diacritics.restore.codes --corpus ../shared/corpus/vi_legal.jsonl.gz \
	  --corpus ../shared/corpus/vi_news.jsonl.gz --corpus ../shared/seeds/001_9d1718ffb5552bb5.txt \
	  --corpus ../shared/seeds/003_7be7a533fb79af28.txt --corpus ../shared/seeds/004_1a3f513445cc5de8.txt \
	  --ocr-pages 80 --ocr-model best --work-dir bench/work/train_ocr -o diacritics/models/restorer.codes.tsv

clean-out:
	rm -rf data/clean/*/ data/clean/*.jsonl data/clean/*.csv
