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
# shellcheck source=tools/script_args.sh
source "$(dirname "$0")/../../tools/script_args.sh"
script_args "mps2-an386 mps3-an547" "$@"
MODELS=${MOTE_SPEECH_DIR:-$SRC/models}
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

# shellcheck source=tests/qemu/example_lib.sh
source "$SRC/tests/qemu/example_lib.sh"

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

for b in "${BOARDS[@]}"; do
  [ -f "$SRC/boards/$b/toolchain.cmake" ] || { echo "unknown board '$b'" >&2; exit 2; }
  isa=$(board_isa "$b")
  echo "== $b (kernels: $isa)"
  for v in "${VARIANTS[@]}"; do
    dir="$BUILD/$b/$v"
    example_run speech "$b" "$isa" "$dir" "$v" -DMOTE_MODEL_HEADER="$HOST/$v.h" -DMOTE_AUDIO_HEADER="$HOST/audio.h" || continue
    if [ "$v" = speech_int8 ]; then
      example_check "$v" 1 "detections, events and scores bit-identical to the host" \
        "$PY" "$STREAM" compare "$dir/run.log" "$HOST/$v.expected"
    else
      example_check "$v" 0 "detections and event sequence equal the host's" "$PY" "$STREAM" compare "$dir/run.log" "$HOST/$v.expected"
    fi
    # Instructions, real-time factor, sizes.
    sed -n 's/^\(instructions per chunk: avg [0-9]* max [0-9]*\).*/        \1/p; s/^\(real-time factor .*\)/        \1/p' "$dir/run.log"
    example_sizes "$dir/speech.elf" "$dir/run.log"
  done
done

echo "speech boards: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ]
