#!/usr/bin/env bash
# The seven torchvision models as a page ships them (`mote convert --target wasm`: 3x3 stride-1
# Convs as ConvWinograd) through the WebAssembly runtime's SIMD128 kernels in Node, against
# onnxruntime-node on the same input (max|diff| <= 1e-4 * max|reference|, as the host's `models`
# test).
#
#   run_wasm_models.sh WASM_DIR MOTE_BIN WORKDIR
#
# WASM_DIR is where the `wasm` test built the modules (mote-simd.wasm); WORKDIR the `models`
# test's, whose exported models it reuses (exporting them when missing). Prints a row per model
# and "N passed, M failed". Exit 77 (skipped) when the module, node or em++ is missing.
set -u
usage="usage: run_wasm_models.sh WASM_DIR MOTE_BIN WORKDIR"
wasm=$(cd "${1:?$usage}" 2> /dev/null && pwd) || { echo "wasm_models: SKIPPED (no ${1}: the wasm test builds it)"; exit 77; }
mote=${2:?$usage}
work=${3:?$usage}
if [ ! -f "$wasm/mote-simd.wasm" ] || ! command -v node > /dev/null; then
  echo "wasm_models: SKIPPED (needs node and $wasm/mote-simd.wasm, which the wasm test builds)"
  exit 77
fi
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/models/lib.sh
source "$here/../models/lib.sh"
models_setup "$mote" "$work" || exit 1

passed=0
failed=0
printf '%-20s %-6s %11s %9s %s\n' model result 'max|diff|' diff/tol form
for model in $models; do
  dir="$work/$model"
  diff=- ratio=- reason='' form=Conv
  if ! model_convert "$mote" "$work" "$model" wasm; then
    reason="mote convert --target wasm: $(last_line "$dir/convert.wasm.log")"
  elif ! timeout 300 node "$ort_run" "$work/onnx/$model.onnx" "$input" "$dir/ort.wasm_ref.npy" \
      > "$dir/ort.wasm_ref.log" 2>&1; then
    reason="onnxruntime-node: $(last_line "$dir/ort.wasm_ref.log")"
  else
    grep -q ConvWinograd "$dir/convert.wasm.log" && form=ConvWinograd
    out=$(timeout 300 node "$here/compare_blob.mjs" "$wasm" "$dir/$model.wasm.mote" "$input" "$dir/ort.wasm_ref.npy" 2>&1)
    rc=$?
    read -r diff ratio set <<< "$(tail -n 1 <<< "$out")"
    if [[ ! "$diff" =~ ^[0-9] ]]; then
      diff=- ratio=-
      reason="node: $(tail -n 1 <<< "$out")"
    elif [ "$rc" -ne 0 ]; then
      reason="max|diff| is $ratio x the tolerance"
    elif [ "$set" != wasm_simd128 ]; then
      reason="ran on kernel set '$set', not wasm_simd128"
    fi
  fi
  tally
  printf '%-20s %-6s %11s %9s %s\n' "$model" "$verdict" "$diff" "$ratio" "$form"
  [ -z "$reason" ] || echo "  $model: $reason"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
