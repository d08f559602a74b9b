#!/usr/bin/env bash
# Measures the map budgets of BENCHMARKS.md: the deployment's boundary layer with all 326
# villages of Kabupaten Serang (size on the wire, render time in Chromium with 4x CPU
# throttling), a village layer request server-side, and what the map route adds to the shell.
# Run through `make bench` (release build first). Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${DIGDAYA_BIN:?run through make bench}
SITE=${LEPTOS_SITE_ROOT:?run through make bench}
PORT=${BENCH_PORT:-3201}
REQUESTS=${BENCH_REQUESTS:-300}
out=bench/out
mkdir -p "$out"
work=$(mktemp -d)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
p95() { sort -n | awk '{a[NR]=$1} END {i=int(NR*0.95); if (i<1) i=1; print a[i]}'; }
to_ms() { awk '{printf "%.2f\n", $1 * 1000}'; }

# A deployment with the demo village and every other village of Kabupaten Serang that has a
# boundary in the embedded file.
export DATABASE_URL="sqlite://$work/map.db?mode=rwc" DIGDAYA_DATA_DIR=$work
export RUST_LOG=warn
"$BIN" seed-demo --residents 8000 >/dev/null
codes=$(grep -o '"kode_desa": *"[0-9.]*"\|"kode": *"[0-9.]*"\|"code": *"[0-9.]*"' src/region/data/desa_kab_serang_36.04.geojson \
  | grep -o '[0-9][0-9.]*' | sort -u)
for code in $codes; do
  [ "$code" = "36.04.05.2001" ] && continue
  "$BIN" create-village --code "$code" >/dev/null 2>&1 || true
done
LEPTOS_SITE_ADDR=127.0.0.1:$PORT DIGDAYA_TILE_URL=none "$BIN" serve &
server_pid=$!
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
origin="http://127.0.0.1:$PORT"

echo "## Map: the deployment's boundary layer (budget: <= 250 KB compressed on the wire)"
villages=$(curl -s "$origin/api/map/desa" | grep -o '"href"' | wc -l)
raw=$(curl -s "$origin/api/map/desa" | wc -c)
# Made per request, so gzipped (the server does not brotli what it makes: src/server.rs).
gz=$(curl -s -H 'Accept-Encoding: br, gzip' "$origin/api/map/desa" | wc -c)
echo "villages: $villages; raw: $((raw / 1024)) KB; as served to a browser (gzip): $((gz / 1024)) KB ($gz bytes)"
for _ in $(seq 1 5); do curl -s -o /dev/null "$origin/api/map/desa"; done
: >"$out/overview.txt"
for _ in $(seq 1 30); do curl -s -o /dev/null -H 'Accept-Encoding: br, gzip' -w '%{time_total}\n' "$origin/api/map/desa" >>"$out/overview.txt"; done
echo "server time for it (30 requests): median $(median <"$out/overview.txt" | to_ms) ms, p95 $(p95 <"$out/overview.txt" | to_ms) ms"
echo

# 1,000 more places in the demo village, imported the way an official would.
cookie=$(curl -s -o /dev/null -D - -H "Origin: $origin" -H 'Accept: application/json' \
  --data 'slug=kramatwatu&username=operator.kramatwatu&password=kopi-tubruk-kramatwatu' \
  "$origin/api/auth/sign-in" | awk -F'[:;] *' 'tolower($1) == "set-cookie" {print $2; exit}')
center=$(curl -s "$origin/api/map/kramatwatu/lapisan/kantor_desa" | grep -o '"coordinates":\[[^]]*\]' | head -1 | grep -o '[-0-9.]*,[-0-9.]*')
awk -v c="$center" 'BEGIN {
  split(c, p, ","); printf "{\"type\":\"FeatureCollection\",\"features\":[";
  for (i = 0; i < 1000; i++) {
    x = p[1] + ((i % 40) - 20) * 0.0002; y = p[2] + (int(i / 40) - 12) * 0.0002;
    printf "%s{\"type\":\"Feature\",\"properties\":{\"nama\":\"Rumah %d\",\"kategori\":\"tempat_lain\",\"keterangan\":\"Titik uji\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[%.7f,%.7f]}}", (i ? "," : ""), i + 1, x, y;
  }
  printf "]}";
}' >"$work/places.geojson"
back=$(curl -s -o /dev/null -w '%{redirect_url}' -H "Origin: $origin" -H "Cookie: $cookie" \
  -F "berkas=@$work/places.geojson;type=application/geo+json" "$origin/api/map/kramatwatu/impor")
echo "## Map: a village layer request (budget: <= 20 ms server-side), $REQUESTS requests each after 20 warm-up"
echo "import of 1,000 points: ${back##*\?}"
for layer in batas wilayah penduduk sekolah tempat_lain "tempat_lain?bbox=$(echo "$center" | awk -F, '{printf "%.5f,%.5f,%.5f,%.5f", $1 - 0.001, $2 - 0.001, $1 + 0.001, $2 + 0.001}')"; do
  url="$origin/api/map/kramatwatu/lapisan/$layer"
  for _ in $(seq 1 20); do curl -s -o /dev/null -H 'Accept-Encoding: br, gzip' "$url"; done
  file="$out/layer-$(echo "$layer" | tr -c 'a-z_\n' '_').txt"
  : >"$file"
  for _ in $(seq 1 "$REQUESTS"); do curl -s -o /dev/null -H 'Accept-Encoding: br, gzip' -w '%{time_total}\n' "$url" >>"$file"; done
  size=$(curl -s -H 'Accept-Encoding: br, gzip' "$url" | wc -c)
  features=$(curl -s "$url" | grep -o '"Feature"' | wc -l)
  echo "$layer: $features features, $size bytes brotli; median $(median <"$file" | to_ms) ms, p95 $(p95 <"$file" | to_ms) ms"
done
echo

echo "## Map: rendering and the map route's weight (Chromium, tiles blocked)"
(cd end2end && BENCH_ORIGIN="$origin" node ../bench/map-render.mjs)
