#!/usr/bin/env bash
# Starts the demo stack in the foreground: Envoy with the Switchboard filter on
# 127.0.0.1:${SWITCHBOARD_PORT:-10000} (admin 127.0.0.1:9901), two mock
# providers (OpenAI and Anthropic dialects) and the accounting service on
# SQLite. Ctrl-C stops everything. Installs what it needs.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_rust
ensure_venv
build_all
exec "$VENV/bin/python" "$ROOT/tests/integration/stack.py" \
  --listen-port "${SWITCHBOARD_PORT:-10000}" --admin-port "${SWITCHBOARD_ADMIN_PORT:-9901}" \
  --state-dir "$ROOT/.run"
