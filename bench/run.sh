#!/usr/bin/env bash
# Measures the budgets of BENCHMARKS.md on this machine: WASM size, home page TTFB, idle RSS,
# seed-demo time. Run through `make bench` (which builds the release first). Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${DIGDAYA_BIN:?run through make bench}
SITE=${LEPTOS_SITE_ROOT:?run through make bench}
PORT=${BENCH_PORT:-3200}
RUNS=${BENCH_RUNS:-5}
REQUESTS=${BENCH_REQUESTS:-300}
out=bench/out
mkdir -p "$out"
work=$(mktemp -d)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
p95() { sort -n | awk '{a[NR]=$1} END {i=int(NR*0.95); if (i<1) i=1; print a[i]}'; }

echo "# Digdaya benchmark run"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo

# 1. WASM bundle of the shell (release, wasm-opt'd by cargo-leptos).
# The main bundle every page loads; the lazily loaded chunks (admin and account pages) are
# reported beside it.
wasm="$SITE/pkg/digdaya.wasm"
raw=$(wc -c <"$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
br=$(brotli -q 11 -c "$wasm" | wc -c)
js=$(brotli -q 11 -c "$SITE"/pkg/digdaya.js | wc -c)
css=$(brotli -q 11 -c "$SITE"/pkg/digdaya.css | wc -c)
echo "## WASM (budget: <= 250 KB brotli)"
echo "wasm raw: $((raw / 1024)) KB, gzip -9: $((gz / 1024)) KB, brotli -q 11: $((br / 1024)) KB ($br bytes)"
echo "js brotli: $js bytes, css brotli: $css bytes"
chunks=$(ls "$SITE"/pkg/*.wasm | grep -v '/digdaya.wasm$' || true)
if [ -n "$chunks" ]; then
  largest=$(for c in $chunks; do brotli -q 11 -c "$c" | wc -c; done | sort -n | tail -n 1)
  echo "lazy chunks: $(echo "$chunks" | wc -l) files, largest $largest bytes brotli (loaded on first visit of its page)"
fi
echo

# 2. seed-demo of 8,000 residents, each run on a fresh SQLite database.
echo "## seed-demo, 8,000 residents, fresh SQLite (budget: <= 10 s), $RUNS runs"
times=()
for i in $(seq 1 "$RUNS"); do
  db="sqlite://$work/seed$i.db?mode=rwc"
  DATABASE_URL=$db "$BIN" migrate >/dev/null 2>&1
  start=$(date +%s.%N)
  DATABASE_URL=$db RUST_LOG=warn "$BIN" seed-demo --residents 8000 >/dev/null
  end=$(date +%s.%N)
  times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')")
done
printf '%s\n' "${times[@]}" >"$out/seed.txt"
echo "runs (s): ${times[*]}"
echo "median: $(median <"$out/seed.txt") s"
echo

# 3. The server on a seeded database: idle RSS, then TTFB of the village home page.
db="sqlite://$work/server.db?mode=rwc"
DATABASE_URL=$db RUST_LOG=warn "$BIN" seed-demo --residents 8000 >/dev/null
DATABASE_URL=$db LEPTOS_SITE_ADDR=127.0.0.1:$PORT RUST_LOG=warn "$BIN" serve &
server_pid=$!
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
sleep 2
rss_start=$(ps -o rss= -p "$server_pid" | tr -d ' ')
url="http://127.0.0.1:$PORT/kramatwatu"
for _ in $(seq 1 30); do curl -s -o /dev/null -H 'Accept-Encoding: br, gzip' "$url"; done
: >"$out/ttfb.txt"
for _ in $(seq 1 "$REQUESTS"); do
  curl -s -o /dev/null -H 'Accept-Encoding: br, gzip' -w '%{time_starttransfer}\n' "$url" >>"$out/ttfb.txt"
done
sleep 2
rss_after=$(ps -o rss= -p "$server_pid" | tr -d ' ')
to_ms() { awk '{printf "%.2f\n", $1 * 1000}'; }
echo "## Home page /kramatwatu, TTFB on localhost (budget: median <= 20 ms), $REQUESTS requests after 30 warm-up"
echo "median: $(median <"$out/ttfb.txt" | to_ms) ms, p95: $(p95 <"$out/ttfb.txt" | to_ms) ms"
html=$(curl -s -H 'Accept-Encoding: br, gzip' "$url" | wc -c)
echo "HTML as served to a browser (gzip): $html bytes"
echo
# 4. The authorisation check: the admin overview (session + official looked up, then the same
#    aggregates) against the public summary (the aggregates alone), same village, same data.
origin="http://127.0.0.1:$PORT"
cookie=$(curl -s -o /dev/null -D - -H "Origin: $origin" -H 'Accept: application/json' \
  --data 'slug=kramatwatu&username=kades.kramatwatu&password=kopi-tubruk-kramatwatu' \
  "$origin/api/auth/sign-in" | awk -F'[:;] *' 'tolower($1) == "set-cookie" {print $2; exit}')
for kind in public authorised; do
  if [ "$kind" = public ]; then ep=population/summary; hdr="X-None: 1"; else ep=auth/admin-overview; hdr="Cookie: $cookie"; fi
  for _ in $(seq 1 20); do curl -s -o /dev/null -H "Origin: $origin" -H "$hdr" --data slug=kramatwatu "$origin/api/$ep"; done
  : >"$out/$kind.txt"
  for _ in $(seq 1 "$REQUESTS"); do
    curl -s -o /dev/null -H "Origin: $origin" -H "$hdr" -w '%{time_starttransfer}\n' --data slug=kramatwatu "$origin/api/$ep" >>"$out/$kind.txt"
  done
done
pub=$(median <"$out/public.txt" | to_ms)
auth=$(median <"$out/authorised.txt" | to_ms)
echo "## Authorisation check (budget: <= 1 ms median over an unauthenticated handler)"
echo "public summary: $pub ms median; admin overview (signed in): $auth ms median; difference: $(awk -v a="$auth" -v p="$pub" 'BEGIN { printf "%.2f", a - p }') ms"
echo

echo "## Server RSS at idle (budget: <= 60 MB)"
echo "after start-up: $((rss_start / 1024)) MB; idle after $((REQUESTS + 30)) requests: $((rss_after / 1024)) MB"
