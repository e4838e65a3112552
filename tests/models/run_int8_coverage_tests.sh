#!/usr/bin/env bash
# The int8 coverage models (export_int8_models.py): each must quantise with --strict (every op
# int8 but the graph's input QuantizeLinear and output DequantizeLinear), and its int8 outputs
# over 16 held-out inputs must match the float blob's with an SQNR of at least MIN_SQNR dB
# (default 20). Prints a row per model (ops, SQNR, max|diff|), then "N passed, M failed".
#
#   run_int8_coverage_tests.sh MOTE_BIN WORKDIR [MIN_SQNR]
set -u
mote=${1:?usage: run_int8_coverage_tests.sh MOTE_BIN WORKDIR [MIN_SQNR]}
work=${2:?usage: run_int8_coverage_tests.sh MOTE_BIN WORKDIR [MIN_SQNR]}
min_sqnr=${3:-20}
# shellcheck source=tests/models/lib.sh
source "$(dirname "$0")/lib.sh"
mkdir -p "$work"
work=$(cd "$work" && pwd)
"$python" "$models_dir/export_int8_models.py" "$work/onnx" > "$work/export.log" 2>&1 || {
  echo "int8 model export failed (needs torch for $python): $(last_line "$work/export.log")" >&2
  exit 1
}
passed=0
failed=0
printf '%-16s %-6s %9s %9s %10s %11s\n' model result int8_ops float_ops 'SQNR(dB)' 'max|diff|'
for model in $("$python" "$models_dir/export_int8_models.py" --list); do
  dir="$work/$model"
  rm -rf "$dir"
  mkdir -p "$dir/float" "$dir/int8"
  onnx="$work/onnx/$model.onnx" input="$work/onnx/${model}_input.npy"
  int8_ops=- float_ops=- sqnr=- diff=- reason=
  if ! "$mote" convert "$onnx" -o "$dir/float.mote" > "$dir/convert_float.log" 2>&1; then
    reason="mote convert: $(last_line "$dir/convert_float.log")"
  elif ! "$mote" convert "$onnx" -o "$dir/int8.mote" --quantize int8 --calib "$work/onnx/${model}_calib.npy" --strict \
      > "$dir/convert_int8.log" 2>&1; then
    reason="mote convert --quantize int8 --strict: $(last_line "$dir/convert_int8.log")"
  else
    "$mote" info "$dir/int8.mote" > "$dir/info.txt" 2>&1
    read -r int8_ops float_ops <<< "$(sed -n 's/.*quantized \([0-9]*\) ops to int8, \([0-9]*\) stay float.*/\1 \2/p' "$dir/convert_int8.log")"
    for kind in float int8; do
      if ! "$mote" run "$dir/$kind.mote" --input "input=$input" --chunk 0 --output-dir "$dir/$kind" --quiet > "$dir/run_$kind.log" 2>&1; then
        reason="mote run ($kind): $(last_line "$dir/run_$kind.log")"
      fi
    done
    if [ -z "$reason" ]; then
      cmp=$("$python" - "$dir/int8/output.runs.npy" "$dir/float/output.runs.npy" "$min_sqnr" <<'PY' 2>&1
import sys
import numpy as np
q = np.load(sys.argv[1]).astype(np.float64)
f = np.load(sys.argv[2]).astype(np.float64)
if q.shape != f.shape or q.shape[0] != 16:
    print("- - shapes %s and %s" % (q.shape, f.shape))
    sys.exit(1)
noise = np.sum((q - f) ** 2)
sqnr = 10 * np.log10(np.sum(f ** 2) / noise) if noise > 0 else float("inf")
print("%.1f %.3g" % (sqnr, np.max(np.abs(q - f))))
sys.exit(0 if sqnr >= float(sys.argv[3]) else 1)
PY
      )
      cmp_rc=$?
      read -r sqnr diff rest <<< "$cmp"
      [ "$cmp_rc" -eq 0 ] || reason="SQNR below $min_sqnr dB ($cmp)"
    fi
  fi
  if [ -z "$reason" ] && [ "$float_ops" != 0 ]; then reason="$float_ops ops stayed float"; fi
  tally
  printf '%-16s %-6s %9s %9s %10s %11s\n' "$model" "$verdict" "$int8_ops" "$float_ops" "$sqnr" "$diff"
  [ -z "$reason" ] || echo "  $model: $reason"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
