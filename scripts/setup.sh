#!/usr/bin/env bash
# Installs only what is missing: wasm32 target, wasm-pack, wasm-bindgen-cli matching Cargo.lock,
# Debian chromium + chromium-driver, npm dependencies. Idempotent and quick when all is present.
# Everything comes from the package registries (crates.io, Debian, npm); nothing else is downloaded.
source "$(dirname "$0")/lib.sh"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# The size-optimised release build recompiles std (scripts/build.sh), which needs its source.
if ! rustup component list --installed | grep -q '^rust-src'; then
  log "adding rust component rust-src"
  rustup component add rust-src
fi

if ! command -v wasm-pack >/dev/null; then
  log "installing wasm-pack (about 2 minutes)"
  cargo install wasm-pack
fi

# The CLI must match the wasm-bindgen crate exactly, or the generated glue breaks.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  log "installing wasm-bindgen-cli $want (about 4 minutes; found '${have:-none}')"
  cargo install wasm-bindgen-cli --version "$want" --force
fi

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  log "installing Debian chromium + chromium-driver"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# npm ci when node_modules is missing or older than the lockfile.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm dependencies"
  npm ci --no-audit --no-fund
fi
log "set-up complete"
