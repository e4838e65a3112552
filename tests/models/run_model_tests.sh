#!/usr/bin/env bash
# Runs torchvision models through Mote and checks their outputs against onnxruntime-node.
#
#   run_model_tests.sh MOTE_BIN WORKDIR
#
# For each model from export_models.py: exports it into WORKDIR (cached), converts it with
# `mote convert`, runs it with `mote run` and with onnxruntime-node on the same input, and passes
# when max|diff| <= 1e-4 * max|reference|. Prints a row per model with the difference and the
# arena plan; then the same check for the models whose `--target x86` blob differs (ConvWinograd
# for 3x3 stride-1 convolutions, ConvExpandDepthwise for 1x1 expand + depthwise pairs); then "N passed, M failed"; exits non-zero when any model fails.
#
# Needs /usr/bin/python3 with torch, torchvision and numpy (MOTE_PYTHON overrides), node, and
# tests/node_modules from `cd tests && npm ci --ignore-scripts`.
set -u
mote=${1:?usage: run_model_tests.sh MOTE_BIN WORKDIR}
work=${2:?usage: run_model_tests.sh MOTE_BIN WORKDIR}
# shellcheck source=tests/models/lib.sh
source "$(dirname "$0")/lib.sh"
models_setup "$mote" "$work" || exit 1

passed=0
failed=0
printf '%-20s %-6s %11s %9s %12s %12s %8s\n' model result 'max|diff|' diff/tol arena_bytes lower_bound arena/lb
for model in $models; do
  dir="$work/$model"
  rm -rf "$dir/mote_out"
  mkdir -p "$dir/mote_out"
  diff=- ratio=- arena=- lower=- arena_ratio=- reason=
  if ! model_convert "$mote" "$work" "$model"; then
    reason="mote convert: $(last_line "$dir/convert.log")"
  else
    "$mote" info "$dir/$model.mote" --json > "$dir/info.json" 2> "$dir/info.log"
    arena=$(json_num arena_bytes < "$dir/info.json")
    lower=$(json_num lower_bound < "$dir/info.json")
    if [ -n "$arena" ] && [ -n "$lower" ] && [ "$lower" -gt 0 ]; then
      arena_ratio=$(awk -v a="$arena" -v b="$lower" 'BEGIN { printf "%.3f", a / b }')
    fi
    if ! timeout 300 "$mote" run "$dir/$model.mote" --input "input=$input" \
        --output-dir "$dir/mote_out" --quiet > "$dir/run.log" 2>&1; then
      reason="mote run: $(last_line "$dir/run.log")"
    elif ! timeout 300 node "$ort_run" "$work/onnx/$model.onnx" "$input" "$dir/ort.npy" \
        > "$dir/ort.log" 2>&1; then
      reason="onnxruntime-node: $(last_line "$dir/ort.log")"
    else
      compare_output "$dir/mote_out/output.npy" "$dir/ort.npy"
    fi
  fi
  tally
  printf '%-20s %-6s %11s %9s %12s %12s %8s\n' "$model" "$verdict" "$diff" "$ratio" "$arena" "$lower" "$arena_ratio"
  [ -z "$reason" ] || echo "  $model: $reason"
done

# The blobs for x86 (`--target x86`): the models with 3x3 stride-1 convolutions get them as
# ConvWinograd (weights transformed at conversion), those with 1x1 expand + depthwise pairs get
# ConvExpandDepthwise, checked against the same onnxruntime output with the same tolerance. The others convert as they do for every target and are not run again.
echo
printf '%-20s %-6s %11s %9s\n' 'model (x86)' result 'max|diff|' diff/tol
for model in $models; do
  dir="$work/$model"
  rm -rf "$dir/x86_out"
  mkdir -p "$dir/x86_out"
  diff=- ratio=- reason=
  if ! model_convert "$mote" "$work" "$model" x86; then
    reason="mote convert --target x86: $(last_line "$dir/convert.x86.log")"
  elif ! grep -qE "ConvWinograd|ConvExpandDepthwise" "$dir/convert.x86.log"; then
    continue
  elif [ ! -f "$dir/ort.npy" ]; then
    reason="no onnxruntime output from the float run"
  elif ! timeout 300 "$mote" run "$dir/$model.x86.mote" --input "input=$input" \
      --output-dir "$dir/x86_out" --quiet > "$dir/run_x86.log" 2>&1; then
    reason="mote run: $(last_line "$dir/run_x86.log")"
  else
    compare_output "$dir/x86_out/output.npy" "$dir/ort.npy"
  fi
  tally
  printf '%-20s %-6s %11s %9s\n' "$model" "$verdict" "$diff" "$ratio"
  [ -z "$reason" ] || echo "  $model (x86): $reason"
