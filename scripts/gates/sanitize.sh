#!/usr/bin/env bash
# The whole test suite built with clang++ under AddressSanitizer + UndefinedBehaviorSanitizer
# (leaks reported). Any report fails the test that triggered it. Also builds the libFuzzer
# targets that scripts/gates/fuzz.sh runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
jobs=$(nproc 2>/dev/null || echo 2)
cmake --preset sanitize
cmake --build --preset sanitize -j "$jobs"
scripts/ctest-preset.sh sanitize
