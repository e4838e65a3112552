#!/usr/bin/env bash
# mote convert --quantize int8-weights on the digits model (Conv + Gemm) and an LSTM, against the
# float blob and onnxruntime's float run of the source model:
#   - the blob's weights at most 30% of the float blob's (int8 weights with a float scale per
#     output channel, float biases), and `mote info` reporting the int8-weight ops
#   - held-out accuracy (models/digits_heldout*.npy, 450 digits) within 1 percentage point of
#     the float blob's
#   - against onnxruntime's float run of the same 450 digits (the model's batch dimension set to
#     450): every probability within 0.08, their mean difference within 1e-3, the same top class
#     on >= 99% (measured: 0.057, 1.7e-4 and 100%; the float blob is within 1.3e-6)
#   - a bidirectional LSTM (LSTMW8) against onnxruntime's float run
#   - a usage error for --quantize with a value it does not take (exit 2)
# Prints a row per check, then "N passed, M failed". (The speech model's GRU with int8 weights is
# checked by run_speech_tests.sh.)
#
#   run_int8_weights_tests.sh MOTE_BIN WORKDIR
set -u
mote=${1:?usage: run_int8_weights_tests.sh MOTE_BIN WORKDIR}
work=${2:?usage: run_int8_weights_tests.sh MOTE_BIN WORKDIR}
# shellcheck source=tests/models/lib.sh
source "$(dirname "$0")/lib.sh"
root=$(cd "$tests_dir/.." && pwd)
models=$root/models
check="$python $models_dir/int8_weights_check.py"
mkdir -p "$work"
work=$(cd "$work" && pwd)

passed=0
failed=0

"$mote" convert "$models/digits.onnx" -o "$work/digits.mote" > "$work/convert.log" 2>&1
result "convert float" "$([ $? -eq 0 ] || last_line "$work/convert.log")" ""
"$mote" convert "$models/digits.onnx" -o "$work/digits_w8.mote" --quantize int8-weights > "$work/convert_w8.log" 2>&1
result "convert int8-weights" "$([ $? -eq 0 ] || last_line "$work/convert_w8.log")" "$(grep 'int8 weights' "$work/convert_w8.log" | sed 's/^ *//')"

"$mote" info "$work/digits.mote" --json > "$work/info.json" 2>&1
"$mote" info "$work/digits_w8.mote" --json > "$work/info_w8.json" 2>&1
wf=$(json_num weight_bytes < "$work/info.json")
ww=$(json_num weight_bytes < "$work/info_w8.json")
ops=$(json_num int8_weight_ops < "$work/info_w8.json")
bf=$(stat -c %s "$work/digits.mote")
bw=$(stat -c %s "$work/digits_w8.mote")
reason=""
if [ -z "$wf" ] || [ -z "$ww" ]; then
  reason="no weight_bytes in mote info --json"
elif [ "${ops:-0}" -ne 4 ]; then
  reason="mote info reports ${ops:-no} int8-weight ops, expected 4 (2 Conv, 2 Gemm)"
elif [ $((ww * 100)) -gt $((wf * 30)) ]; then
  reason="weights $ww bytes, more than 30% of the float blob's $wf"
fi
result "weights <= 30% of float" "$reason" \
  "weights $wf -> $ww bytes ($((ww * 100 / wf))%), blob $bf -> $bw bytes"

for v in float w8; do
  blob=$work/digits.mote
  [ "$v" = float ] || blob=$work/digits_w8.mote
  rm -rf "$work/$v"
  "$mote" run "$blob" --input "input=$models/digits_heldout.npy" --chunk 0 --output-dir "$work/$v" --quiet \
    > "$work/run_$v.log" 2>&1 || result "held-out run ($v)" "$(last_line "$work/run_$v.log")" ""
done
acc_f=$($check accuracy "$work/float/probabilities.runs.npy" "$models/digits_heldout_labels.npy" 2> "$work/acc.err")
acc_w=$($check accuracy "$work/w8/probabilities.runs.npy" "$models/digits_heldout_labels.npy" 2>> "$work/acc.err")
if [ -z "$acc_f" ] || [ -z "$acc_w" ]; then
  result "accuracy within 1 pp of float" "$(last_line "$work/acc.err")" ""
else
  line=$($check within "$acc_w" "$acc_f" 1)
  result "accuracy within 1 pp of float" "$([ $? -eq 0 ] || echo "$line")" "$line"
fi

# onnxruntime on the float model, all 450 held-out digits at once.
if [ ! -d "$tests_dir/node_modules/onnxruntime-node" ]; then
  result "close to onnxruntime float" "onnxruntime-node is missing: run 'cd $tests_dir && npm ci --ignore-scripts'" ""
else
  $check batch "$models/digits.onnx" "$work/digits_450.onnx" 450 > "$work/ort.log" 2>&1 &&
    timeout 120 node "$ort_run" "$work/digits_450.onnx" "$models/digits_heldout.npy" "$work/ort.npy" >> "$work/ort.log" 2>&1
  if [ $? -ne 0 ]; then
    result "close to onnxruntime float" "$(last_line "$work/ort.log")" ""
  else
    line=$($check close "$work/w8/probabilities.runs.npy" "$work/ort.npy" 0.08 1e-3 0.99)
    rc=$?
    result "close to onnxruntime float" "$([ $rc -eq 0 ] || echo "$line")" "$line"
  fi
fi

# A bidirectional LSTM (LSTMW8: W and R int8 per gate row) against onnxruntime: Y within 0.03,
# the mean difference within 3e-3 (measured: 0.0094 and 9.4e-4; float: 2.4e-7).
if [ ! -d "$tests_dir/node_modules/onnxruntime-node" ]; then
  result "LSTM close to onnxruntime float" "onnxruntime-node is missing" ""
else
  $check lstm "$work/lstm.onnx" "$work/lstm_x.npy" > "$work/lstm.log" 2>&1 &&
    "$mote" convert "$work/lstm.onnx" -o "$work/lstm_w8.mote" --quantize int8-weights >> "$work/lstm.log" 2>&1 &&
    "$mote" run "$work/lstm_w8.mote" --input "x=$work/lstm_x.npy" --output-dir "$work/lstm_w8" --quiet >> "$work/lstm.log" 2>&1 &&
    timeout 120 node "$ort_run" "$work/lstm.onnx" "$work/lstm_x.npy" "$work/lstm_ort.npy" >> "$work/lstm.log" 2>&1
  if [ $? -ne 0 ]; then
    result "LSTM close to onnxruntime float" "$(last_line "$work/lstm.log")" ""
  else
    line=$($check close "$work/lstm_w8/y.npy" "$work/lstm_ort.npy" 0.03 3e-3)
    result "LSTM close to onnxruntime float" "$([ $? -eq 0 ] || echo "$line")" "$(grep -o 'int8 weights: .*' "$work/lstm.log"); ${line%%, same*}"
  fi
fi

"$mote" convert "$models/digits.onnx" -o "$work/bad.mote" --quantize int4-weights > "$work/bad.log" 2>&1
rc=$?
result "--quantize int4-weights: usage (2)" "$([ $rc -eq 2 ] || echo "exit $rc")" "$(last_line "$work/bad.log")"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
