# fangfan — the README's commands. `make demo` and `make test` work on a machine with only Swift:
# they install the Debian packages the build needs when they are missing.

SWIFT ?= swift
BUILD_FLAGS ?=
APT_PACKAGES := libxml2-dev zlib1g-dev libsqlite3-dev libpq-dev pkg-config
# what the tests drive besides Swift: headless Chromium renders report.html, LibreOffice opens the town lists and
# prints them (pdfinfo, of poppler-utils, reads the pages back), a throwaway PostgreSQL server
# (tools/pg-test-server.sh) holds the shared ledger
PG_APT_PACKAGES := postgresql
TEST_APT_PACKAGES := chromium libreoffice-calc poppler-utils $(PG_APT_PACKAGES)
# swift format (ships with the toolchain), configured by .swift-format
LINT_PATHS := Sources Tests Package.swift Fuzz
DEMO_DIR ?= demo
DEMO_MONTH ?= 2021-05
BIN := .build/debug
RBIN := .build/release

.PHONY: deps test-deps pg-deps bench-ledger build release test demo pictures bench bench-quick fuzz fuzz-smoke sanitize lint format clean fixtures

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# Installed without their recommends (what the two tests need); about 220 MB to fetch, 715 MB on disk.
test-deps:
	@missing=""; for p in $(TEST_APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing (for the tests):$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# The PostgreSQL server alone (the bench's ledger measurement starts a throwaway one).
pg-deps:
	@missing=""; for p in $(PG_APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps
	$(SWIFT) build $(BUILD_FLAGS)

release: deps
	$(SWIFT) build -c release $(BUILD_FLAGS)

# The tests run beside a throwaway PostgreSQL server (the shared ledger's tests; stopped after, even on failure).
test: deps test-deps
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	bash tools/pg-test-server.sh $(SWIFT) test --skip-build $(BUILD_FLAGS)

# A finished run on the fixture county: copies fixtures/inbox to $(DEMO_DIR)/ and runs the month.
demo: build
	@rm -rf $(DEMO_DIR) && mkdir -p $(DEMO_DIR) && cp -R fixtures/county/inbox $(DEMO_DIR)/inbox
	@find $(DEMO_DIR)/inbox -type f -exec touch -d '2 minutes ago' {} +
	$(BIN)/fangfan run --month $(DEMO_MONTH) --today 2021-06-02 \
	  --inbox $(DEMO_DIR)/inbox --state $(DEMO_DIR)/state --out $(DEMO_DIR)/out; \
	  status=$$?; [ $$status = 0 ] || [ $$status = 65 ] || exit $$status
	@echo
	@echo "Done. For $(DEMO_MONTH):"
	@echo "  town lists:  $(DEMO_DIR)/out/$(DEMO_MONTH)/towns/   (one .xlsx and .csv per 乡镇)"
	@echo "  report:      $(DEMO_DIR)/out/$(DEMO_MONTH)/report.html"
	@echo "  summary:     $(DEMO_DIR)/out/$(DEMO_MONTH)/summary.json"
	@echo "  quarantine:  $(DEMO_DIR)/out/$(DEMO_MONTH)/quarantine.csv"
	@echo "  ledger:      $(BIN)/fangfan ledger counts --state $(DEMO_DIR)/state"

# The README's pictures from a real run of the current code: the demo's report page (headless Chromium) and one
# town's list (LibreOffice, pdftoppm) → docs/report-example.png, docs/list-example.png. Installs what is missing.
pictures: demo
	DEMO_DIR=$(DEMO_DIR) DEMO_MONTH=$(DEMO_MONTH) sh tools/pictures.sh

fixtures:
	python3 tools/gen.py --seed 7 --households 300 --messy --out fixtures/county/inbox

# fangfan run vs the same job in DuckDB SQL (tools/oracle.py), county and province scale, and the case ledger's
# write at province scale, SQLite vs PostgreSQL (a throwaway server); results in bench-data/results.md
bench: deps pg-deps
	$(SWIFT) build -c release $(BUILD_FLAGS)
	python3 tools/bench.py $(BENCH_FLAGS)

# the same harness on 15,000 households, one repetition (seconds): to try it
bench-quick: deps pg-deps
	$(SWIFT) build -c release $(BUILD_FLAGS)
	python3 tools/bench.py --quick $(BENCH_FLAGS)

# only the ledger's write at province scale, SQLite vs PostgreSQL; results in bench-data/results-ledger.md
bench-ledger: deps pg-deps
	$(SWIFT) build -c release $(BUILD_FLAGS)
	python3 tools/bench.py --ledger-only $(BENCH_FLAGS)

# libFuzzer targets (fuzzer + AddressSanitizer) for the CSV, XML, XLSX readers and the value parsers: the package in
# Fuzz/, which links this package's FangfanCore; built in .build-fuzz, never by a plain `swift build`.
# `make fuzz` runs each target FUZZ_SECONDS (60); `make fuzz-smoke` (CI) replays Fuzz/seeds and runs each for 5 s.
FUZZ_SECONDS ?= 60
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) SWIFT=$(SWIFT) bash Fuzz/run.sh

fuzz-smoke: deps
	FUZZ_SECONDS=5 SWIFT=$(SWIFT) bash Fuzz/run.sh --smoke

# The test suite under AddressSanitizer and ThreadSanitizer.
sanitize: deps test-deps
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	FANGFAN_SANITIZER=1 bash tools/pg-test-server.sh $(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	FANGFAN_SANITIZER=1 bash tools/pg-test-server.sh $(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan

# Fails (non-zero) on any finding.
lint:
	$(SWIFT) format lint --strict --parallel -r $(LINT_PATHS)

# Rewrites the files in place to the .swift-format style.
format:
	$(SWIFT) format format --in-place --parallel -r $(LINT_PATHS)

clean:
	rm -rf .build .build-fuzz $(DEMO_DIR)
