#!/usr/bin/env bash
# Reproducible blobs: the converter folds constants, calibrates and builds int8 lookup tables
# with the reference kernels only (mote::op_run_reference), so its output must not depend on the
# kernel set the runtime was built with or on the converting machine's CPU.
#
#   check_reproducible_blobs.sh SRC_DIR WORK_DIR MOTE
#
# MOTE is the CLI of the build under test (e.g. MOTE_KERNEL_ISA=x86). The script builds a second
# CLI with MOTE_KERNEL_ISA=ref in WORK_DIR/build-ref (the `mote` target only), then converts
# models/digits.onnx (float and int8) and two torchvision models (mobilenet_v2, squeezenet1_1;
# float and int8, exported by tests/models/export_models.py with seeded random weights) with both
# and requires byte-identical blobs and equal `mote info` blob hashes. It also converts each
# model twice with MOTE and requires the same bytes. Without /usr/bin/python3 + torch the
# torchvision models are skipped (the digits checks still run). About three minutes on two cores,
# most of it building the reference CLI.
set -u
SRC=$(cd "$1" && pwd)
WORK=$2
MOTE=$3
JOBS=${MOTE_JOBS:-2}
PYTHON=${MOTE_PYTHON:-/usr/bin/python3}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
failed=0
checked=0

echo "== reference CLI: $WORK/build-ref (MOTE_KERNEL_ISA=ref, target mote)"
ref_build="$WORK/build-ref"
if ! cmake -S "$SRC" -B "$ref_build" -DCMAKE_BUILD_TYPE=Release -DMOTE_KERNEL_ISA=ref > "$WORK/build-ref.log" 2>&1 ||
   ! cmake --build "$ref_build" --target mote -j "$JOBS" >> "$WORK/build-ref.log" 2>&1; then
  tail -30 "$WORK/build-ref.log" >&2
  echo "FAIL: could not build the reference CLI" >&2
  exit 1
fi
MOTE_REF="$ref_build/bin/mote"

models="$WORK/models"
mkdir -p "$models" "$WORK/blobs"
cases=()  # name|onnx|extra convert arguments
cases+=("digits|$SRC/models/digits.onnx|")
cases+=("digits_int8|$SRC/models/digits.onnx|--quantize int8 --calib $SRC/models/digits_calib.npy")
if "$PYTHON" -c "import torch, torchvision, numpy" > /dev/null 2>&1; then
  echo "== exporting mobilenet_v2 and squeezenet1_1 (seeded random weights)"
  if "$PYTHON" "$SRC/tests/models/export_models.py" "$models" mobilenet_v2 squeezenet1_1 > "$WORK/export.log" 2>&1; then
    calib="$models/calib.npy"
    [ -f "$calib" ] || "$PYTHON" -c "import numpy as np; np.save('$calib', np.random.RandomState(1).standard_normal((2, 3, 224, 224)).astype(np.float32))"
    for m in mobilenet_v2 squeezenet1_1; do
      cases+=("$m|$models/$m.onnx|--shape input=1x3x224x224")
      cases+=("${m}_int8|$models/$m.onnx|--shape input=1x3x224x224 --quantize int8 --calib $calib")
    done
  else
    tail -20 "$WORK/export.log" >&2
    echo "FAIL: export_models.py failed" >&2
    failed=$((failed + 1))
  fi
else
  echo "== torchvision models: SKIPPED ($PYTHON has no torch/torchvision)"
fi

blob_hash() { "$1" info "$2" --json | sed -n 's/.*"blob_fnv1a64": "\([0-9a-f]*\)".*/\1/p'; }

for c in "${cases[@]}"; do
  IFS='|' read -r name onnx extra <<< "$c"
  out="$WORK/blobs/$name"
  # shellcheck disable=SC2086  # extra holds several arguments
  if ! "$MOTE" convert "$onnx" -o "$out.a.mote" $extra > "$out.a.log" 2>&1 ||
     ! "$MOTE" convert "$onnx" -o "$out.b.mote" $extra > "$out.b.log" 2>&1 ||
     ! "$MOTE_REF" convert "$onnx" -o "$out.ref.mote" $extra > "$out.ref.log" 2>&1; then
    echo "FAIL $name: convert failed: $(tail -1 "$out".*.log | tr '\n' ' ')"
    failed=$((failed + 1))
    continue
  fi
  checked=$((checked + 1))
  hash=$(blob_hash "$MOTE" "$out.a.mote")
  ref_hash=$(blob_hash "$MOTE_REF" "$out.ref.mote")
  if ! cmp -s "$out.a.mote" "$out.b.mote"; then
    echo "FAIL $name: two conversions with the tested CLI differ"
    failed=$((failed + 1))
  elif ! cmp -s "$out.a.mote" "$out.ref.mote" || [ -z "$hash" ] || [ "$hash" != "$ref_hash" ]; then
    echo "FAIL $name: blob differs between the tested and the reference-kernel converter ($hash vs $ref_hash)"
    cmp "$out.a.mote" "$out.ref.mote" | head -1
    failed=$((failed + 1))
  else
    printf 'PASS %-22s %9s bytes  fnv1a64 %s\n' "$name" "$(wc -c < "$out.a.mote")" "$hash"
  fi
done

echo "reproducible blobs: $checked converted, $failed failed"
[ "$failed" -eq 0 ] && [ "$checked" -gt 0 ]
