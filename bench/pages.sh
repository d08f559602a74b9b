#!/usr/bin/env bash
# Issue 29's page budgets: what each page residents and officials work on costs a phone on a
# slow link, first visit and repeat visit (bench/pages.mjs). The demo village on the release
# build; Chromium drives. Run through `make bench`. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${DIGDAYA_BIN:?run through make bench}
: "${LEPTOS_SITE_ROOT:?run through make bench}"
PORT=${BENCH_PORT:-3204}
work=$(mktemp -d)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

export DATABASE_URL="sqlite://$work/pages.db?mode=rwc" DIGDAYA_DATA_DIR=$work RUST_LOG=warn
seed=$("$BIN" seed-demo --residents 2000)
LEPTOS_SITE_ADDR=127.0.0.1:$PORT DIGDAYA_TILE_URL=none "$BIN" serve &
server_pid=$!
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

(cd end2end && BENCH_SERVER="127.0.0.1:$PORT" BENCH_SEED="$seed" node ../bench/pages.mjs)
