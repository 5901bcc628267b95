#!/usr/bin/env bash
# clang-tidy over app/ and server/ with the checked-in .clang-tidy; any finding fails.
# Uses the sanitize build's compile database (clang flags, generated moc/QML sources).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${BUILD_DIR:-build/sanitize}
jobs=$(nproc 2>/dev/null || echo 2)
[[ -f $build/compile_commands.json ]] || {
    cmake --preset sanitize
    cmake --build --preset sanitize -j "$jobs"
}
# Only our sources: generated files (moc, qrc, QML type registration) live in the build tree.
files=$(git ls-files 'app/*.cpp' 'server/*.cpp')
count=$(wc -w <<<"$files")
echo "clang-tidy: $count files"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! run-clang-tidy -quiet -p "$build" -j "$jobs" $files >"$log" 2>&1; then
    sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E "^/.*(warning|error): " | sort -u || true
    echo "clang-tidy: findings above (fix them, or NOLINT(check) with the reason)"
    exit 1
fi
echo "clang-tidy: no findings"
