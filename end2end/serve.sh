#!/bin/sh
# Starts the release server for the browser tests on a fresh SQLite database with the demo village.
# DIGDAYA_BIN and LEPTOS_SITE_ROOT come from the Makefile (`make e2e`).
set -eu
: "${DIGDAYA_BIN:?set DIGDAYA_BIN to the digdaya server binary (make e2e does)}"
: "${LEPTOS_SITE_ROOT:?set LEPTOS_SITE_ROOT to the built site (make e2e does)}"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export DATABASE_URL="sqlite://$dir/e2e.db?mode=rwc"
# Uploads (letter and complaint photos) go with the database, not into the clone.
export DIGDAYA_DATA_DIR="$dir"
export LEPTOS_SITE_ADDR="127.0.0.1:${E2E_PORT:-3100}"
export RUST_LOG=warn
# The demo logins (officials and the demo resident NIK + PIN) for the tests to read.
"$DIGDAYA_BIN" seed-demo --residents 2000 >"${TMPDIR:-/tmp}/digdaya-e2e-seed.txt"
"$DIGDAYA_BIN" create-village --code 36.04.05.2002 >/dev/null
exec "$DIGDAYA_BIN" serve
