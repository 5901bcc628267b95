#!/usr/bin/env bash
# Builds Tickscope (release) and runs it on the embedded defaults: the desktop app
# where a display exists, the headless server otherwise. Extra arguments go to the app.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target tickscope
if [[ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" && "$(uname -s)" == "Linux" ]]; then
    set -- --headless "$@"
fi
exec build/release/app/tickscope "$@"
