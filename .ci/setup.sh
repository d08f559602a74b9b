#!/usr/bin/env bash
# Installs what building (and, with --test, testing) Digdaya needs. Idempotent: everything that is
# already there at the right version is skipped, so a second run takes about a second.
#   .ci/setup.sh          toolchain target, cargo-leptos, wasm-bindgen-cli, wasm-opt, brotli
#   .ci/setup.sh --test   the same, plus Chromium, Caddy, the npm test packages (Playwright, s3rver) and
#                         Schemathesis (PyPI, in a virtualenv beside the other tools)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=false
[ "${1:-}" = "--test" ] && want_test=true

say() { printf '\033[1;32m==>\033[0m %s\n' "$*"; }
SUDO=""
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && SUDO="sudo"

# 1. The wasm target for the pinned toolchain (rust-toolchain.toml). RUSTUP_AUTO_INSTALL=0 may be
#    set, so the target is added explicitly rather than left to rustup.
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# 2. cargo-leptos 0.3.10 (0.3.11 needs a newer rustc), without its binary downloads.
if ! cargo leptos --version 2>/dev/null | grep -q '0\.3\.10'; then
  say "installing cargo-leptos 0.3.10"
  cargo install cargo-leptos --version 0.3.10 --locked --features no_downloads
fi

# 3. wasm-bindgen-cli at exactly the wasm-bindgen version in Cargo.lock.
wb_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " ${wb_version}\$"; then
  say "installing wasm-bindgen-cli ${wb_version}"
  cargo install wasm-bindgen-cli --version "${wb_version}"
fi

# 4. wasm-opt from npm's binaryen (Debian's version 108 produces a WASM that fails to start with
#    wasm-bindgen 0.2.130). The Makefile puts this folder first on PATH for cargo-leptos.
tools="${DIGDAYA_TOOLS:-$HOME/.cache/digdaya/tools}"
if ! "$tools/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q 'version 132'; then
  say "installing binaryen 132 (wasm-opt) into $tools"
  mkdir -p "$tools"
  (cd "$tools" && npm install --no-audit --no-fund --loglevel=error --no-save binaryen@132.0.0)
fi

# 5. Debian packages: brotli always; Chromium for the browser tests, and Caddy, the reverse
#    proxy of deploy/Caddyfile, for the HTTP/2 test.
packages=()
command -v brotli >/dev/null || packages+=(brotli)
if $want_test; then
  [ -x /usr/bin/chromium ] || packages+=(chromium)
  command -v caddy >/dev/null || packages+=(caddy)
fi
if [ ${#packages[@]} -gt 0 ]; then
  say "installing Debian packages: ${packages[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${packages[@]}" >/dev/null
fi

# 6. Playwright (without its own browser download: Debian's Chromium is used) and s3rver, the
#    S3-compatible store the storage tests run against, from npm.
if $want_test; then
  stamp=end2end/node_modules/.installed-lock
  if [ ! -f "$stamp" ] || ! cmp -s end2end/package-lock.json "$stamp"; then
    say "installing the npm test packages (Playwright, s3rver)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
    cp end2end/package-lock.json "$stamp"
  fi
fi

# 7. Schemathesis 4.32.5 for the API check (.ci/api-check.sh).
if $want_test; then
  venv="$tools/venv"
  if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q '4\.32\.5'; then
    say "installing Schemathesis 4.32.5 into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check schemathesis==4.32.5
  fi
fi
