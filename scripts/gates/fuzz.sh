#!/usr/bin/env bash
# Runs every libFuzzer target (tests/fuzz/<name>/ -> fuzz_<name>) of the sanitize build for
# a while and fails if any of them finds a crash, a sanitizer report, a leak or a hang.
#
#   scripts/gates/fuzz.sh [SECONDS_PER_TARGET] [BUILD_DIR]      (default 60, build/sanitize)
#   (an empty first argument, '', keeps the default build dir and sets no time limit)
#
# Environment:
#   BUILD_DIR     the clang build with TICKSCOPE_FUZZ=ON (`cmake --preset sanitize`)
#   FUZZ_TARGETS  space-separated subset, e.g. "jwt command" (default: all)
#   RUNS          stop each target after this many executions (the long run:
#                 RUNS=10000000); a time limit then applies only if given as well
#
# Each target starts from a fresh temporary corpus (the first directory, where libFuzzer
# writes what it finds), then the checked-in seeds and regressions, which are only read.
# Findings go to BUILD_DIR/fuzz-artifacts/<name>/, logs to BUILD_DIR/fuzz-artifacts/<name>.log.
set -uo pipefail
cd "$(dirname "$0")/../.."

seconds=${1:-}
build=${2:-${BUILD_DIR:-build/sanitize}}
runs=${RUNS:-}
[[ -z "$runs" && -z "$seconds" ]] && seconds=60
root=tests/fuzz

if [[ ! -f "$build/CMakeCache.txt" ]]; then
    echo "fuzz: no build in $build; configure it with: cmake --preset sanitize" >&2
    exit 2
fi
if ! grep -q '^TICKSCOPE_FUZZ:BOOL=ON' "$build/CMakeCache.txt"; then
    echo "fuzz: $build is not built with TICKSCOPE_FUZZ=ON (use the sanitize preset)" >&2
    exit 2
fi

if [[ -n "${FUZZ_TARGETS:-}" ]]; then
    read -r -a targets <<<"$FUZZ_TARGETS"
else
    targets=()
    for dir in "$root"/*/; do
        [[ -d "$dir/corpus" ]] && targets+=("$(basename "$dir")")
    done
fi

build_targets=()
for name in "${targets[@]}"; do build_targets+=("fuzz_$name"); done
cmake --build "$build" --target "${build_targets[@]}" -j "${JOBS:-2}" || exit 2

artifacts="$build/fuzz-artifacts"
mkdir -p "$artifacts"
# A 64 MB quarantine instead of 256 MB. And for long runs (RUNS), allocation stacks of two
# frames: ASan's store of allocation stacks grew without bound (the values target reached
# libFuzzer's 2 GB limit after 7.3M runs with 25 MB of live heap; with two frames it stays at
# ~220 MB), most likely because the frame-pointer unwinder reads noise past a frame of
# Debian's Qt, built without frame pointers. Short runs keep full stacks in their reports;
# replay a long run's finding (tests/fuzz/README.md) to get them.
context=${RUNS:+:malloc_context_size=2}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:quarantine_size_mb=64$context}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/suppressions/lsan.supp:print_suppressions=0}

failed=()
summary=()
for name in "${targets[@]}"; do
    binary="$build/fuzz/fuzz_$name"
    out="$artifacts/$name"
    log="$artifacts/$name.log"
    mkdir -p "$out"
    work=$(mktemp -d "${TMPDIR:-/tmp}/tickscope-fuzz-$name.XXXXXX")
    args=(-print_final_stats=1 -timeout=25 -artifact_prefix="$out/")
    [[ -n "$runs" ]] && args+=(-runs="$runs")
    [[ -n "$seconds" ]] && args+=(-max_total_time="$seconds")
    [[ -f "$root/$name/$name.dict" ]] && args+=(-dict="$root/$name/$name.dict")
    dirs=("$work" "$root/$name/corpus")
    [[ -d "$root/$name/regressions" ]] && dirs+=("$root/$name/regressions")

    echo "== fuzz_$name: ${runs:+$runs runs }${seconds:+$seconds s }(log: $log)"
    start=$(date +%s)
    "$binary" "${args[@]}" "${dirs[@]}" >"$log" 2>&1
    status=$?
    elapsed=$(($(date +%s) - start))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
    corpus=$(find "$work" -type f | wc -l)
    rm -rf "$work"
    line=$(printf '%-14s %12s execs %8s exec/s %6ss  %-22s new corpus %s' "$name" "${execs:-?}" \
        "${rate:-?}" "$elapsed" "${cov:-cov: ?}" "$corpus")
    if [[ $status -ne 0 ]]; then
        failed+=("$name")
        line+="  FAILED (exit $status)"
        echo "-- fuzz_$name failed (exit $status); the end of its log:"
        grep -E 'ERROR|SUMMARY|fuzz property violated|Test unit written' "$log" | head -20
    fi
    summary+=("$line")
done

echo
echo "== fuzz summary ($build)"
printf '%s\n' "${summary[@]}"
if [[ ${#failed[@]} -gt 0 ]]; then
    echo
    echo "Findings are in $artifacts/<name>/ (crash-*, leak-*, timeout-*, oom-*). To keep one:"
    echo "  $build/fuzz/fuzz_<name> -minimize_crash=1 -runs=100000 \\"
    echo "      -artifact_prefix=$artifacts/<name>/ $artifacts/<name>/crash-<hash>"
    echo "  cp <the minimized input> tests/fuzz/<name>/regressions/<what-it-found>"
    echo "Every build then replays it (ctest -L fuzz); fix the bug until that test passes."
    exit 1
fi
