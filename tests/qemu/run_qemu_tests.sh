#!/usr/bin/env bash
# Mote on every QEMU board: for each board, builds (with the board's toolchain) and runs
#
#   * the firmware example (boards/firmware) on the digits model: its printed outputs must match
#     `mote run` on the host (float32: max|diff| <= 1e-4 x max|ref|);
#   * the firmware example on the digits model quantized to int8 (--quantize int8 --calib): its
#     dequantized outputs must be bit for bit the host's (the integer arithmetic is specified
#     exactly, so the board's optimised int8 kernels may not change a single bit); on the
#     Cortex-M boards also the int8 model as converted for them (--target cortex-m4,cortex-m7,
#     cortex-m55: NHWC convolution chains), bit for bit the host's run of that blob;
#   * the same image loading a RAM copy of the blob with one byte flipped (several offsets): it
#     must stop with an error status and message, never a fault or a hang;
#   * the conformance firmware (tests/qemu/conformance): the ONNX node tests listed in
#     conformance_subset.txt, every case one test;
#   * on boards with optimised kernels (mps2-an386, mps2-an500: arm_dsp; mps3-an547: mve;
#     virt-a15, aarch64: neon), the kernel test firmware (tests/qemu/kernels): every optimised
#     float kernel against the reference on random shapes (within a tolerance) and every int8
#     kernel (exactly equal), every case one test;
#   * the freestanding checks: nm -u on libmote_runtime.a built with the board's CPU flags and
#     kernel set (tests/freestanding/check_freestanding.sh), and the images' link maps: nothing
#     the runtime's objects reference may be heap, exception, RTTI, stdio or exit machinery.
#
# Every image is built with the board's kernel set; MOTE_KERNEL_ISA=ref in the environment
# builds them all with the reference kernels only.
#
# Usage: run_qemu_tests.sh SOURCE_DIR BUILD_DIR MOTE_BIN [BOARD...]
#   BOARD: mps2-an386 mps2-an500 mps3-an547 virt-a15 aarch64 (default: all)
# Each board prints "BOARD: N passed, M failed"; the last line is the total. Exit status: 0 if
# everything passed, 1 if anything failed, 77 if no board's toolchain and QEMU are installed.
set -u
# shellcheck source=tools/script_args.sh
source "$(dirname "$0")/../../tools/script_args.sh"
script_args "mps2-an386 mps2-an500 mps3-an547 virt-a15 aarch64" "$@"
TESTDATA=${MOTE_ONNX_TESTDATA:-/usr/share/libonnx-testdata/data/node}
export MOTE_QEMU_TIMEOUT=${MOTE_QEMU_TIMEOUT:-300}
# Host flags from the environment must not leak into the cross builds.
unset CFLAGS CXXFLAGS CPPFLAGS LDFLAGS CC CXX

have() { command -v "$1" >/dev/null 2>&1; }
board_tools() {  # BOARD: prints what is missing
  case "$1" in
    aarch64) for t in aarch64-linux-gnu-g++ qemu-aarch64; do have "$t" || echo "$t"; done ;;
    *) for t in arm-none-eabi-g++ qemu-system-arm; do have "$t" || echo "$t"; done ;;
  esac
}
board_isa() {  # BOARD -> the optimised kernel set its images use (the toolchain file's default)
  if [ -n "${MOTE_KERNEL_ISA:-}" ]; then
    echo "$MOTE_KERNEL_ISA"
    return
  fi
  case "$1" in
    mps2-an386 | mps2-an500) echo arm_dsp ;;
    mps3-an547) echo mve ;;
    virt-a15 | aarch64) echo neon ;;
    *) echo ref ;;
  esac
}
freestanding_target() {  # BOARD -> tests/freestanding target
  case "$1" in
    mps2-an386) echo cortex-m4 ;;
    mps2-an500) echo cortex-m7 ;;
    mps3-an547) echo cortex-m55 ;;
    virt-a15) echo cortex-a15 ;;
    aarch64) echo aarch64 ;;
  esac
}

TOTAL_PASS=0
TOTAL_FAIL=0
pass() { echo "  PASS  $*"; PASSED=$((PASSED + 1)); }
fail() { echo "  FAIL  $*"; FAILED=$((FAILED + 1)); }

available=()
for b in "${BOARDS[@]}"; do
  if [ ! -f "$SRC/boards/$b/toolchain.cmake" ]; then
    echo "unknown board '$b'" >&2
    exit 2
  fi
  missing=$(board_tools "$b" | tr '\n' ' ')
  if [ -n "$missing" ]; then
    echo "== $b: SKIPPED (not installed: $missing)"
  else
    available+=("$b")
  fi
