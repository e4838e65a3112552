#!/usr/bin/env bash
# The streaming keyword example (boards/speech) on the Cortex-M QEMU boards against the host.
#
# On the host: models/speech.onnx converted with its --carry pairs (models/speech_carry.txt),
# float32 and int8, each with --c-array; models/speech_sample.wav as the compiled-in clip;
# `mote run --chunk 1` on the same blob and clip for the reference detections. On each board
# (mps2-an386: Cortex-M4, arm_dsp kernels; mps3-an547: Cortex-M55, mve kernels): the firmware
# built with the board's kernel set (its toolchain file's; MOTE_KERNEL_ISA in the environment
# overrides it), run under QEMU with -icount shift=0, must say it runs those kernels and print
#   * int8: the host's detections, event sequence and scores, bit for bit (hashes of every run);
#   * float32: the host's detections and event sequence (the scores may differ in the last bits).
# Prints the detections, instructions per chunk, the real-time factor at the board's clock and
# the blob, arena and code sizes (code: the image's functions, from the symbol table; of which
# the Mote runtime's).
#
# Usage: run_speech_tests.sh SOURCE_DIR BUILD_DIR MOTE_BIN [BOARD...]   (default: both boards)
# Environment: MOTE_SPEECH_DIR holds speech.onnx & co. instead of SOURCE_DIR/models;
#   MOTE_SPEECH_CALIB the int8 calibration (default: models/speech_calib or speech_calib.npy).
# Exit status: 0 if everything passed, 1 if anything failed, 77 when the toolchain, QEMU or the
# model is missing.
set -u
if [ $# -lt 3 ]; then
  echo "usage: $0 SOURCE_DIR BUILD_DIR MOTE_BIN [BOARD...]" >&2
  exit 2
fi
SRC=$(cd "$1" && pwd) || exit 2
mkdir -p "$2" || exit 2
BUILD=$(cd "$2" && pwd) || exit 2
MOTE=$(cd "$(dirname "$3")" && pwd)/$(basename "$3")
shift 3
BOARDS=("$@")
[ ${#BOARDS[@]} -eq 0 ] && BOARDS=(mps2-an386 mps3-an547)
MODELS=${MOTE_SPEECH_DIR:-$SRC/models}
JOBS=$(nproc 2>/dev/null || echo 2)
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
STREAM="$SRC/tests/qemu/speech_stream.py"
export MOTE_QEMU_TIMEOUT=${MOTE_QEMU_TIMEOUT:-600}
unset CFLAGS CXXFLAGS CPPFLAGS LDFLAGS CC CXX

for t in arm-none-eabi-gcc arm-none-eabi-readelf qemu-system-arm; do
  command -v "$t" >/dev/null || { echo "speech boards: SKIPPED ($t not installed; tools/install_deps.sh)"; exit 77; }
done
for f in speech.onnx speech_carry.txt speech_labels.txt speech_sample.wav; do
  [ -f "$MODELS/$f" ] || { echo "speech boards: SKIPPED (no $MODELS/$f)"; exit 77; }
done
CALIB=${MOTE_SPEECH_CALIB:-}
if [ -z "$CALIB" ]; then
  for c in "$MODELS/speech_calib" "$MODELS/speech_calib.npy"; do [ -e "$c" ] && CALIB=$c && break; done
fi

PASSED=0
FAILED=0
pass() { echo "  PASS  $*"; PASSED=$((PASSED + 1)); }
fail() { echo "  FAIL  $*"; FAILED=$((FAILED + 1)); }

# ---- host: the blobs and the reference detections ----
HOST="$BUILD/host"
mkdir -p "$HOST"
echo "== host ($MODELS)"
# The blobs are planned for the boards' kernel sets (the arena an M4 or M55 firmware needs); the
# host runs them on its reference kernels, the specification the boards' kernels must match.
if ! out=$("$PY" "$STREAM" prepare --target cortex-m4,cortex-m55 "$MOTE" "$MODELS" "$HOST" ${CALIB:+"$CALIB"}) ||
   ! "$PY" "$SRC/boards/firmware/npy_to_c.py" --wav "$HOST/audio.h" "$MODELS/speech_sample.wav" "$MODELS/speech_labels.txt"; then
  echo "$out" | sed 's/^/  /'
  echo "speech boards: 0 passed, 1 failed"
  exit 1
fi
echo "$out" | sed 's/^/  host /'
VARIANTS=(speech_float)
if [ -n "$CALIB" ]; then
  VARIANTS+=(speech_int8)
else
  fail "int8: no calibration data (models/speech_calib, models/speech_calib.npy or MOTE_SPEECH_CALIB)"
fi

# The kernel set the image runs: MOTE_KERNEL_ISA, else the MOTE_CPU_KERNEL_ISA of the CPU file
# the board's toolchain file includes.
board_isa() {
  if [ -n "${MOTE_KERNEL_ISA:-}" ]; then
    echo "$MOTE_KERNEL_ISA"
    return
  fi
  local cpu
  cpu=$(sed -n 's|.*/cmake/\(arm-none-eabi-cortex-[a-z0-9]*\.cmake\).*|\1|p' "$SRC/boards/$1/toolchain.cmake")
  sed -n 's/^set(MOTE_CPU_KERNEL_ISA \([a-z_0-9]*\))$/\1/p' "$SRC/boards/cmake/$cpu" 2>/dev/null | grep . || echo ref
}

for b in "${BOARDS[@]}"; do
  [ -f "$SRC/boards/$b/toolchain.cmake" ] || { echo "unknown board '$b'" >&2; exit 2; }
  isa=$(board_isa "$b")
  want_set=$isa
  [ "$isa" = ref ] && want_set=reference
  isa_arg=()
  [ -n "${MOTE_KERNEL_ISA:-}" ] && isa_arg=(-DMOTE_KERNEL_ISA="$isa")
  echo "== $b (kernels: $isa)"
  for v in "${VARIANTS[@]}"; do
    dir="$BUILD/$b/$v"
    mkdir -p "$dir"
    if ! cmake -S "$SRC/boards/speech" -B "$dir" -DCMAKE_TOOLCHAIN_FILE="$SRC/boards/$b/toolchain.cmake" \
           "${isa_arg[@]}" -DMOTE_MODEL_HEADER="$HOST/$v.h" \
           -DMOTE_AUDIO_HEADER="$HOST/audio.h" >"$dir.log" 2>&1 || ! cmake --build "$dir" -j "$JOBS" >>"$dir.log" 2>&1; then
      fail "$v: build (see $dir.log)"
      grep -E 'error|Error' "$dir.log" | head -10 | sed 's/^/        /'
      continue
    fi
    MOTE_QEMU_ICOUNT=1 "$SRC/boards/$b/run.sh" "$dir/speech.elf" >"$dir/run.log" 2>&1
    rc=$?
    if [ $rc -ne 0 ]; then
      fail "$v: the firmware exited with status $rc (see $dir/run.log)"
      tail -5 "$dir/run.log" | sed 's/^/        /'
      continue
    fi
    if ! grep -qx "kernels: $want_set" "$dir/run.log"; then
      fail "$v: the firmware does not run the $want_set kernels ($(grep -m1 '^kernels:' "$dir/run.log"))"
    fi
    exact=()
    what="detections and event sequence equal the host's"
    if [ "$v" = speech_int8 ]; then
      exact=(--exact)
      what="detections, events and scores bit-identical to the host"
    fi
    if out=$("$PY" "$STREAM" compare "$dir/run.log" "$HOST/$v.expected" "${exact[@]}"); then
      pass "$v: $what: $(echo "$out" | head -1)"
    else
      fail "$v: differs from the host"
      echo "$out" | sed 's/^/        /'
    fi
    # Instructions, real-time factor, sizes.
    sed -n 's/^\(instructions per chunk: avg [0-9]* max [0-9]*\).*/        \1/p; s/^\(real-time factor .*\)/        \1/p' "$dir/run.log"
    funcs=$(arm-none-eabi-readelf -sW "$dir/speech.elf" | awk '$4 == "FUNC" {print $3, $8}')
    code=$(echo "$funcs" | awk '{s += $1} END {print s + 0}')
    rt=$(echo "$funcs" | awk '$2 ~ /^_ZN4mote|^_ZNK4mote|^mote_/ && $2 !~ /^mote_(bm|platform)_/ {s += $1} END {print s + 0}')
    echo "        sizes: $(sed -n 's/^sizes: blob \([0-9]*\) arena \([0-9]*\).*/blob \1 B, arena \2 B/p' "$dir/run.log"), code $code B (Mote runtime $rt B)"
  done
done

echo "speech boards: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ]
