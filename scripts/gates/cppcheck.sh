#!/usr/bin/env bash
# cppcheck over app/ and server/; any finding fails. Suppressions live in
# tests/suppressions/cppcheck.supp, each with its reason. Checks the Linux configuration
# (CI's platform): without it, cppcheck reasons about the other-platform #else branches.
set -euo pipefail
cd "$(dirname "$0")/../.."
jobs=$(nproc 2>/dev/null || echo 2)
cppcheck --quiet --std=c++20 --language=c++ --library=qt \
    --enable=warning,style,performance,portability --inline-suppr \
    --suppressions-list=tests/suppressions/cppcheck.supp \
    --error-exitcode=1 -j "$jobs" -I server -I app \
    -D __linux__ -D Q_OS_LINUX -D CLOCK_THREAD_CPUTIME_ID=3 -D Q_OBJECT= -D Q_GADGET= -D Q_SIGNALS=public -D Q_SLOTS= \
    --template='{file}:{line}: {severity} ({id}): {message}' \
    app server
echo "cppcheck: no findings"
