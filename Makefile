# Digdaya: the words a newcomer would guess.
#   make run    set up, build, create data/digdaya.db with the demo village, serve on :3000
#   make test   set up, build, run every test (unit, integration on SQLite and PostgreSQL, API
#               fuzzing with Schemathesis, browser)
#   make bench  measure the budgets into bench/out and print them (see BENCHMARKS.md)
#   make fuzz   throw arbitrary and mutated files at every importer for a bounded time
#   make lighthouse   Lighthouse 12.2.3 (mobile) on the demo portal (also part of make bench)
# Builds go to a target dir outside the clone so that fresh clones reuse a warm build.

export CARGO_TARGET_DIR ?= $(HOME)/.cache/digdaya/target
# cargo-leptos sets this while building; leptos reads it at compile time (the name of the WASM
# file). Setting it for plain cargo commands too keeps them from rebuilding leptos back and forth.
export LEPTOS_OUTPUT_NAME := digdaya
export LEPTOS_SITE_ROOT ?= $(CURDIR)/target/site
BIN := $(CARGO_TARGET_DIR)/release/digdaya
# wasm-opt (binaryen from npm, installed by .ci/setup.sh) must come before any other on PATH.
export PATH := $(HOME)/.cache/digdaya/tools/node_modules/.bin:$(PATH)
export DIGDAYA_BIN := $(BIN)
export DATABASE_URL ?= sqlite://data/digdaya.db?mode=rwc

.PHONY: run test setup setup-test build front precompress unit fuzz guard wasm-budget e2e api-check bench province load lighthouse fmt lint FORCE

run: setup build
	@$(BIN) migrate
	@$(BIN) seed-demo --if-empty
	@echo ""
	@echo "Digdaya runs at http://$${LEPTOS_SITE_ADDR:-127.0.0.1:3000}/  (demo village: /kramatwatu)"
	@echo ""
	@exec $(BIN) serve

# The tests build the server themselves: `cargo test` compiles the crate with the
# dev-dependencies' features (reqwest's json and multipart, lopdf's crypto crates), so a server
# built apart (`make build`) would have the whole crate compiled a second time. The browser's
# side comes from cargo-leptos alone (`front`), and the tests' binary serves the browser tests.
test: setup-test guard front wasm-budget unit fuzz api-check e2e

setup:
	@.ci/setup.sh

setup-test:
	@.ci/setup.sh --test

# Release build of the server binary and the WASM bundle, only when a source changed (or the
# binary is gone): a second `make run` starts in seconds.
SOURCES := $(shell find src migrations/src style public -type f) Cargo.toml Cargo.lock \
	migrations/Cargo.toml .cargo/config.toml
STAMP := $(LEPTOS_SITE_ROOT)/.built

build: $(STAMP)

# The stamp takes the build's start time (cargo-leptos empties the site folder meanwhile), so a
# source changed while it runs is built next time.
$(STAMP): $(SOURCES) $(if $(wildcard $(BIN)),,FORCE)
	@mkdir -p target && touch target/.build-start
	cargo leptos build --release --split
	@$(MAKE) --no-print-directory precompress
	@mv target/.build-start $@

FORCE:

# Only what the browser gets (WASM, JS, CSS, public/), for `make test`.
FRONT := $(LEPTOS_SITE_ROOT)/.front

front: $(FRONT)

$(FRONT): $(SOURCES)
	@mkdir -p target && touch target/.front-start
	cargo leptos build --release --split --frontend-only
	@$(MAKE) --no-print-directory precompress
	@mv target/.front-start $@

