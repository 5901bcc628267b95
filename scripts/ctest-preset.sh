#!/usr/bin/env bash
# Runs one CTest preset with a virtual display when xvfb-run exists (the desktop smoke
# test renders a real window); other GUI tests use the offscreen platform.
# usage: scripts/ctest-preset.sh <preset> [ctest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
preset=$1
shift
export QT_QPA_PLATFORM=offscreen
jobs=$(nproc 2>/dev/null || echo 2)
if command -v xvfb-run >/dev/null; then
    exec xvfb-run -a -s "-screen 0 1600x1000x24" ctest --preset "$preset" -j "$jobs" "$@"
fi
exec ctest --preset "$preset" -j "$jobs" "$@"
