#!/usr/bin/env bash
# Builds Mote and runs every test: the README's test command and CI's.
#   1. install what is missing (tools/install_deps.sh), 2. build, 3. ctest (unit, CLI,
#   conformance, models, freestanding, wasm, qemu), 4. the unit tests again under
#   AddressSanitizer + UndefinedBehaviorSanitizer (bad input must never crash; clang, build-fuzz), 5. the
#   libFuzzer targets (clang, build-fuzz), 60 seconds each on their generated corpora.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install_deps.sh
jobs=$(nproc)
# The build compiles through ccache into build/ccache, where the tests that build Mote again
# (tests/CMakeLists.txt: the boards' firmware and archives, the reproducible_blobs test's
# reference CLI) find what they share with it and with each other.
launcher=()
if command -v ccache > /dev/null; then
  export CCACHE_DIR="$PWD/build/ccache"
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "${launcher[@]}"
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j2
# Steps 4 and 5 share one clang build (build-fuzz: ASan + UBSan + libFuzzer's coverage), so the
# runtime and the converter are compiled with the sanitizers once, not twice: at -O1 without
# debug information (the configuration tests/fuzz/run_smoke.sh gives it), a quarter less CPU
# than -O2 -g; a report names the functions, not the lines.
if command -v clang++ > /dev/null; then
  cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DMOTE_FUZZ=ON \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS_RELEASE="-O1 -DNDEBUG" -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG" \
    -DMOTE_FUZZ_DEBUG_INFO=OFF > /dev/null
  cmake --build build-fuzz -j"$jobs" --target mote_unit_tests mote_fuzzers
  ASAN_OPTIONS=detect_leaks=0 ctest --test-dir build-fuzz --output-on-failure -L unit -j2
else  # no clang: the unit tests under GCC's sanitizers; run_smoke.sh then says what is missing
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMOTE_SANITIZE=ON > /dev/null
  cmake --build build-asan -j"$jobs" --target mote_unit_tests
  ASAN_OPTIONS=detect_leaks=0 ctest --test-dir build-asan --output-on-failure -L unit -j2
fi
MOTE_CLI="$PWD/build/bin/mote" MOTE_FUZZ_JOBS="$jobs" tests/fuzz/run_smoke.sh
