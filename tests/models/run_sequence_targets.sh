#!/usr/bin/env bash
# The sequence models on the boards and in WebAssembly. Runs tests/models/run_sequence_tests.sh
# on the host first (each model against onnxruntime-node), turns the models that pass into one
# set of cases (tests/models/gen_sequence_cases.py: blob, inputs, onnxruntime's outputs), then
# runs them all
#
#   * on mps3-an547 (Cortex-M55, mve kernels, qemu-system-arm) and aarch64 (neon kernels,
#     qemu-aarch64): one build of the conformance firmware (tests/qemu/conformance) per board
#     holding every model, its blobs and test vectors in flash;
#   * in WebAssembly: tests/wasm/sequence.test.mjs through mote.js, both modules, in Node
#     (wasm/build.sh builds them, unless MOTE_WASM_DIR names a directory that has them);
#
# each output within max|got - want| <= 1e-4 x max|want|, as on the host. The streaming --carry
# run stays on the host. A model that fails on the host counts as failed once.
#
# Usage: run_sequence_targets.sh SOURCE_DIR WORK_DIR MOTE_BIN [TARGET...]
#   TARGET: mps3-an547 aarch64 wasm (default: all three)
# Prints a line per target and model, then "N passed, M failed". Exit status: 0 if everything
# passed, 1 if anything failed, 77 if no target's tools are installed.
set -u
usage="usage: run_sequence_targets.sh SOURCE_DIR WORK_DIR MOTE_BIN [TARGET...]"
src=$(cd "${1:?$usage}" && pwd) || exit 2
mkdir -p "${2:?$usage}" || exit 2
work=$(cd "$2" && pwd)
mote=${3:?$usage}
mote=$(cd "$(dirname "$mote")" && pwd)/$(basename "$mote")
shift 3
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(mps3-an547 aarch64 wasm)
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
# Host flags from the environment must not leak into the cross builds.
unset CFLAGS CXXFLAGS CPPFLAGS LDFLAGS CC CXX
export MOTE_QEMU_TIMEOUT=${MOTE_QEMU_TIMEOUT:-300}

have() { command -v "$1" > /dev/null 2>&1; }
missing_tools() {  # TARGET: prints what is missing
  case "$1" in
    aarch64) for t in aarch64-linux-gnu-g++ qemu-aarch64; do have "$t" || echo "$t"; done ;;
    mps3-an547) for t in arm-none-eabi-g++ qemu-system-arm; do have "$t" || echo "$t"; done ;;
    wasm) for t in em++ wasm-opt node; do have "$t" || echo "$t"; done ;;
    *) echo "unknown target '$1'" >&2; exit 2 ;;
  esac
}
available=()
for t in "${targets[@]}"; do
  m=$(missing_tools "$t" | tr '\n' ' ')
  if [ -n "$m" ]; then echo "== $t: SKIPPED (not installed: $m)"; else available+=("$t"); fi
