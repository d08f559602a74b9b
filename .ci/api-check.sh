#!/usr/bin/env bash
# Schemathesis against /api/v1/openapi.json: a real `digdaya serve` with the demo village and a
# partner token that may read and write it, on SQLite and (with DATABASE_URL_PG) on PostgreSQL.
# Fails on any 5xx and any answer that does not match the document (status, content type,
# headers, schema), and on the other checks listed in .ci/schemathesis.toml.
#   DIGDAYA_BIN        the server binary (the Makefile's release build)
#   DATABASE_URL_PG    an admin URL of PostgreSQL; a scratch database is made and dropped
set -euo pipefail
cd "$(dirname "$0")/.."

bin="${DIGDAYA_BIN:?set DIGDAYA_BIN to the digdaya binary}"
st="${DIGDAYA_TOOLS:-$HOME/.cache/digdaya/tools}/venv/bin/schemathesis"
[ -x "$st" ] || { echo "schemathesis is missing: run .ci/setup.sh --test" >&2; exit 1; }
work=$(mktemp -d)
server=""
pg_db=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  if [ -n "$pg_db" ]; then psql "$DATABASE_URL_PG" -qc "DROP DATABASE IF EXISTS \"$pg_db\" WITH (FORCE)" >/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

check() {
  local name=$1 url=$2
  echo "==> Schemathesis on $name"
  export DATABASE_URL=$url DIGDAYA_DATA_DIR="$work/$name" RUST_LOG=warn
  "$bin" seed-demo --residents 300 >/dev/null
  token=$("$bin" create-token --name "Schemathesis" --village kramatwatu --write | grep -o 'dgd_[a-z0-9]*')
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  LEPTOS_SITE_ADDR="127.0.0.1:$port" DIGDAYA_API_RATE_LIMIT=1000000 "$bin" serve 2>"$work/$name.log" &
  server=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  (cd .ci && "$st" run "http://127.0.0.1:$port/api/v1/openapi.json" \
    --header "Authorization: Bearer $token" \
    --seed 20261129 --max-examples "${API_CHECK_EXAMPLES:-40}" --workers 2 \
    --report junit --report-dir "$work/report-$name") || {
      echo "--- server log ($name) ---"; tail -50 "$work/$name.log"; exit 1; }
  if grep -q "panicked" "$work/$name.log"; then echo "the server panicked:"; cat "$work/$name.log"; exit 1; fi
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
}

check sqlite "sqlite://$work/api.db?mode=rwc"
if [ -n "${DATABASE_URL_PG:-}" ]; then
  pg_db="digdaya_st_$$"
  psql "$DATABASE_URL_PG" -qc "CREATE DATABASE \"$pg_db\"" >/dev/null
  check postgres "${DATABASE_URL_PG%/*}/$pg_db"
fi
echo "Schemathesis: no server errors, every answer as documented."
