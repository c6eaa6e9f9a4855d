#!/usr/bin/env bash
# Runs every test: lints, native unit tests, the wasm build, and integration
# tests against a real Envoy loading the built .wasm. Installs what it needs.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_rust
ensure_venv

log "cargo fmt --check"
cargo fmt --all -- --check
log "cargo clippy (native and wasm)"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy --target "$WASM_TARGET" -p switchboard -- -D warnings
log "native unit and crate tests"
cargo test --workspace
build_all
log "integration tests against real Envoy"
"$VENV/bin/python" -m pytest -q tests/integration "$@"
