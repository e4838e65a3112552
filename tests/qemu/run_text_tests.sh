#!/usr/bin/env bash
# The text example (boards/text) on Cortex-M QEMU boards against the host.
#
# On the host: models/intent.onnx converted with its vocabulary embedded (--vocab
# models/intent_vocab.txt), float32 and int8 (--strict), each with --c-array; the commands of
# models/intent_commands.txt (held-out phrasings) compiled in; `mote run --text-file --labels`
# on the same blob and commands for the reference. On each board (default mps3-an547: Cortex-M55,
# mve kernels) the firmware, built with the board's kernel set (MOTE_KERNEL_ISA in the
# environment overrides it) and run under QEMU with -icount shift=0, tokenizes every command on
# the device and must print (the float blob, 443 KB, sits in the board's BULK region: the QSPI
# flash on mps3-an547)
#   * the host's token ids (a hash of the model's input bytes) and class for every command;
#   * int8: the host's logits bit for bit; float32: within 1e-4 of the largest.
# Prints the classes, instructions per tokenization and per inference, blob, arena and code
# sizes.
#
# Usage: run_text_tests.sh SOURCE_DIR BUILD_DIR MOTE_BIN [BOARD...]
# Exit status: 0 if everything passed, 1 if anything failed, 77 when the toolchain or QEMU is
# missing.
set -u
# shellcheck source=tools/script_args.sh
source "$(dirname "$0")/../../tools/script_args.sh"
script_args "mps3-an547" "$@"
MODELS=$SRC/models
CHECK="$SRC/tests/models/text_check.py"
export MOTE_QEMU_TIMEOUT=${MOTE_QEMU_TIMEOUT:-600}
unset CFLAGS CXXFLAGS CPPFLAGS LDFLAGS CC CXX

for t in arm-none-eabi-gcc arm-none-eabi-readelf qemu-system-arm; do
  command -v "$t" >/dev/null || { echo "text boards: SKIPPED ($t not installed; tools/install_deps.sh)"; exit 77; }
done

# shellcheck source=tests/qemu/example_lib.sh
source "$SRC/tests/qemu/example_lib.sh"

# ---- host: the blobs and the reference classes, ids and logits ----
HOST="$BUILD/host"
mkdir -p "$HOST"
echo "== host"
# The blobs are planned for the boards' kernel sets; the host runs them on its reference
# kernels, the specification the boards' kernels must match.
common=(--vocab "$MODELS/intent_vocab.txt" --target cortex-m4,cortex-m55)
if ! "$MOTE" convert "$MODELS/intent.onnx" "${common[@]}" -o "$HOST/intent_float.mote" --c-array "$HOST/intent_float.h" \
       > "$HOST/convert_float.log" 2>&1 ||
   ! "$MOTE" convert "$MODELS/intent.onnx" "${common[@]}" --quantize int8 --calib "$MODELS/intent_calib.npy" --strict \
       -o "$HOST/intent_int8.mote" --c-array "$HOST/intent_int8.h" > "$HOST/convert_int8.log" 2>&1 ||
   ! "$PY" "$SRC/boards/firmware/npy_to_c.py" --text "$HOST/texts.h" "$MODELS/intent_commands.txt" "$MODELS/intent_labels.txt"; then
  tail -3 "$HOST"/convert_*.log | sed 's/^/  /'
  echo "text boards: 0 passed, 1 failed"
  exit 1
fi
for v in float int8; do
  rm -rf "$HOST/$v"
  if ! "$MOTE" run "$HOST/intent_$v.mote" --text-file "$MODELS/intent_commands.txt" --labels "$MODELS/intent_labels.txt" \
         --output-dir "$HOST/$v" --quiet > "$HOST/$v.printed" 2>&1; then
    tail -3 "$HOST/$v.printed" | sed 's/^/  /'
    echo "text boards: 0 passed, 1 failed"
    exit 1
  fi
  mv "$HOST/$v.printed" "$HOST/$v/printed.txt"
  echo "  host $v: $(grep -c . "$MODELS/intent_commands.txt") commands, blob $(wc -c < "$HOST/intent_$v.mote") B"
done

for b in "${BOARDS[@]}"; do
  [ -f "$SRC/boards/$b/toolchain.cmake" ] || { echo "unknown board '$b'" >&2; exit 2; }
  isa=$(board_isa "$b")
  echo "== $b (kernels: $isa)"
  for v in float int8; do
    dir="$BUILD/$b/$v"
    example_run text "$b" "$isa" "$dir" "$v" -DMOTE_MODEL_HEADER="$HOST/intent_$v.h" -DMOTE_TEXTS_HEADER="$HOST/texts.h" \
      -DMOTE_MODEL_IN_BULK="$([ $v = float ] && echo ON || echo OFF)" || continue
    if [ "$v" = int8 ]; then
      example_check "$v" 1 "classes, token ids and logits bit-identical to the host" "$PY" "$CHECK" device "$dir/run.log" "$HOST/$v"
    else
      example_check "$v" 0 "classes and token ids equal the host's, logits within 1e-4" "$PY" "$CHECK" device "$dir/run.log" "$HOST/$v"
    fi
    sed -n 's/^text [0-9]* \([a-z_]*\) .* | \(.*\)/        \1  <- \2/p' "$dir/run.log"
    sed -n 's/^\(instructions per .*\) (under.*/        \1/p; s/^\(instructions per tokenization.*\)/        \1/p' "$dir/run.log"
    example_sizes "$dir/text.elf" "$dir/run.log"
  done
done

echo "text boards: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ]
