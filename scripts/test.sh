#!/usr/bin/env bash
# npm test: set up what is missing, then every check and every test level. Any failure fails the run.
source "$(dirname "$0")/lib.sh"
export CARGO_TERM_COLOR=never
step "set-up" bash scripts/setup.sh
step "cargo fmt --check" cargo fmt --all -- --check
step "build package and demo" bash scripts/build.sh
step "typescript type check" npm run -s typecheck
step "clippy (host, all targets)" cargo clippy --workspace --all-targets -q -- -D warnings
step "clippy (wasm32 core + glue)" cargo clippy -p vitrine --target wasm32-unknown-unknown --all-targets -q -- -D warnings
step "cargo test (core, server)" cargo test --workspace -q
step "size budget" env SKIP_BUILD=1 bash scripts/size.sh
step "data manifest matches the code" cargo run -q -p vitrine-collector --bin vitrine-manifest -- --check
step "wasm tests in headless Chromium" \
  wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver --mode no-install -- --test web
step "build reference server" cargo build -p vitrine-server -q
step "end-to-end (Playwright, Chromium)" node --test --test-concurrency=1 tests/e2e/
step "integration apps (packed tarball: Vite, webpack 5, esbuild, Next.js; CSP)" npm run -s test:integration
log "all checks passed"
