#!/usr/bin/env bash
# Runs the evidence experiments of docs/results.md and keeps each run's small outputs
# (result.json, loss_curve.csv) under docs/results/<group>/<run>/. Resumable: a run whose
# result.json is already kept is skipped, and an interrupted run resumes from its newest
# checkpoint under runs/evidence/ (not kept in git).
#
#   docs/experiments/evidence.sh [group ...]     groups: main equal-compute sensitivity
#                                                 perturbation embedding (default: all)
# Environment: THREADS (engine threads a run, default 2), SEEDS (default "0 1 2").
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CONF="$ROOT/docs/experiments/evidence.properties"
KEPT="$ROOT/docs/results"
WORK="$ROOT/runs/evidence"
THREADS="${THREADS:-2}"
SEEDS="${SEEDS:-0 1 2}"
METHODS="simclr uel plain"
DATA="$("$ROOT/deploy/fetch-fashion-mnist.sh")"

log() { echo "evidence: $*" >&2; }

# keep GROUP NAME: copy a finished run's small outputs into docs/results.
keep() {
  local src="$WORK/$1/$2" dst="$KEPT/$1/$2"
  mkdir -p "$dst"
  cp "$src/result.json" "$src/loss_curve.csv" "$dst/"
}

# train GROUP NAME KEY=VALUE...: one clae train run unless its result is kept already.
train() {
  local group="$1" name="$2"
  shift 2
  if [ -f "$KEPT/$group/$name/result.json" ]; then
    log "$group/$name: kept already, skipped"
    return
  fi
  local sets=()
  for kv in "$@"; do sets+=(--set "$kv"); done
  log "$group/$name: training"
  "$ROOT/clae" train --config "$CONF" --set data.path="$DATA" --set engine.threads="$THREADS" \
    --set output.dir="$WORK/$group/$name" "${sets[@]}"
  keep "$group" "$name"
}

run_main() {
  for seed in $SEEDS; do
    for m in $METHODS; do
      train main "$m-s$seed" method="$m" adversarial.enabled=false train.seed="$seed"
      train main "$m-clae-s$seed" method="$m" adversarial.enabled=true train.seed="$seed"
    done
  done
}

# The base method at twice the epochs: the training compute of its CLAE run. It continues
# a copy of the 10-epoch base run, which the schedule (constant learning rate) makes the
# same as a 20-epoch run from scratch.
run_equal_compute() {
  for seed in $SEEDS; do
    for m in $METHODS; do
      local name="$m-20ep-s$seed"
      if [ ! -f "$KEPT/equal-compute/$name/result.json" ] && [ ! -d "$WORK/equal-compute/$name" ] \
          && [ -d "$WORK/main/$m-s$seed/checkpoints" ]; then
        mkdir -p "$WORK/equal-compute"
        cp -r "$WORK/main/$m-s$seed" "$WORK/equal-compute/$name"
      fi
      train equal-compute "$name" method="$m" adversarial.enabled=false train.seed="$seed" \
        train.epochs=20
    done
  done
}

# SimCLR + CLAE around the defaults (eps 0.03, alpha 1.0; those runs are in main), seed 0.
run_sensitivity() {
  for eps in 0.01 0.1 0.3; do
    train sensitivity "simclr-clae-eps$eps" method=simclr adversarial.enabled=true \
      train.seed=0 adversarial.eps="$eps"
  done
  for alpha in 0.5 2.0; do
    train sensitivity "simclr-clae-alpha$alpha" method=simclr adversarial.enabled=true \
      train.seed=0 adversarial.alpha="$alpha"
  done
}

# The contrastive loss of trained encoders under FGSM and random-sign perturbations.
run_perturbation() {
  mkdir -p "$KEPT/perturbation"
  for name in simclr-s0 simclr-clae-s0 uel-s0 uel-clae-s0; do
    if [ -f "$KEPT/perturbation/$name.json" ]; then
      log "perturbation/$name: kept already, skipped"
      continue
    fi
    "$ROOT/clae" perturb --run "$WORK/main/$name" --set engine.threads="$THREADS" \
      --eps 0.01,0.03,0.1,0.3 --out "$KEPT/perturbation/$name.json"
  done
}

# 2-D t-SNE of test features of a base run and its CLAE twin.
run_embedding() {
  mkdir -p "$KEPT/embedding"
  for name in simclr-s0 simclr-clae-s0 uel-s0 uel-clae-s0; do
    if [ -f "$KEPT/embedding/$name.csv" ]; then
      log "embedding/$name: kept already, skipped"
      continue
    fi
    "$ROOT/clae" embed --run "$WORK/main/$name" --set engine.threads="$THREADS" \
      --out "$KEPT/embedding/$name.csv"
  done
}

groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(main equal-compute sensitivity perturbation embedding)
for g in "${groups[@]}"; do
  case "$g" in
    main) run_main ;;
    equal-compute) run_equal_compute ;;
    sensitivity) run_sensitivity ;;
    perturbation) run_perturbation ;;
    embedding) run_embedding ;;
    *) echo "evidence: unknown group '$g' (main equal-compute sensitivity perturbation embedding)" >&2; exit 2 ;;
  esac
done
