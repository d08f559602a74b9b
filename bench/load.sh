#!/usr/bin/env bash
# Load test (issue 10): wrk drives bench/load.lua — public pages and data of many villages mixed
# with signed-in residents' pages — against a release `digdaya serve` on DATABASE_URL, stepping
# the number of open connections up until p95 passes a second (the break point).
#   DATABASE_URL     the dataset (e.g. the province from `province seed`); required
#   LOAD_STEPS       connection counts to try (default "8 16 32 64 128 256 512")
#   LOAD_DURATION    seconds per step (default 20)
#   LOAD_ENCODING    the requests' Accept-Encoding (default "gzip, deflate, br", as a phone sends)
#   LOAD_WRITES      per mille of requests that are a resident's complaint report (default 10)
# wrk and the server share this machine's cores: the numbers include the load generator's cost.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${DATABASE_URL:?set DATABASE_URL to the dataset}"
BIN=${DIGDAYA_BIN:-$HOME/.cache/digdaya/target/release/digdaya}
SITE=${LEPTOS_SITE_ROOT:-$PWD/target/site}
PORT=${LOAD_PORT:-3300}
STEPS=${LOAD_STEPS:-8 16 32 64 128 256 512}
DURATION=${LOAD_DURATION:-20}
out=bench/out
mkdir -p "$out"
if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian)"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
fi
if [ -z "${PROVINCE_BIN:-}" ]; then
  cargo build --release --quiet --no-default-features --features ssr --example province
  PROVINCE_BIN=${CARGO_TARGET_DIR:-$HOME/.cache/digdaya/target}/release/examples/province
fi
example() { "$PROVINCE_BIN" "$@"; }

echo "preparing villages and resident sessions…"
example villages 500 >"$out/load-villages.txt"
example sessions 300 >"$out/load-sessions.txt"
echo "$(wc -l <"$out/load-villages.txt") villages, $(wc -l <"$out/load-sessions.txt") signed-in residents"

server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null' EXIT
export LOAD_ORIGIN="http://127.0.0.1:$PORT"
LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_SITE_ROOT="$SITE" RUST_LOG=warn DIGDAYA_API_RATE_LIMIT=100000000 \
  "$BIN" serve 2>"$out/load-server.log" &
server=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
# Each signed-in resident's village's first dusun, for the reports they send (LOAD_WRITES).
python3 - "$PORT" "$out/load-sessions.txt" >"$out/load-writers.txt" <<'PY'
import json, sys, urllib.parse, urllib.request
port, sessions = sys.argv[1], sys.argv[2]
for line in open(sessions):
    slug, cookie = line.rstrip("\n").split("\t")
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/complaints/form",
        data=urllib.parse.urlencode({"slug": slug}).encode(),
        headers={"Cookie": cookie, "Origin": f"http://127.0.0.1:{port}", "Accept": "application/json"},
    )
    dusun = json.load(urllib.request.urlopen(req))["dusun"]
    if dusun:
        print(f"{slug}\t{cookie}\t{dusun[0][0]}")
PY
export LOAD_WRITERS="$out/load-writers.txt"
# Warm-up: every village's pages once through the caches.
wrk -t2 -c8 -d10s --timeout 10s -s bench/load.lua "http://127.0.0.1:$PORT" >/dev/null

echo
echo "| connections | requests/s | p50 | p95 | p99 | non-2xx | socket errors |"
echo "|---|---|---|---|---|---|---|"
for c in $STEPS; do
  line=$(wrk -t2 -c"$c" -d"${DURATION}s" --timeout 10s -s bench/load.lua "http://127.0.0.1:$PORT" | grep '^{')
  echo "$line" >>"$out/load.jsonl"
  python3 - "$c" "$line" <<'PY'
import json, sys
c, r = sys.argv[1], json.loads(sys.argv[2])
print(f"| {c} | {r['rps']:.0f} | {r['p50_ms']:.1f} ms | {r['p95_ms']:.1f} ms | {r['p99_ms']:.1f} ms | {r['non_2xx']} | {r['socket_errors']} |")
PY
  p95=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['p95_ms'])" "$line")
  if python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) > 1000 else 1)" "$p95"; then
    echo
    echo "break point: p95 passed 1 s at $c connections"
    break
  fi
done
echo "server RSS at the end: $(ps -o rss= -p "$server" | awk '{printf "%.0f MB", $1/1024}')"
