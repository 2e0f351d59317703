#!/usr/bin/env bash
# npm start: set up what is missing, build, train a model when there is data and no model yet,
# and serve the demo storefront on localhost.
source "$(dirname "$0")/lib.sh"
PORT="${PORT:-8080}"
MODEL="${VITRINE_MODEL:-$ROOT/target/model/hm.bin}"
step "set-up" bash scripts/setup.sh
step "build package and demo" bash scripts/build.sh
# One build for both: shared dependencies compile once, with one feature set.
step "build reference server and trainer" cargo build --profile native -p vitrine-server -p vitrine-trainer -q
DATA_ARGS=()
if [[ -f "$VITRINE_DATA/hm_articles.csv.gz" && -f "$VITRINE_DATA/hm_transactions_last_week.csv.gz" ]]; then
  DATA_ARGS=(--data "$VITRINE_DATA")
  if [[ ! -f "$MODEL" ]]; then
    step "train the ranking model (first start only)" \
      "$ROOT/target/native/vitrine-trainer" train --data "$VITRINE_DATA" --out "$MODEL"
  fi
else
  log "no H&M data in $VITRINE_DATA: serving the bundled demo catalogue, no model (the SDK uses its affinity ranker)"
fi
log "starting the reference server (Ctrl-C to stop)"
exec "$ROOT/target/native/vitrine-server" --root "$ROOT" --port "$PORT" --model "$MODEL" "${DATA_ARGS[@]}"
