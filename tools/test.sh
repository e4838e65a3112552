#!/usr/bin/env bash
# Builds Mote and runs every test: the README's test command and CI's.
#   1. install what is missing (tools/install_deps.sh), 2. build, 3. ctest (unit, CLI,
#   conformance, models, freestanding, wasm, qemu), 4. the unit tests again under
#   AddressSanitizer + UndefinedBehaviorSanitizer (bad input must never crash), 5. the
#   libFuzzer targets (clang, build-fuzz), 60 seconds each on their generated corpora.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install_deps.sh
jobs=$(nproc)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j2
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMOTE_SANITIZE=ON > /dev/null
cmake --build build-asan -j"$jobs" --target mote_unit_tests
ASAN_OPTIONS=detect_leaks=0 ctest --test-dir build-asan --output-on-failure -L unit -j2
MOTE_CLI="$PWD/build/bin/mote" MOTE_FUZZ_JOBS="$jobs" tests/fuzz/run_smoke.sh