done

# int8: the same models quantized after calibration on a few seeded random inputs. They must
# convert and run; the table reports the int8 arena against the float one and the SQNR of the
# int8 output against the float output (a figure, not a pass mark: random weights).
calib="$work/onnx/calib.npy"
[ -f "$calib" ] || "$python" -c "import numpy as np; np.save('$calib', np.random.RandomState(1).standard_normal((4, 3, 224, 224)).astype(np.float32))"
echo
printf '%-20s %-6s %12s %12s %8s %14s %8s %9s\n' model int8 float_arena int8_arena ratio int8_io_arena ratio 'SQNR(dB)'
for model in $models; do
  dir="$work/$model"
  reason=
  if ! timeout 600 "$mote" convert "$work/onnx/$model.onnx" -o "$dir/$model.int8.mote" --shape input=1x3x224x224 \
      --quantize int8 --calib "$calib" > "$dir/convert_int8.log" 2>&1; then
    reason="mote convert --quantize int8: $(last_line "$dir/convert_int8.log")"
  elif ! timeout 300 "$mote" run "$dir/$model.int8.mote" --input "input=$input" --output-dir "$dir/int8_out" --quiet \
      > "$dir/run_int8.log" 2>&1; then
    reason="mote run (int8): $(last_line "$dir/run_int8.log")"
  fi
  # With int8 inputs and outputs the float input no longer sits beside its quantized copy.
  ioarena=-
  if timeout 600 "$mote" convert "$work/onnx/$model.onnx" -o "$dir/$model.int8io.mote" --shape input=1x3x224x224 \
      --quantize int8 --calib "$calib" --int8-io > "$dir/convert_int8io.log" 2>&1; then
    ioarena=$("$mote" info "$dir/$model.int8io.mote" --json 2> /dev/null | json_num arena_bytes)
  else
    reason=${reason:-"mote convert --int8-io: $(last_line "$dir/convert_int8io.log")"}
  fi
  farena=$("$mote" info "$dir/$model.mote" --json 2> /dev/null | json_num arena_bytes)
  qarena=$("$mote" info "$dir/$model.int8.mote" --json 2> /dev/null | json_num arena_bytes)
  sqnr=-
  ratio=-
  ioratio=-
  if [ -z "$reason" ]; then
    sqnr=$("$python" -c "
import numpy as np
f = np.load('$dir/mote_out/output.npy').astype(np.float64); q = np.load('$dir/int8_out/output.npy').astype(np.float64)
noise = np.sum((f - q) ** 2)
print('%.1f' % (10 * np.log10(np.sum(f ** 2) / noise)) if noise > 0 else 'inf')")
    ratio=$(awk -v a="$qarena" -v b="$farena" 'BEGIN { printf "%.3f", a / b }')
    ioratio=$(awk -v a="$ioarena" -v b="$farena" 'BEGIN { printf "%.3f", a / b }')
    verdict=PASS
    passed=$((passed + 1))
  else
    verdict=FAIL
    failed=$((failed + 1))
  fi
  printf '%-20s %-6s %12s %12s %8s %14s %8s %9s\n' "$model" "$verdict" "${farena:--}" "${qarena:--}" "$ratio" "${ioarena:--}" \
    "${ioratio:--}" "$sqnr"
  [ -z "$reason" ] || echo "  $model: $reason"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
