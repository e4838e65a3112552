#!/usr/bin/env bash
# `mote convert --arena min` on the Cortex-M boards against the host.
#
# On the host: models/digits.onnx quantized to int8 and converted for the board's target with
# --arena fast (the default) and --arena min, with --c-array; `mote run` on the min blob for the
# reference outputs. Checks that the min blob records the lean plan, that its arena is smaller than
# the fast blob's and no op's scratch grows, then on each board (default mps2-an386: Cortex-M4,
# arm_dsp kernels) builds the firmware example with the min blob's header, runs it under QEMU
# with -icount shift=0 and checks that it runs the board's optimised set in the min arena and
# prints the host's outputs bit for bit. Prints both arenas and the instructions per inference.
#
# Usage: run_arena_min_tests.sh SOURCE_DIR BUILD_DIR MOTE_BIN [BOARD...]
# Exit status: 0 if everything passed, 1 if anything failed, 77 when the toolchain or QEMU is
# missing.
set -u
# shellcheck source=tools/script_args.sh
source "$(dirname "$0")/../../tools/script_args.sh"
script_args "mps2-an386" "$@"
unset CFLAGS CXXFLAGS CPPFLAGS LDFLAGS CC CXX

for t in arm-none-eabi-gcc arm-none-eabi-readelf qemu-system-arm; do
  command -v "$t" >/dev/null || { echo "arena min boards: SKIPPED ($t not installed; tools/install_deps.sh)"; exit 77; }
done

# shellcheck source=tests/qemu/example_lib.sh
source "$SRC/tests/qemu/example_lib.sh"

json() {  # BLOB EXPR: a field of `mote info --json`, EXPR on its parsed object j
  "$MOTE" info "$1" --json | "$PY" -c "import json,sys; j = json.load(sys.stdin); print($2)"
}

"$PY" "$SRC/boards/firmware/npy_to_c.py" "$BUILD/digits_input.h" "$SRC/models/digits_sample.npy" ||
  { echo "  FAIL  npy_to_c.py"; exit 1; }
for b in "${BOARDS[@]}"; do
  case "$b" in
    mps2-an386 | mps2-an500) target=cortex-m4 ;;
    mps3-an547) target=cortex-m55 ;;
    *) fail "$b: not a Cortex-M board"; continue ;;
  esac
  echo "== $b ($target)"
  host="$BUILD/$b/host"
  mkdir -p "$host"
  for a in fast min; do
    "$MOTE" convert "$SRC/models/digits.onnx" -o "$host/digits_$a.mote" --c-array "$host/digits_$a.h" --quantize int8 \
      --calib "$SRC/models/digits_calib.npy" --target "$target" --arena "$a" >"$host/convert_$a.log" 2>&1 ||
      { fail "$b: mote convert --arena $a (see $host/convert_$a.log)"; continue 2; }
  done
  rm -rf "$host/digits_min_ref"
  "$MOTE" run "$host/digits_min.mote" --input "input=$SRC/models/digits_sample.npy" --output-dir "$host/digits_min_ref" \
    --quiet >"$host/run.log" 2>&1 || { fail "$b: mote run digits_min.mote (see $host/run.log)"; continue; }
  fast_arena=$(json "$host/digits_fast.mote" 'j["arena_bytes"]')
  min_arena=$(json "$host/digits_min.mote" 'j["arena_bytes"]')
  sets=$(json "$host/digits_min.mote" 'j["kernel_sets"]')
  case "$sets" in
    *"--arena min"*) pass "$b: the min blob records the lean plan ($sets)" ;;
    *) fail "$b: the min blob does not record the lean plan ($sets)" ;;
  esac
  grown=$("$PY" - <("$MOTE" info "$host/digits_fast.mote" --json) <("$MOTE" info "$host/digits_min.mote" --json) <<'PYEOF'
import json, sys
fast, lean = (json.load(open(p)) for p in sys.argv[1:3])
print(" ".join(f"op{k}:{a['scratch']}>{b['scratch']}" for k, (a, b) in enumerate(zip(lean["ops"], fast["ops"]))
               if a["scratch"] > b["scratch"]) if len(fast["ops"]) == len(lean["ops"]) else "op count differs")
PYEOF
  )
  if [ "$min_arena" -lt "$fast_arena" ] && [ -z "$grown" ]; then
    pass "$b: arena $min_arena B with --arena min, $fast_arena B with --arena fast; no op's scratch grows"
  else
    fail "$b: --arena min gives $min_arena B against $fast_arena B ${grown:+(scratch grows: $grown)}"
  fi
  header_arena=$(sed -n 's/^#define [A-Z0-9_]*_ARENA_BYTES \([0-9]*\).*/\1/p' "$host/digits_min.h" | head -1)
  [ "$header_arena" = "$min_arena" ] || fail "$b: the header's arena ($header_arena) is not the blob's ($min_arena)"
  isa=$(board_isa "$b")
  fdir="$BUILD/$b/firmware-min"
  example_run firmware "$b" "$isa" "$fdir" "$b" -DMOTE_MODEL_HEADER="$host/digits_min.h" \
    -DMOTE_INPUT_HEADER="$BUILD/digits_input.h" || continue
  if grep -q "^mote firmware: blob [0-9]* bytes, arena $min_arena bytes" "$fdir/run.log"; then
    pass "$b: the firmware runs in the $min_arena-byte arena"
  else
    fail "$b: the firmware's arena is not $min_arena bytes ($(grep -m1 '^mote firmware' "$fdir/run.log"))"
  fi
  if grep -q "^kernels: $isa$" "$fdir/run.log"; then
    pass "$b: the min blob runs on the $isa kernels where their scratch fits"
  fi
  example_check "$b" 1 "outputs bit-identical to the host" \
    "$PY" "$SRC/tests/qemu/compare_outputs.py" "$fdir/run.log" "$host/digits_min_ref"
  echo "        run under -icount shift=0 (one instruction per ns): $(sed -n 's/^run: \([0-9]*\) us/\1/p' "$fdir/run.log") us"
done
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
