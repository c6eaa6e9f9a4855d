#!/usr/bin/env bash
# Side-by-side benchmark: direct, bare Envoy, Envoy + Switchboard (OpenAI and
# Anthropic upstreams), LiteLLM and Portkey against one fast local mock, plus
# the core's micro-benchmarks. Installs what it needs (wrk, the pinned peers),
# builds everything in release, then runs bench/run.py. Not a test: never part
# of scripts/test.sh. Method and reading: BENCHMARKS.md.
#
#   scripts/bench.sh               # full run (~12 min on 2 cores)
#   scripts/bench.sh --quick       # smoke run (~2 min): every arm, short lanes
#   scripts/bench.sh --arms envoy,switchboard --rounds 5   # a subset, e.g. a quiet rerun
#   scripts/bench.sh --write-doc   # also put the tables into BENCHMARKS.md
#
# Results: target/bench/results-<mode>.{md,json}; logs: target/bench/state-<mode>/.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

BENCH_VENV="$ROOT/.venv-bench"

if [ "$(nproc)" -lt 2 ]; then
  log "the benchmark pins the gateway to core 0 and the load to core 1: it needs 2 cores"
  exit 1
fi

ensure_rust
ensure_venv

if ! command -v wrk >/dev/null 2>&1 || ! command -v taskset >/dev/null 2>&1; then
  log "installing wrk (and taskset)"
  apt-get update -qq
  apt-get install -y -qq wrk util-linux >/dev/null
fi

stamp="$BENCH_VENV/.requirements.sha256"
want="$(sha256sum "$ROOT/bench/requirements.txt" | cut -d' ' -f1)"
if [ ! -x "$BENCH_VENV/bin/litellm" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  log "installing the pinned LiteLLM proxy into .venv-bench"
  python3 -m venv "$BENCH_VENV"
  "$BENCH_VENV/bin/pip" install --quiet --upgrade pip
  "$BENCH_VENV/bin/pip" install --quiet -r "$ROOT/bench/requirements.txt"
  echo "$want" > "$stamp"
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  log "installing Node.js for the Portkey gateway"
  apt-get update -qq
  apt-get install -y -qq nodejs npm >/dev/null
fi
pstamp="$ROOT/bench/node_modules/.package.sha256"
pwant="$(sha256sum "$ROOT/bench/package.json" | cut -d' ' -f1)"
if [ ! -f "$ROOT/bench/node_modules/@portkey-ai/gateway/build/start-server.js" ] ||
   [ "$(cat "$pstamp" 2>/dev/null)" != "$pwant" ]; then
  log "installing the pinned Portkey gateway into bench/node_modules"
  (cd "$ROOT/bench" && npm install --no-audit --no-fund --loglevel=error)
  echo "$pwant" > "$pstamp"
fi

build_all
log "building the benchmark's mock, streaming client, no-op wasm filter and core micro-benchmarks"
cargo build --release --manifest-path "$ROOT/bench/fastmock/Cargo.toml" --target-dir "$ROOT/target/bench"
cargo build --release --target "$WASM_TARGET" --manifest-path "$ROOT/bench/wasm-noop/Cargo.toml" --target-dir "$ROOT/target/bench"
cargo build --release -p switchboard-core --example microbench

log "running the benchmark"
exec "$VENV/bin/python" "$ROOT/bench/run.py" "$@"
