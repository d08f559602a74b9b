#!/usr/bin/env bash
# The installable app's budgets (issue 9): a first visit to a village home page and a repeat
# visit, in bytes on the wire (everything: pages, scripts, the service worker and what it
# caches); 100 items queued offline and synced under Chromium's "Slow 3G"; what the service
# worker adds to a cached navigation. The demo village on the release build; Chromium drives.
# Run through `make bench`. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${DIGDAYA_BIN:?run through make bench}
SITE=${LEPTOS_SITE_ROOT:?run through make bench}
PORT=${BENCH_PORT:-3203}
work=$(mktemp -d)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# The demo's photos (home page, articles) are written where the server will read them.
export DATABASE_URL="sqlite://$work/pwa.db?mode=rwc" DIGDAYA_DATA_DIR=$work RUST_LOG=warn
seed=$("$BIN" seed-demo --residents 2000)
LEPTOS_SITE_ADDR=127.0.0.1:$PORT DIGDAYA_TILE_URL=none "$BIN" serve &
server_pid=$!
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

echo "## Installable app: data on the wire, the outbox on Slow 3G, the service worker's cost"
(cd end2end && BENCH_SERVER="127.0.0.1:$PORT" BENCH_SEED="$seed" node ../bench/pwa.mjs)
