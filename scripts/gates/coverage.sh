#!/usr/bin/env bash
# The test suite built with g++ --coverage; prints line and branch coverage of app/ and
# server/ and fails below the floor (70 % of lines).
set -euo pipefail
cd "$(dirname "$0")/../.."
jobs=$(nproc 2>/dev/null || echo 2)
floor=${COVERAGE_FLOOR:-70}
build=build/coverage
cmake --preset coverage
cmake --build --preset coverage -j "$jobs"
find "$build" -name '*.gcda' -delete
scripts/ctest-preset.sh coverage
mkdir -p "$build/coverage-report"
# Throw branches are noise for a -fexceptions build of code that does not throw.
gcovr --root . --object-directory "$build" --filter 'app/' --filter 'server/' \
    --exclude-throw-branches --exclude-unreachable-branches -j "$jobs" \
    --html-details "$build/coverage-report/index.html" \
    --print-summary --fail-under-line "$floor" --txt "$build/coverage-report/summary.txt"
echo "coverage: report in $build/coverage-report/index.html"
