#!/usr/bin/env bash
# Builds the npm package into dist/ (wasm core + TypeScript wrapper) and the demo bundle.
#   wasm-pack (release, size profile, simd128) → wasm-opt -Oz (npm binaryen) → tsc → esbuild (www)
source "$(dirname "$0")/lib.sh"
mkdir -p "$ROOT/target"

# The release bundle rebuilds std for size (optimize_for_size) with panics as bare traps
# (immediate-abort): no panic messages, locations or formatting machinery in the wasm (-16 KB gz);
# location-detail=none drops the caller locations `#[track_caller]` code still carries (-0.4 KB).
# Both are unstable flags; RUSTC_BOOTSTRAP enables them on the pinned stable toolchain, for this
# one build only (tests, clippy and native programs use plain stable). See HACKING.md.
RUSTC_BOOTSTRAP=1 \
RUSTFLAGS="-C target-feature=+simd128 -Z unstable-options -C panic=immediate-abort -Z location-detail=none --cfg vitrine_optimize_hot" \
wasm-pack build --target web --release --mode no-install --no-pack \
  --out-dir js/wasm --out-name vitrine "$ROOT" -- \
  -Z build-std=std,panic_abort -Z build-std-features=optimize_for_size \
  >/dev/null 2>"$ROOT/target/wasm-pack.log" \
  || { cat "$ROOT/target/wasm-pack.log"; exit 1; }
rm -f js/wasm/.gitignore

# Rust's default wasm features plus simd128; wasm-opt must be told which ones it may keep.
# --converge repeats -Oz until the module stops shrinking (-0.8 KB gz for ~10 s).
wasm-opt -Oz --converge --strip-debug --strip-producers \
  --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  js/wasm/vitrine_bg.wasm -o js/wasm/vitrine_bg.opt.wasm

rm -rf dist
tsc -p tsconfig.json
mkdir -p dist/wasm
cp js/wasm/vitrine.js js/wasm/vitrine.d.ts dist/wasm/
cp js/wasm/vitrine_bg.opt.wasm dist/wasm/vitrine_bg.wasm

# The demo imports the built package by name, exactly as a user's app would.
esbuild www/src/app.ts --bundle --format=esm --splitting --target=es2022 \
  --alias:vitrine=./dist --outdir=www/build --log-level=warning
# The React example, against the local package (users build it with its own package.json).
esbuild examples/react/src/main.jsx --bundle --format=esm --splitting --jsx=automatic --target=es2022 \
  --alias:vitrine=./dist --outdir=examples/react/build --log-level=warning
cp dist/wasm/vitrine_bg.wasm examples/react/build/
log "built dist/ ($(wc -c < dist/wasm/vitrine_bg.wasm) bytes wasm) and www/build/"