done
if [ ${#available[@]} -eq 0 ]; then
  echo "sequence targets: no target's tools are installed"
  exit 77
fi

passed=0
failed=0
pass() { echo "  PASS  $*"; passed=$((passed + 1)); }
fail() { echo "  FAIL  $*"; failed=$((failed + 1)); }

echo "== host: the sequence models against onnxruntime-node (run_sequence_tests.sh)"
"$src/tests/models/run_sequence_tests.sh" "$mote" "$work/host" > "$work/host.log" 2>&1
host_summary=$(tail -n 1 "$work/host.log")
echo "  host: $host_summary"
grep -E '^ ' "$work/host.log" | grep -v PASS | sed 's/^/  /'
host_failed=$(sed -n 's/^[0-9]* passed, \([0-9]*\) failed$/\1/p' <<< "$host_summary")
[ -n "$host_failed" ] || host_failed=1
failed=$((failed + host_failed))
cases="$work/cases"
"$py" "$src/tests/models/gen_sequence_cases.py" "$work/host/manifest.txt" "$mote" "$cases" 2>&1 | sed 's/^/  /'
if [ "${PIPESTATUS[0]}" -ne 0 ]; then
  fail "gen_sequence_cases.py"
  echo "$passed passed, $failed failed"
  exit 1
fi
num_cases=$(grep -c '"blob"' "$cases/cases.json")

for t in "${available[@]}"; do
  case "$t" in
    mps3-an547 | aarch64)
      [ "$t" = aarch64 ] && isa=neon || isa=mve
      isa=${MOTE_KERNEL_ISA:-$isa}
      echo "== $t (kernels: $isa): $num_cases models in one firmware"
      dir="$work/$t"
      if ! cmake -S "$src/tests/qemu/conformance" -B "$dir" -DCMAKE_TOOLCHAIN_FILE="$src/boards/$t/toolchain.cmake" \
          -DCMAKE_BUILD_TYPE=MinSizeRel -DMOTE_KERNEL_ISA="$isa" -DCONF_CASES="$cases/cases.c" > "$dir.log" 2>&1 ||
         ! cmake --build "$dir" -j 2 >> "$dir.log" 2>&1; then
        fail "$t: firmware build (see $dir.log)"
        grep -E 'error|Error' "$dir.log" | head -10 | sed 's/^/        /'
        continue
      fi
      image="$dir/conformance"
      [ -f "$image.elf" ] && image="$image.elf"
      "$src/boards/$t/run.sh" "$image" > "$dir/run.log" 2>&1
      rc=$?
      n=0
      while read -r verdict rest; do
        case "$verdict" in
          PASS) pass "$t: $rest"; n=$((n + 1)) ;;
          FAIL) fail "$t: $rest"; n=$((n + 1)) ;;
        esac
      done < "$dir/run.log"
      if [ "$n" -ne "$num_cases" ]; then
        fail "$t: $n of $num_cases models reported, exit status $rc (see $dir/run.log)"
        tail -n 5 "$dir/run.log" | sed 's/^/        /'
      fi
      ;;
    wasm)
      wasm_dir=${MOTE_WASM_DIR:-}
      if [ -z "$wasm_dir" ] || [ ! -f "$wasm_dir/mote.wasm" ] || [ ! -f "$wasm_dir/mote-simd.wasm" ]; then
        wasm_dir="$work/wasm"
        echo "== wasm: building both modules (wasm/build.sh)"
        if ! env -u CMAKE_C_COMPILER_LAUNCHER -u CMAKE_CXX_COMPILER_LAUNCHER \
             "$src/wasm/build.sh" "$wasm_dir" simd scalar > "$wasm_dir.log" 2>&1; then
          fail "wasm: wasm/build.sh (see $wasm_dir.log)"
          tail -n 10 "$wasm_dir.log" | sed 's/^/        /'
          continue
        fi
      fi
      echo "== wasm: $num_cases models through mote.js ($wasm_dir)"
      MOTE_WASM_DIR="$wasm_dir" MOTE_SEQUENCE_CASES="$cases/cases.json" \
        node --test --test-reporter=tap "$src/tests/wasm/sequence.test.mjs" > "$work/wasm-test.log" 2>&1
      rc=$?
      # One subtest per model and module: "ok N - NAME" / "not ok N - NAME", indented.
      n=0
      while read -r line; do
        case "$line" in
          "ok "*" - "*) pass "wasm: ${line#* - }"; n=$((n + 1)) ;;
          "not ok "*" - "*) fail "wasm: ${line#* - }"; n=$((n + 1)) ;;
        esac
      done < <(grep -E '^    (not )?ok [0-9]+ - ' "$work/wasm-test.log")
      if [ "$n" -ne $((2 * num_cases)) ] || [ "$rc" -ne 0 ]; then
        grep -E 'max\|diff\||Error|error' "$work/wasm-test.log" | head -n 10 | sed 's/^/        /'
        [ "$n" -eq $((2 * num_cases)) ] || fail "wasm: $n of $((2 * num_cases)) model runs reported (see $work/wasm-test.log)"
      fi
      ;;
  esac
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
