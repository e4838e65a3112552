# shellcheck shell=bash
# Shared by the example firmware tests (run_speech_tests.sh: boards/speech, run_text_tests.sh:
# boards/text); source it, don't run it. Uses SRC (the source tree) and JOBS; counts the checks
# in PASSED and FAILED through pass() and fail(), which the callers use too.

PASSED=0
FAILED=0
pass() { echo "  PASS  $*"; PASSED=$((PASSED + 1)); }
fail() { echo "  FAIL  $*"; FAILED=$((FAILED + 1)); }

# The kernel set BOARD's image runs: MOTE_KERNEL_ISA, else the MOTE_CPU_KERNEL_ISA of the CPU
# file the board's toolchain file includes.
board_isa() {
  if [ -n "${MOTE_KERNEL_ISA:-}" ]; then
    echo "$MOTE_KERNEL_ISA"
    return
  fi
  local cpu
  cpu=$(sed -n 's|.*/cmake/\(arm-none-eabi-cortex-[a-z0-9]*\.cmake\).*|\1|p' "$SRC/boards/$1/toolchain.cmake")
  sed -n 's/^set(MOTE_CPU_KERNEL_ISA \([a-z_0-9]*\))$/\1/p' "$SRC/boards/cmake/$cpu" 2>/dev/null | grep . || echo ref
}

# example_run EXAMPLE BOARD ISA DIR NAME [CMAKE_ARG...]: builds boards/EXAMPLE for BOARD in DIR
# (log: DIR.log) and runs DIR/EXAMPLE.elf under QEMU with -icount shift=0 (log: DIR/run.log),
# which must say it runs ISA's kernels. Calls fail "NAME: ..." and returns 1 when any step fails
# (the kernel check only reports).
example_run() {
  local example=$1 board=$2 isa=$3 dir=$4 name=$5
  shift 5
  local want_set=$isa isa_arg=() rc
  [ "$isa" = ref ] && want_set=reference
  [ -n "${MOTE_KERNEL_ISA:-}" ] && isa_arg=(-DMOTE_KERNEL_ISA="$isa")
  mkdir -p "$dir"
  if ! cmake -S "$SRC/boards/$example" -B "$dir" -DCMAKE_TOOLCHAIN_FILE="$SRC/boards/$board/toolchain.cmake" \
         "${isa_arg[@]}" "$@" >"$dir.log" 2>&1 || ! cmake --build "$dir" -j "$JOBS" >>"$dir.log" 2>&1; then
    fail "$name: build (see $dir.log)"
    grep -E 'error|Error' "$dir.log" | head -10 | sed 's/^/        /'
    return 1
  fi
  MOTE_QEMU_ICOUNT=1 "$SRC/boards/$board/run.sh" "$dir/$example.elf" >"$dir/run.log" 2>&1
  rc=$?
  if [ $rc -ne 0 ]; then
    fail "$name: the firmware exited with status $rc (see $dir/run.log)"
    tail -5 "$dir/run.log" | sed 's/^/        /'
    return 1
  fi
  if ! grep -qx "kernels: $want_set" "$dir/run.log"; then
    fail "$name: the firmware does not run the $want_set kernels ($(grep -m1 '^kernels:' "$dir/run.log"))"
  fi
  return 0
}

# example_sizes ELF RUN_LOG: prints the blob and arena the firmware reported and its code size
# (the image's functions, from the symbol table; of which the Mote runtime's).
example_sizes() {
  local funcs code rt
  funcs=$(arm-none-eabi-readelf -sW "$1" | awk '$4 == "FUNC" {print $3, $8}')
  code=$(echo "$funcs" | awk '{s += $1} END {print s + 0}')
  rt=$(echo "$funcs" | awk '$2 ~ /^_ZN4mote|^_ZNK4mote|^mote_/ && $2 !~ /^mote_(bm|platform)_/ {s += $1} END {print s + 0}')
  echo "        sizes: $(sed -n 's/^sizes: blob \([0-9]*\) arena \([0-9]*\).*/blob \1 B, arena \2 B/p' "$2"), code $code B (Mote runtime $rt B)"
}

# example_check NAME EXACT WHAT CHECKER...: compares a firmware run with the host's by running
# CHECKER... (with --exact appended when EXACT is 1): passes "NAME: WHAT: <its first line>", or
# fails with its output.
example_check() {
  local name=$1 exact=$2 what=$3 out
  shift 3
  [ "$exact" = 1 ] && set -- "$@" --exact
  if out=$("$@"); then
    pass "$name: $what: $(echo "$out" | head -1)"
  else
    fail "$name: differs from the host"
    echo "$out" | sed 's/^/        /'
  fi
}
