# Shared helpers for the project scripts. Source it; do not run it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
cd "$ROOT"
# cargo-installed tools (wasm-pack, wasm-bindgen) live here on a fresh machine.
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"
# The demo and tests read the shared H&M data from here when present (never copied into the repo).
export VITRINE_DATA="${VITRINE_DATA:-$ROOT/../shared/data}"

log() { printf '\033[1m[vitrine]\033[0m %s\n' "$*"; }

# Runs a named step, timing it; aborts the script on failure.
step() {
  local name="$1"; shift
  local start=$SECONDS
  log "▶ $name"
  if "$@"; then
    log "✔ $name ($((SECONDS - start)) s)"
  else
    local rc=$?
    log "✘ $name failed (exit $rc)"
    exit "$rc"
  fi
}
