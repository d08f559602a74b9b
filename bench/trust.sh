#!/usr/bin/env bash
# Issue 27's budgets, measured on the release server with the demo village (SQLite):
#   1. a burst of 200 concurrent sign-ins (wrong PINs, 200 client addresses behind the trusted
#      proxy): the server's RSS stays <= 200 MB and /healthz p95 <= 50 ms meanwhile;
#   2. a burst of 39-megapixel PNG uploads (the kades' letterhead logo, 8 at once): /healthz
#      p95 <= 50 ms meanwhile.
# /healthz is asked every 50 ms during each burst (from the same 2 cores: say so), RSS read every
# 50 ms. Run through `make bench`; loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${DIGDAYA_BIN:?run through make bench}
PORT=${BENCH_PORT:-3210}
BURST=${TRUST_BURST:-200}
UPLOADS=${TRUST_UPLOADS:-8}
out=bench/out
mkdir -p "$out"
work=$(mktemp -d)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

p95() { sort -n | awk '{a[NR]=$1} END {i=int(NR*0.95); if (i<1) i=1; printf "%.1f", a[i] * 1000}'; }
median() { sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)] * 1000}'; }

echo "# Trust budgets (issue 27)"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo

db="sqlite://$work/trust.db?mode=rwc"
export DIGDAYA_DATA_DIR=$work/data
export DIGDAYA_SECRET_KEY=${DIGDAYA_SECRET_KEY:-$(head -c 32 /dev/urandom | base64)}
DATABASE_URL=$db RUST_LOG=warn "$BIN" seed-demo --residents 8000 >/dev/null
DATABASE_URL=$db LEPTOS_SITE_ADDR=127.0.0.1:$PORT RUST_LOG=warn DIGDAYA_PAGE_CACHE_SECONDS=30 "$BIN" serve &
server_pid=$!
origin="http://127.0.0.1:$PORT"
for _ in $(seq 1 50); do curl -fs "$origin/healthz" >/dev/null && break; sleep 0.2; done
for _ in $(seq 1 20); do curl -s -o /dev/null "$origin/healthz"; done
sleep 1

# Samples /healthz and the server's RSS every 50 ms while $work/run exists.
sample() {
  local name=$1
  : >"$out/$name-health.txt"
  : >"$out/$name-rss.txt"
  touch "$work/run"
  (while [ -f "$work/run" ]; do
    curl -s -o /dev/null -w '%{time_total}\n' "$origin/healthz" >>"$out/$name-health.txt"
    sleep 0.05
  done) &
  health_pid=$!
  (while [ -f "$work/run" ]; do
    ps -o rss= -p "$server_pid" >>"$out/$name-rss.txt"
    sleep 0.05
  done) &
  rss_pid=$!
}
stop() {
  rm -f "$work/run"
  wait "$health_pid" "$rss_pid" 2>/dev/null || true
}

rss_idle=$(ps -o rss= -p "$server_pid" | tr -d ' ')

# 1. The sign-in burst: one curl, $BURST requests in parallel, each from its own address.
cfg=$work/burst.cfg
: >"$cfg"
for i in $(seq 1 "$BURST"); do
  [ "$i" -gt 1 ] && echo next >>"$cfg"
  printf 'url = "%s/api/auth/resident-sign-in"\nheader = "Origin: %s"\nheader = "Accept: application/json"\nheader = "X-Forwarded-For: 10.%d.%d.7"\ndata = "slug=kramatwatu&nik=360405010190%04d&pin=480213"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n' \
    "$origin" "$origin" $((i / 200)) $((i % 200)) "$i" >>"$cfg"
done
sample signin
sleep 0.5
curl -s --parallel --parallel-immediate --parallel-max "$BURST" -K "$cfg" >"$out/signin-codes.txt"
sleep 0.5
stop
codes=$(sort "$out/signin-codes.txt" | uniq -c | awk '{printf "%s×%s ", $1, $2}')
rss_peak=$(sort -n "$out/signin-rss.txt" | tail -n 1 | tr -d ' ')
echo "## Sign-in burst: $BURST at once (budget: RSS <= 200 MB, /healthz p95 <= 50 ms)"
echo "answers: $codes(400 wrong PIN, 429 locked, 503 busy beyond the hashing queue)"
echo "RSS: idle $((rss_idle / 1024)) MB, peak during the burst $((rss_peak / 1024)) MB"
echo "/healthz during the burst: $(wc -l <"$out/signin-health.txt") samples, median $(median <"$out/signin-health.txt") ms, p95 $(p95 <"$out/signin-health.txt") ms"
echo

# 2. The upload burst: the kades' letterhead logo, a 39-megapixel PNG (7,200 × 5,400, one colour).
png=$work/big.png
python3 - "$png" <<'PY'
import struct, sys, zlib
w, h = 7200, 5400
row = b"\x00" + b"\x8c\xb4\x5a" * w
body = zlib.compress(row * h, 9)
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
with open(sys.argv[1], "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", body) + chunk(b"IEND", b""))
PY
cookie=$(curl -s -o /dev/null -D - -H "Origin: $origin" -H 'Accept: application/json' \
  --data 'slug=kramatwatu&username=kades.kramatwatu&password=kopi-tubruk-kramatwatu' \
  "$origin/api/auth/sign-in" | awk -F'[:;] *' 'tolower($1) == "set-cookie" {print $2; exit}')
cfg=$work/uploads.cfg
: >"$cfg"
for i in $(seq 1 "$UPLOADS"); do
  [ "$i" -gt 1 ] && echo next >>"$cfg"
  printf 'url = "%s/api/letters/kramatwatu/logo"\nheader = "Origin: %s"\nheader = "Cookie: %s"\nform = "logo=@%s;type=image/png"\noutput = "/dev/null"\nwrite-out = "%%{http_code} %%{time_total}\\n"\n' \
    "$origin" "$origin" "$cookie" "$png" >>"$cfg"
done
sample upload
sleep 0.5
curl -s --parallel --parallel-immediate --parallel-max "$UPLOADS" -K "$cfg" >"$out/upload-codes.txt"
sleep 0.5
stop
echo "## Upload burst: $UPLOADS × a 39-megapixel PNG of $(( $(wc -c <"$png") / 1024 )) KB at once (budget: /healthz p95 <= 50 ms)"
echo "answers (status, seconds): $(awk '{printf "%s/%.1fs ", $1, $2}' "$out/upload-codes.txt")"
echo "RSS peak during the burst: $(( $(sort -n "$out/upload-rss.txt" | tail -n 1 | tr -d ' ') / 1024 )) MB"
echo "/healthz during the burst: $(wc -l <"$out/upload-health.txt") samples, median $(median <"$out/upload-health.txt") ms, p95 $(p95 <"$out/upload-health.txt") ms"
