#!/usr/bin/env bash
# Builds Tickscope with warnings as errors and runs every test. Starts what the tests
# need itself; exits non-zero when any test fails.
#
# usage: scripts/test.sh          g++ build (preset ci) and the whole test suite
#        scripts/test.sh --all    the same, then every quality gate (what CI runs):
#                                 the suite under ASan+UBSan with clang++, short fuzz
#                                 runs, clang-tidy, cppcheck, and the suite again under
#                                 coverage with a line-coverage floor
set -euo pipefail
cd "$(dirname "$0")/.."

all=false
case "${1:-}" in
    "") ;;
    --all) all=true ;;
    *) echo "usage: scripts/test.sh [--all]" >&2; exit 2 ;;
esac

if $all; then scripts/install-deps.sh --gates; else scripts/install-deps.sh; fi
jobs=$(nproc 2>/dev/null || echo 2)

stage() { printf '\n=== %s (%s) ===\n' "$1" "$(date -u +%H:%M:%S)"; }

stage "g++ build and test suite"
cmake --preset ci
cmake --build --preset ci -j "$jobs"
scripts/ctest-preset.sh ci
$all || exit 0

# Each gate exits non-zero on its first finding; run them all and report every failure.
failed=()
for gate in sanitize fuzz tidy cppcheck coverage; do
    stage "gate: $gate"
    SECONDS=0
    if scripts/gates/$gate.sh; then
        echo "gate $gate: passed in ${SECONDS} s"
    else
        echo "gate $gate: FAILED after ${SECONDS} s"
        failed+=("$gate")
    fi
done
stage "summary"
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "failed gates: ${failed[*]}"
    exit 1
fi
echo "all gates passed"
