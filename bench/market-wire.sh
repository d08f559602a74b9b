#!/usr/bin/env bash
# The market's budget on the wire (issue 7): the catalogue's first page <= 200 KB including the
# thumbnails above the fold, on a 360 px phone's first visit. The market of bench/market.rs
# (10,000 products in 500 shops) with photos on the newest products, served by the release
# build; Chromium weighs what it transfers. Run through `make bench`. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${DIGDAYA_BIN:?run through make bench}
SITE=${LEPTOS_SITE_ROOT:?run through make bench}
PORT=${BENCH_PORT:-3202}
work=$(mktemp -d)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

cargo run --quiet --release --no-default-features --features ssr --example market -- photos "$work"
export DATABASE_URL="sqlite://$work/market.db?mode=rwc" RUST_LOG=warn
DIGDAYA_DATA_DIR=$work LEPTOS_SITE_ADDR=127.0.0.1:$PORT DIGDAYA_TILE_URL=none "$BIN" serve &
server_pid=$!
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

echo "## Market: the catalogue's first page on the wire (budget: <= 200 KB with the thumbnails above the fold)"
(cd end2end && BENCH_ORIGIN="http://127.0.0.1:$PORT" node ../bench/market-wire.mjs)
