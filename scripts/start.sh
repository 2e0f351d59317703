#!/usr/bin/env bash
# npm start: set up what is missing, build, and serve the demo storefront on localhost.
source "$(dirname "$0")/lib.sh"
PORT="${PORT:-8080}"
step "set-up" bash scripts/setup.sh
step "build package and demo" bash scripts/build.sh
step "build reference server" cargo build --profile native -p vitrine-server -q
log "starting the reference server (Ctrl-C to stop)"
exec "$ROOT/target/native/vitrine-server" --root "$ROOT" --port "$PORT"