# Serve pkg and vendored files precompressed (brotli 11, gzip 9), as a real deployment would;
# the WASM files first lose the custom sections browsers ignore (.ci/strip-wasm.mjs), then every
# lazily loaded part gets its files in one bundle (.ci/bundle-wasm.mjs).
precompress:
	@node .ci/strip-wasm.mjs $(LEPTOS_SITE_ROOT)/pkg/*.wasm
	@node .ci/bundle-wasm.mjs $(LEPTOS_SITE_ROOT)/pkg
	@for f in $(LEPTOS_SITE_ROOT)/pkg/*.wasm $(LEPTOS_SITE_ROOT)/pkg/*.bin $(LEPTOS_SITE_ROOT)/pkg/*.js $(LEPTOS_SITE_ROOT)/pkg/*.css \
	  $(LEPTOS_SITE_ROOT)/vendor/*/*.js $(LEPTOS_SITE_ROOT)/vendor/*/*.css; do \
	  [ -f "$$f" ] || continue; \
	  [ "$$f.br" -nt "$$f" ] || brotli -q 11 -f -k "$$f"; \
	  [ "$$f.gz" -nt "$$f" ] || gzip -9 -f -k "$$f"; \
	done

# Guardrails that need no build: the code formatted as rustfmt.toml says, and the import rules
# of the house (.ci/imports.py: no slice imports the assembly, no circle between slices; the
# breaks still left are listed in .ci/imports.allow, which may only shrink).
guard:
	cargo fmt --check
	python3 .ci/imports.py

# After the build: the main WASM module within 250 KB brotli, and wasm-split not falling back
# to keeping the whole data segment in it (.ci/wasm-budget.py).
wasm-budget:
	python3 .ci/wasm-budget.py

# Unit and integration tests, with the release profile so that they reuse the server build.
# PostgreSQL variants run when DATABASE_URL_PG is set (.ci/run sets it).
unit:
	cargo test --release --no-default-features --features ssr

# Every importer against arbitrary and mutated files (src/fuzz.rs): the property tests with many
# cases, for at most FUZZ_SECONDS (cases after that pass at once; a failure before fails the
# run). `make unit` runs the same tests with a few dozen cases each.
FUZZ_SECONDS ?= 180
FUZZ_CASES ?= 100000
fuzz:
	PROPTEST_CASES=$(FUZZ_CASES) FUZZ_UNTIL=$$(( $$(date +%s) + $(FUZZ_SECONDS) )) \
	  cargo test --release --no-default-features --features ssr --lib fuzz

e2e:
	cd end2end && npx playwright test

# Schemathesis against /api/v1/openapi.json on a running server (SQLite, and PostgreSQL when
# DATABASE_URL_PG is set): no 5xx, every answer as the document says.
api-check:
	.ci/api-check.sh

bench: setup build
	cargo run --release --quiet --no-default-features --features ssr --example argon2
	bench/run.sh
	bench/map.sh
	cargo run --release --quiet --no-default-features --features ssr --example registry -- sqlite
	cargo run --release --quiet --no-default-features --features ssr --example registry -- postgres
	cargo run --release --quiet --no-default-features --features ssr --example letters -- sqlite
	cargo run --release --quiet --no-default-features --features ssr --example letters -- postgres
	cargo run --release --quiet --no-default-features --features ssr --example market -- sqlite
	cargo run --release --quiet --no-default-features --features ssr --example market -- postgres
	bench/market-wire.sh
	bench/pwa.sh
	bench/pages.sh
	bench/trust.sh
	bench/lighthouse.sh

# Issue 10's scale figures, apart from `make bench` (seeding Banten's 1,552 villages, 12.9 M
# residents and ~10 GB, took 41 minutes on the 2-core machine of BENCHMARKS.md; it resumes where it
# stopped):
#   make province DATABASE_URL=postgres://postgres@127.0.0.1:5432/digdaya_province
#   make load     DATABASE_URL=postgres://postgres@127.0.0.1:5432/digdaya_province
province: setup build
	cargo run --release --quiet --no-default-features --features ssr --example province -- seed
	cargo run --release --quiet --no-default-features --features ssr --example province -- search

load: setup build
	bench/load.sh

# Lighthouse 12.2.3 (mobile) on the demo village's home page, an article and its statistics.
lighthouse: setup-test build
	bench/lighthouse.sh

fmt:
	cargo fmt --all

lint:
	cargo clippy --no-default-features --features ssr --all-targets -- -D warnings
	cargo clippy --no-default-features --features hydrate --target wasm32-unknown-unknown --lib -- -D warnings
