#!/bin/sh
# Longer fuzzing runs of the file readers with libFuzzer (clang).
#
#   fuzz/run.sh [SECONDS] [READER...]      e.g.  fuzz/run.sh 600 svmlight
#
# Configures and builds build-fuzz/ (clang++, KRELU_BUILD_FUZZERS=ON) if needed, then fuzzes each
# reader (default: all) for SECONDS (default 300) on a working copy of fuzz/corpus/<reader>/, which
# grows with the inputs libFuzzer finds interesting. A crash leaves its input in
# build-fuzz/fuzz/work/<reader>/artifacts/: copy it to fuzz/regressions/<reader>/ so that ctest
# fuzz_regression_<reader> keeps checking it with every compiler.
set -eu
cd "$(dirname "$0")/.."
seconds=${1:-300}
[ $# -gt 0 ] && shift
readers=${*:-"csv svmlight network or_library dimacs hmetis bench_circuit"}
if [ ! -f build-fuzz/CMakeCache.txt ]; then
  CXX=${CXX:-clang++} cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKRELU_BUILD_FUZZERS=ON \
    -DKRELU_BUILD_EXAMPLES=OFF -DKRELU_BUILD_BENCHMARKS=OFF
fi
for reader in $readers; do
  cmake --build build-fuzz -j2 --target "fuzz_$reader"
  work=build-fuzz/fuzz/work/$reader
  mkdir -p "$work/corpus" "$work/artifacts"
  cp -n fuzz/corpus/"$reader"/* "$work/corpus/" 2>/dev/null || true
  echo "fuzzing $reader for $seconds s (corpus $work/corpus)"
  "build-fuzz/fuzz/fuzz_$reader" -max_total_time="$seconds" -rss_limit_mb=2048 \
    -artifact_prefix="$work/artifacts/" "$work/corpus"
done
