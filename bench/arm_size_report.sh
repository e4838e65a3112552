#!/usr/bin/env bash
# Code size of the Mote runtime on the Cortex-M boards, at -Os (arm-none-eabi-gcc, one section
# per function, --gc-sections), printed as markdown tables:
#
#   1. the runtime core (runtime/src: loader, verifier, session, C API, op table) and the
#      reference kernels, as compiled (libmote_runtime.a) and as linked into an image that
#      uses no op (-DMOTE_OP_CONFIG with every family off), with and without
#      MOTE_STRIP_ERROR_STRINGS;
#   2. the firmware example on the digits model, linking every op family against only the ones
#      the model uses (MOTE_OP_CONFIG): the flash it saves;
#   3. the largest sections of the linked core on the Cortex-M4.
#
# Usage: arm_size_report.sh SOURCE_DIR BUILD_DIR MOTE_BIN
set -u
# shellcheck source=tools/script_args.sh
source "$(dirname "$0")/../tools/script_args.sh"
script_args "" "$@"
SIZES="$SRC/bench/arm_map_sizes.py"
BOARDS=(mps2-an386 mps2-an500 mps3-an547)
unset CFLAGS CXXFLAGS CPPFLAGS LDFLAGS CC CXX

die() { echo "arm_size_report: $*" >&2; exit 1; }
command -v arm-none-eabi-gcc >/dev/null || die "arm-none-eabi-gcc not found"

host="$BUILD/host"
mkdir -p "$host"
"$MOTE" convert "$SRC/models/digits.onnx" -o "$host/digits.mote" --c-array "$host/digits.h" >/dev/null || die "mote convert failed"
"$PY" "$SRC/boards/firmware/npy_to_c.py" "$host/digits_input.h" "$SRC/models/digits_sample.npy" || die "npy_to_c.py failed"
# An op configuration with every family off: what the core costs on its own.
sed 's/^#define \(MOTE_USE_FAMILY_[A-Za-z0-9_]*\) 1$/#define \1 0/' "$host/digits.h" >"$host/no_ops.h"

build() {  # DIR CMAKE_ARGS...
  local dir=$1
  shift
  { cmake "$@" -B "$dir" && cmake --build "$dir" -j "$JOBS"; } >"$dir.log" 2>&1 || die "build failed, see $dir.log"
}
json() { "$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

declare -A ROW
for b in "${BOARDS[@]}"; do
  tc="$SRC/boards/$b/toolchain.cmake"
  d="$BUILD/$b"
  mkdir -p "$d"
  build "$d/runtime" -S "$SRC" -DCMAKE_TOOLCHAIN_FILE="$tc" -DCMAKE_BUILD_TYPE=MinSizeRel -DMOTE_BUILD_HOST_TOOLS=OFF
  "$PY" "$SIZES" --archive arm-none-eabi-size "$d/runtime/lib/libmote_runtime.a" --json >"$d/archive.json"
  fw=(-S "$SRC/boards/firmware" -DCMAKE_TOOLCHAIN_FILE="$tc" -DMOTE_MODEL_HEADER="$host/digits.h"
      -DMOTE_INPUT_HEADER="$host/digits_input.h" -DMOTE_FIRMWARE_CORRUPT_TEST=OFF)
  build "$d/core" "${fw[@]}" -DMOTE_FIRMWARE_OP_CONFIG="$host/no_ops.h"
  build "$d/core-strip" "${fw[@]}" -DMOTE_FIRMWARE_OP_CONFIG="$host/no_ops.h" -DMOTE_FIRMWARE_STRIP_ERROR_STRINGS=ON
  build "$d/digits-used" "${fw[@]}"
  build "$d/digits-all" "${fw[@]}" -DMOTE_FIRMWARE_USED_OPS_ONLY=OFF
  for v in core core-strip digits-used digits-all; do
    "$PY" "$SIZES" "$d/$v/firmware.elf.map" --top 12 --json >"$d/$v.json"
    read -r text data _ < <(arm-none-eabi-size "$d/$v/firmware.elf" | tail -1)
    echo $((text + data)) >"$d/$v.flash"
  done
done

fmt() {  # JSON PART -> "| text | rodata | data | bss |"
  json "$1" "' | '.join(str(d['sizes']['$2'][k]) for k in ('text','rodata','data','bss'))"
}

echo "### Runtime code size at -Os (bytes), arm-none-eabi-gcc $(arm-none-eabi-gcc -dumpversion)"
echo
echo "| board | part | .text | .rodata | .data | .bss |"
echo "|---|---|---:|---:|---:|---:|"
for b in "${BOARDS[@]}"; do
  d="$BUILD/$b"
  echo "| $b | core, compiled (runtime/src/*.cc) | $(fmt "$d/archive.json" core) |"
  echo "| $b | reference kernels, compiled | $(fmt "$d/archive.json" kernels) |"
  echo "| $b | core, linked (no op families) | $(fmt "$d/core.json" core) |"
  echo "| $b | core, linked, MOTE_STRIP_ERROR_STRINGS | $(fmt "$d/core-strip.json" core) |"
done
echo
echo "### Firmware example on digits.onnx: flash (.text + .data of the image, bytes)"
echo
echo "| board | all op families | only the model's (MOTE_OP_CONFIG) | saved | runtime linked: all → used (core + kernels) |"
echo "|---|---:|---:|---:|---:|"
for b in "${BOARDS[@]}"; do
  d="$BUILD/$b"
  all=$(cat "$d/digits-all.flash")
  used=$(cat "$d/digits-used.flash")
  rt_all=$(json "$d/digits-all.json" "sum(d['sizes'][p][k] for p in ('core','kernels') for k in ('text','rodata','data'))")
  rt_used=$(json "$d/digits-used.json" "sum(d['sizes'][p][k] for p in ('core','kernels') for k in ('text','rodata','data'))")
  echo "| $b | $all | $used | $((all - used)) ($((100 * (all - used) / all))%) | $rt_all → $rt_used |"
done
echo
echo "### Largest sections of the linked core, ${BOARDS[0]}"
echo
echo "| bytes | section | object |"
echo "|---:|---|---|"
json "$BUILD/${BOARDS[0]}/core.json" "'\n'.join('| %d | %s | %s |' % (s['bytes'], s['section'], s['object']) for s in d['top_core'])"
