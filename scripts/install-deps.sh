#!/usr/bin/env bash
# Installs what building, running and testing Tickscope needs, and only what is missing.
# Debian 12 / Ubuntu 22.04+ through apt; macOS through Homebrew (see README for Windows).
set -euo pipefail

debian_packages=(
    build-essential cmake ninja-build pkg-config git
    qt6-base-dev qt6-base-dev-tools qt6-websockets-dev libqt6sql6-sqlite libsqlite3-dev
    qt6-declarative-dev qt6-charts-dev libqt6opengl6-dev
    qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-layouts
    qml6-module-qtquick-window qml6-module-qtquick-templates qml6-module-qtqml-workerscript
    qml6-module-qtquick-dialogs qml6-module-qt-labs-settings qml6-module-qtcharts
    qml6-module-qttest qt6-qpa-plugins
    prometheus-cpp-dev libhiredis-dev libssl-dev
    redis-server redis-tools xvfb xauth procps curl python3-websockets
)
# The quality gates (scripts/test.sh --all): a second compiler with its sanitizer and
# libFuzzer runtimes, the symbolizer for readable reports, static analysers, coverage.
gate_packages=(clang libclang-rt-14-dev llvm clang-tidy cppcheck gcovr)
[[ "${1:-}" == "--gates" ]] && debian_packages+=("${gate_packages[@]}")

if [[ "$(uname -s)" == "Darwin" ]]; then
    command -v brew >/dev/null || { echo "install Homebrew first: https://brew.sh" >&2; exit 1; }
    brew list --versions qt cmake ninja prometheus-cpp hiredis redis >/dev/null 2>&1 ||
        brew install qt cmake ninja prometheus-cpp hiredis redis
    [[ "${1:-}" == "--gates" ]] && { brew list --versions llvm cppcheck gcovr >/dev/null 2>&1 ||
        brew install llvm cppcheck gcovr; }
    exit 0
fi

if ! command -v dpkg-query >/dev/null; then
    echo "install-deps: no apt on this system; install the packages listed in README.md" >&2
    exit 0
fi

missing=()
for package in "${debian_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
        missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo=""
if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "install-deps: run as root or install sudo" >&2; exit 1; }
    sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
