#!/usr/bin/env bash
# Issue 29's page budgets: what each page residents and officials work on costs a phone on a
# slow link, first visit and repeat visit (bench/pages.mjs). The demo village on the release
# build; Chromium drives. Run through `make bench`. Loopback only. Then the first visits again
# through deploy/Caddyfile (HTTPS, HTTP/2), when Caddy is installed (.ci/setup.sh --test).
#   BENCH_PAGES   only these pages (space-separated paths), BENCH_H2=0 without the HTTP/2 run
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${DIGDAYA_BIN:?run through make bench}
: "${LEPTOS_SITE_ROOT:?run through make bench}"
PORT=${BENCH_PORT:-3204}
work=$(mktemp -d)
server_pid=""
caddy_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  [ -n "$caddy_pid" ] && kill "$caddy_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

export DATABASE_URL="sqlite://$work/pages.db?mode=rwc" DIGDAYA_DATA_DIR=$work RUST_LOG=warn
seed=$("$BIN" seed-demo --residents 2000)
LEPTOS_SITE_ADDR=127.0.0.1:$PORT DIGDAYA_TILE_URL=none "$BIN" serve &
server_pid=$!
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

(cd end2end && BENCH_SERVER="127.0.0.1:$PORT" BENCH_SEED="$seed" node ../bench/pages.mjs)

[ "${BENCH_H2:-1}" = 0 ] && exit 0
command -v caddy >/dev/null || { echo "(no caddy: the HTTP/2 figures are skipped)"; exit 0; }
H2_PORT=$((PORT + 1000))
HOME=$work XDG_DATA_HOME=$work XDG_CONFIG_HOME=$work DIGDAYA_HOST=localhost:$H2_PORT \
  DIGDAYA_UPSTREAM=127.0.0.1:$PORT CADDY_GLOBAL_OPTIONS=$'admin off\nskip_install_trust\nauto_https disable_redirects' \
  caddy run --adapter caddyfile --config deploy/Caddyfile >"$work/caddy.log" 2>&1 &
caddy_pid=$!
for _ in $(seq 1 75); do curl -fsk "https://localhost:$H2_PORT/healthz" >/dev/null && break; sleep 0.2; done
echo ""
(cd end2end && BENCH_ORIGIN="https://localhost:$H2_PORT" BENCH_LABEL="HTTP/2 through deploy/Caddyfile" BENCH_REPEAT=0 BENCH_PIN_CHANGED=1 \
  BENCH_SEED="$seed" node ../bench/pages.mjs)
