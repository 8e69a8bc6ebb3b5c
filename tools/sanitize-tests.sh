#!/bin/sh
# Builds the test suite a second time with AddressSanitizer and UndefinedBehaviorSanitizer and runs it.
# Any finding aborts its test (halt_on_error, no recovery), so a clean run means no findings.
# Usage: tools/sanitize-tests.sh [build dir, default build-sanitize]
set -e
cd "$(dirname "$0")/.."
dir="${1:-build-sanitize}"
# -g1: line tables for the reports' stack traces, without the full debug information that slows the build
flags="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Sanitize \
  -DCMAKE_CXX_FLAGS_SANITIZE="-O1 -g1 $flags" \
  -DCMAKE_EXE_LINKER_FLAGS_SANITIZE="$flags" \
  -DKRELU_BUILD_EXAMPLES=OFF -DKRELU_BUILD_BENCHMARKS=OFF
cmake --build "$dir" -j2
# The packaging tests configure fresh consumer projects without the sanitizer flags: the first build covers them.
ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:strict_string_checks=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir "$dir" -j2 --output-on-failure -LE package
