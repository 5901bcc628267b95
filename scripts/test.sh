#!/usr/bin/env bash
# Builds Tickscope with warnings as errors and runs every test. Starts what the tests
# need itself; exits non-zero when any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
export QT_QPA_PLATFORM=offscreen
jobs=$(nproc 2>/dev/null || echo 2)
cmake --preset ci
cmake --build --preset ci -j "$jobs"
# Tests start their own servers on free loopback ports; GUI tests render offscreen
# or under xvfb-run.
if command -v xvfb-run >/dev/null; then
    xvfb-run -a -s "-screen 0 1600x1000x24" ctest --preset ci -j "$jobs"
else
    ctest --preset ci -j "$jobs"
fi