done
if [ ${#available[@]} -eq 0 ]; then
  echo "qemu: no board's toolchain and QEMU are installed"
  exit 77
fi

# ---- on the host, once: the digits model and its reference outputs, the conformance cases ----
HOST="$BUILD/host"
mkdir -p "$HOST"
echo "== host: converting the models and computing reference outputs"
host_ok=1
"$MOTE" convert "$SRC/models/digits.onnx" -o "$HOST/digits.mote" --c-array "$HOST/digits.h" >"$HOST/convert.log" 2>&1 ||
  { echo "  FAIL  mote convert digits.onnx (see $HOST/convert.log)"; host_ok=0; }
"$MOTE" convert "$SRC/models/digits.onnx" -o "$HOST/digits_int8.mote" --quantize int8 \
  --calib "$SRC/models/digits_calib.npy" --c-array "$HOST/digits_int8.h" >"$HOST/convert_int8.log" 2>&1 ||
  { echo "  FAIL  mote convert digits.onnx --quantize int8 (see $HOST/convert_int8.log)"; host_ok=0; }
rm -rf "$HOST/digits_int8_ref"
"$MOTE" run "$HOST/digits_int8.mote" --input "input=$SRC/models/digits_sample.npy" --output-dir "$HOST/digits_int8_ref" \
  --quiet >"$HOST/run_int8.log" 2>&1 || { echo "  FAIL  mote run digits_int8.mote (see $HOST/run_int8.log)"; host_ok=0; }
# The int8 model as converted for the Cortex-M boards: NHWC convolution chains (docs/blob-format.md,
# "Layouts"), run on the host by the reference kernels in that layout.
"$MOTE" convert "$SRC/models/digits.onnx" -o "$HOST/digits_int8_m.mote" --quantize int8 --target cortex-m4,cortex-m7,cortex-m55 \
  --calib "$SRC/models/digits_calib.npy" --c-array "$HOST/digits_int8_m.h" >"$HOST/convert_int8_m.log" 2>&1 ||
  { echo "  FAIL  mote convert digits.onnx --quantize int8 --target cortex-m... (see $HOST/convert_int8_m.log)"; host_ok=0; }
rm -rf "$HOST/digits_int8_m_ref"
"$MOTE" run "$HOST/digits_int8_m.mote" --input "input=$SRC/models/digits_sample.npy" --output-dir "$HOST/digits_int8_m_ref" \
  --quiet >"$HOST/run_int8_m.log" 2>&1 || { echo "  FAIL  mote run digits_int8_m.mote (see $HOST/run_int8_m.log)"; host_ok=0; }
"$PY" "$SRC/boards/firmware/npy_to_c.py" "$HOST/digits_input.h" "$SRC/models/digits_sample.npy" ||
  { echo "  FAIL  npy_to_c.py"; host_ok=0; }
rm -rf "$HOST/digits_ref"
"$MOTE" run "$HOST/digits.mote" --input "input=$SRC/models/digits_sample.npy" --output-dir "$HOST/digits_ref" --quiet \
  >"$HOST/run.log" 2>&1 || { echo "  FAIL  mote run digits.mote (see $HOST/run.log)"; host_ok=0; }
"$PY" "$SRC/tests/qemu/gen_conformance.py" "$MOTE" "$TESTDATA" "$SRC/tests/qemu/conformance_subset.txt" \
  "$HOST/conformance" 2>&1 | sed 's/^/  /'
[ "${PIPESTATUS[0]}" -eq 0 ] || { echo "  FAIL  gen_conformance.py"; host_ok=0; }
if [ "$host_ok" != 1 ]; then
  echo "0 passed, 1 failed"
  exit 1
fi

build() {  # NAME SOURCE BUILD_DIR CMAKE_ARGS...: configure + build, log in BUILD_DIR.log
  local name=$1 source=$2 dir=$3
  shift 3
  if ! cmake -S "$source" -B "$dir" "$@" >"$dir.log" 2>&1 || ! cmake --build "$dir" -j "$JOBS" >>"$dir.log" 2>&1; then
    fail "$name: build (see $dir.log)"
    grep -E 'error|Error' "$dir.log" | head -10 | sed 's/^/        /'
    return 1
  fi
  return 0
}

# LABEL DIR BLOB: the firmware example on $HOST/BLOB.h, its outputs bit for bit $HOST/BLOB_ref
# (uses the board loop's $dir, $toolchain, $run and $isa).
int8_firmware() {
  local label=$1 fdir="$dir/$2" blob=$3 fw rc cmp_out
  build "firmware ($label)" "$SRC/boards/firmware" "$fdir" "${toolchain[@]}" \
    -DMOTE_MODEL_HEADER="$HOST/$blob.h" -DMOTE_INPUT_HEADER="$HOST/digits_input.h" || return
  fw=$(image_of "$fdir" firmware)
  "$run" "$fw" >"$fdir/run.log" 2>&1
  rc=$?
  if [ $rc -ne 0 ]; then
    fail "$label: firmware exited with status $rc (see $fdir/run.log)"
    tail -5 "$fdir/run.log" | sed 's/^/        /'
  elif cmp_out=$("$PY" "$SRC/tests/qemu/compare_outputs.py" --exact "$fdir/run.log" "$HOST/${blob}_ref"); then
    pass "$label ($isa kernels): outputs bit-identical to the host ($(grep -E '^argmax' "$fdir/run.log" | awk '{print "class " $3}'))"
  else
    fail "$label: outputs differ from the host"
    echo "$cmp_out" | sed 's/^/        /'
  fi
}

image_of() {  # BUILD_DIR NAME: the bare-metal .elf or the Linux program
  if [ -f "$1/$2.elf" ]; then echo "$1/$2.elf"; else echo "$1/$2"; fi
}

# ---- per board ----
for b in "${available[@]}"; do
  PASSED=0
  FAILED=0
  dir="$BUILD/$b"
  run="$SRC/boards/$b/run.sh"
  mkdir -p "$dir"
  isa=$(board_isa "$b")
  echo "== $b (kernels: $isa)"
  # The board's toolchain file picks its kernel set (the firmware says which, checked below);
  # MOTE_KERNEL_ISA in the environment overrides it.
  toolchain=(-DCMAKE_TOOLCHAIN_FILE="$SRC/boards/$b/toolchain.cmake" -DCMAKE_BUILD_TYPE=MinSizeRel)
  [ -n "${MOTE_KERNEL_ISA:-}" ] && toolchain+=(-DMOTE_KERNEL_ISA="$isa")
  want_set=$isa
  [ "$isa" = ref ] && want_set=reference

  # The firmware example on the digits model.
  fw_dir="$dir/firmware"
  if build "firmware (digits)" "$SRC/boards/firmware" "$fw_dir" "${toolchain[@]}" \
       -DMOTE_MODEL_HEADER="$HOST/digits.h" -DMOTE_INPUT_HEADER="$HOST/digits_input.h"; then
    fw=$(image_of "$fw_dir" firmware)
    "$run" "$fw" >"$fw_dir/run.log" 2>&1
    rc=$?
    if grep -qx "kernels: $want_set" "$fw_dir/run.log"; then
      pass "digits: the firmware runs the $want_set kernels by default and says so"
    else
      fail "digits: the firmware does not say 'kernels: $want_set' ($(grep -m1 '^kernels:' "$fw_dir/run.log"))"
    fi
    if [ $rc -ne 0 ]; then
      fail "digits: firmware exited with status $rc (see $fw_dir/run.log)"
      tail -5 "$fw_dir/run.log" | sed 's/^/        /'
    elif cmp_out=$("$PY" "$SRC/tests/qemu/compare_outputs.py" "$fw_dir/run.log" "$HOST/digits_ref"); then
      pass "digits: outputs match the host ($(echo "$cmp_out" | sed -n 's/.*max|diff| \([^ ]*\).*/max|diff| \1/p' | head -1); $(grep -E '^argmax' "$fw_dir/run.log" | awk '{print "class " $3}'))"
    else
      fail "digits: outputs differ from the host"
      echo "$cmp_out" | sed 's/^/        /'
    fi
    # A corrupt blob: the header's magic, the CRC field, the section table, a weight.
    for offset in 0 12 40 1000; do
      "$run" "$fw" "corrupt=$offset" >"$fw_dir/corrupt-$offset.log" 2>&1
      rc=$?
      msg=$(grep -m1 '^error: mote_model_load' "$fw_dir/corrupt-$offset.log")
      if [ $rc -eq 2 ] && [ -n "$msg" ]; then
        pass "corrupt blob (byte $offset): exit 2, ${msg#error: }"
      elif [ $rc -eq 99 ]; then
        fail "corrupt blob (byte $offset): FAULT (see $fw_dir/corrupt-$offset.log)"
      elif [ $rc -eq 124 ]; then
        fail "corrupt blob (byte $offset): hung, stopped after $MOTE_QEMU_TIMEOUT s"
      else
        fail "corrupt blob (byte $offset): exit status $rc without a load error (see $fw_dir/corrupt-$offset.log)"
      fi
    done
  fi

  # The same firmware on the int8 digits model: bit-identical to the host. On the Cortex-M boards
  # also the int8 model converted for them (NHWC chains), against the host's run of that blob.
  int8_firmware "digits int8" firmware-int8 digits_int8
  case "$b" in
    mps2-* | mps3-*) int8_firmware "digits int8 converted for the Cortex-M boards (NHWC)" firmware-int8-nhwc digits_int8_m ;;
  esac

  # The ONNX node tests.
  conf_dir="$dir/conformance"
  if build "conformance firmware" "$SRC/tests/qemu/conformance" "$conf_dir" "${toolchain[@]}" \
       -DCONF_CASES="$HOST/conformance/cases.c"; then
    conf=$(image_of "$conf_dir" conformance)
    "$run" "$conf" >"$conf_dir/run.log" 2>&1
    rc=$?
    grep -E '^FAIL ' "$conf_dir/run.log" | sed 's/^/  /'
    summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$conf_dir/run.log" | tail -1)
    if [ -n "$summary" ]; then
      n=$(echo "$summary" | awk '{print $1}')
      m=$(echo "$summary" | awk '{print $3}')
      echo "  conformance: $summary"
      PASSED=$((PASSED + n))
      FAILED=$((FAILED + m))
      [ $rc -eq 0 ] || [ "$m" -gt 0 ] || fail "conformance: exit status $rc"
    else
      fail "conformance: no summary, exit status $rc (see $conf_dir/run.log)"
      tail -5 "$conf_dir/run.log" | sed 's/^/        /'
    fi
  fi

  # The optimised kernels against the reference, on the board.
  kern_dir="$dir/kernels"
  if [ "$isa" != ref ] && build "kernel test firmware ($isa)" "$SRC/tests/qemu/kernels" "$kern_dir" \
       -DCMAKE_TOOLCHAIN_FILE="$SRC/boards/$b/toolchain.cmake" -DMOTE_KERNEL_ISA="$isa"; then
    kern=$(image_of "$kern_dir" kernels)
    "$run" "$kern" >"$kern_dir/run.log" 2>&1
    rc=$?
    grep -E '^FAIL ' "$kern_dir/run.log" | head -20 | sed 's/^/  /'
    summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$kern_dir/run.log" | tail -1)
    if [ -n "$summary" ]; then
      n=$(echo "$summary" | awk '{print $1}')
      m=$(echo "$summary" | awk '{print $3}')
      echo "  $isa kernels vs reference: $summary; $(grep -E '^kernels:' "$kern_dir/run.log" | sed 's/^kernels: //')"
      PASSED=$((PASSED + n))
      FAILED=$((FAILED + m))
      [ $rc -eq 0 ] || [ "$m" -gt 0 ] || fail "kernels: exit status $rc"
    else
      fail "kernels: no summary, exit status $rc (see $kern_dir/run.log)"
      tail -5 "$kern_dir/run.log" | sed 's/^/        /'
    fi
  fi

  # Freestanding: the final link maps, then the runtime archive built with the board's flags.
  maps=()
  for m in "$fw_dir"/firmware*.map "$dir"/firmware-int8*/firmware*.map "$conf_dir"/conformance*.map; do [ -f "$m" ] && maps+=("$m"); done
  if [ "$isa" != ref ]; then
    for m in "$kern_dir"/kernels*.map; do [ -f "$m" ] && maps+=("$m"); done
  fi
  if [ ${#maps[@]} -gt 0 ]; then
    if out=$(bash "$SRC/tests/freestanding/check_freestanding.sh" --link-map "${maps[@]}" 2>&1); then
      pass "link maps: the runtime's objects use no heap, exception, RTTI, stdio or exit symbol (${#maps[@]} images)"
    else
      fail "link maps"
      echo "$out" | sed 's/^/      /'
    fi
  fi
  # MOTE_QEMU_FREESTANDING_DIR_<target> (e.g. _cortex_m4): the build root to use for that CPU's
  # archive instead of BUILD/freestanding-ISA. ctest gives qemu_mps2-an386 the freestanding
  # test's, which builds the same Cortex-M4 arm_dsp archive with the same flags: the second of
  # the two finds it built (the two tests hold one RESOURCE_LOCK).
  target=$(freestanding_target "$b")
  fs_var=MOTE_QEMU_FREESTANDING_DIR_${target//-/_}
  fs_root=${!fs_var:-$BUILD/freestanding-$isa}
  if out=$(MOTE_FREESTANDING_CMAKE_ARGS="-DMOTE_KERNEL_ISA=$isa" \
            bash "$SRC/tests/freestanding/check_freestanding.sh" "$SRC" "$fs_root" "$target" 2>&1); then
    pass "nm -u libmote_runtime.a ($target flags, $isa kernels): $(echo "$out" | tail -1 | sed 's/^freestanding: //')"
  else
    fail "nm -u libmote_runtime.a ($target flags, $isa kernels)"
    echo "$out" | grep -E 'FAIL|SKIPPED' | sed 's/^/      /'
  fi

  echo "$b: $PASSED passed, $FAILED failed"
  TOTAL_PASS=$((TOTAL_PASS + PASSED))
  TOTAL_FAIL=$((TOTAL_FAIL + FAILED))
done

echo "qemu: ${#available[@]} of ${#BOARDS[@]} boards"
echo "$TOTAL_PASS passed, $TOTAL_FAIL failed"
[ "$TOTAL_FAIL" -eq 0 ]
