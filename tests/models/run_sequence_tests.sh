#!/usr/bin/env bash
# Runs the sequence models (recurrent keyword classifiers, export_sequence_models.py, and a Clip
# whose bounds the graph computes at run time) through
# Mote and checks their outputs against onnxruntime-node on the same input: passes when
# max|diff| <= 1e-4 * max|reference|; then a streaming run of the stateful LSTM over 50 chunks
# with --carry against onnxruntime over the whole sequence at once (onnxruntime has no layout 1: for those models it runs the
# layout-0 twin, MODEL.ref.onnx). Prints a row per model, then "N passed, M failed".
# WORKDIR/manifest.txt lists every model that passed, one line each: NAME RUNS BLOB REFERENCE.npy
# HOST_OUTPUT_DIR INPUT=FILE.npy... (RUNS 50 for the stream, whose input file holds the 50
# chunks; tests/models/run_sequence_targets.sh runs them on the boards and in WebAssembly).
#
#   run_sequence_tests.sh MOTE_BIN WORKDIR
set -u
mote=${1:?usage: run_sequence_tests.sh MOTE_BIN WORKDIR}
work=${2:?usage: run_sequence_tests.sh MOTE_BIN WORKDIR}
# shellcheck source=tests/models/lib.sh
source "$(dirname "$0")/lib.sh"
mote=$(cd "$(dirname "$mote")" && pwd)/$(basename "$mote")
mkdir -p "$work"
work=$(cd "$work" && pwd)
if [ ! -d "$tests_dir/node_modules/onnxruntime-node" ]; then
  echo "onnxruntime-node is missing: run 'cd $tests_dir && npm ci --ignore-scripts'" >&2
  exit 1
fi
"$python" "$models_dir/export_sequence_models.py" "$work/onnx" > "$work/export.log" 2>&1 || {
  echo "sequence model export failed (needs torch for $python): $(last_line "$work/export.log")" >&2
  exit 1
}
input="$work/onnx/input.npy"
# The streaming model's state inputs: a seeded random state, as a chunk after the first sees.
"$python" -c "import numpy as np; r = np.random.RandomState(2)
np.save('$work/onnx/h.npy', r.standard_normal((1, 1, 32)).astype(np.float32))
np.save('$work/onnx/c.npy', r.standard_normal((1, 1, 32)).astype(np.float32))"

passed=0
failed=0
manifest="$work/manifest.txt"
: > "$manifest"
printf '%-38s %-6s %11s %9s %12s %12s\n' model result 'max|diff|' diff/tol arena_bytes lower_bound
for model in $("$python" "$models_dir/export_sequence_models.py" --list | grep -v _whole); do
  dir="$work/$model"
  rm -rf "$dir"
  mkdir -p "$dir/mote_out"
  extra_mote=()
  extra_ort=()
  in_name=input in_file=$input
  case "$model" in  # the single-node models: input "x", sequence first unless layout 1
    *_layout1*) in_name=x ;;
    lstm2* | gru2* | rnn1 | lstm_streaming | patterns) ;;
    if_runtime | loop_runtime_condition) ;;
    if_runtime_negated) in_file="$work/onnx/input_negated.npy" ;;
    clip_runtime_bounds)
      extra_mote=(--input "bounds=$work/onnx/bounds.npy")
      extra_ort=(--input "bounds=$work/onnx/bounds.npy") ;;
    *) in_name=x in_file="$work/onnx/input_seq_first.npy" ;;
  esac
  if [ "$model" = lstm_streaming ]; then
    extra_mote=(--input "h=$work/onnx/h.npy" --input "c=$work/onnx/c.npy")
    extra_ort=(--input "h=$work/onnx/h.npy" --input "c=$work/onnx/c.npy")
  fi
  diff=- ratio=- arena=- lower=- reason=
  if ! timeout 300 "$mote" convert "$work/onnx/$model.onnx" -o "$dir/$model.mote" > "$dir/convert.log" 2>&1; then
    reason="mote convert: $(last_line "$dir/convert.log")"
  else
    "$mote" info "$dir/$model.mote" --json > "$dir/info.json" 2> /dev/null
    arena=$(json_num arena_bytes < "$dir/info.json")
    lower=$(json_num lower_bound < "$dir/info.json")
    if ! timeout 300 "$mote" run "$dir/$model.mote" --input "$in_name=$in_file" "${extra_mote[@]}" \
        --output-dir "$dir/mote_out" --quiet > "$dir/run.log" 2>&1; then
      reason="mote run: $(last_line "$dir/run.log")"
    elif ref="$work/onnx/$model.onnx" && { [ ! -f "$work/onnx/$model.ref.onnx" ] || ref="$work/onnx/$model.ref.onnx"; } &&
        ! timeout 300 node "$ort_run" "$ref" "$in_file" "$dir/ort.npy" "${extra_ort[@]}" \
        > "$dir/ort.log" 2>&1; then
      reason="onnxruntime-node: $(last_line "$dir/ort.log")"
    else
      compare_output "$dir/mote_out/output.npy" "$dir/ort.npy"
    fi
  fi
  # The decomposed patterns must have been fused back, each kind.
  if [ -z "$reason" ] && [ "$model" = patterns ]; then
    for what in LayerNormalization Gelu SiLU "Mul by its reciprocal"; do
      grep -q "$what" "$dir/convert.log" || reason="the $what pattern was not fused ($(grep -E 'fused|turned' "$dir/convert.log" | tr '\n' ';'))"
    done
  fi
  if [ -z "$reason" ]; then
    verdict=PASS
    passed=$((passed + 1))
    feeds=("$in_name=$in_file")
    for ((k = 1; k < ${#extra_mote[@]}; k += 2)); do feeds+=("${extra_mote[k]}"); done
    echo "$model 1 $dir/$model.mote $dir/ort.npy $dir/mote_out ${feeds[*]}" >> "$manifest"
  else
    verdict=FAIL
    failed=$((failed + 1))
  fi
  printf '%-38s %-6s %11s %9s %12s %12s\n' "$model" "$verdict" "$diff" "$ratio" "$arena" "$lower"
  [ -z "$reason" ] || echo "  $model: $reason"
done
# Streaming: the state model converted with --carry, fed 50 chunks of 49 frames one run at a
# time, must give what onnxruntime gives for the same weights over all 2450 frames at once
# (lstm_streaming_whole, state starting at zeros).
dir="$work/streaming"
mkdir -p "$dir/mote_out"
np_zero="$dir/zero_state.npy"
"$python" -c "import numpy as np; np.save('$np_zero', np.zeros((1, 1, 32), np.float32))"
diff=- ratio=- reason=
if ! "$mote" convert "$work/onnx/lstm_streaming.onnx" -o "$dir/streaming.mote" --carry h_out=h --carry c_out=c \
    > "$dir/convert.log" 2>&1; then
  reason="mote convert --carry: $(last_line "$dir/convert.log")"
elif ! "$mote" run "$dir/streaming.mote" --input "input=$work/onnx/input_long.npy" --chunk 1 --output-dir "$dir/mote_out" \
    --quiet > "$dir/run.log" 2>&1; then
  reason="mote run --chunk: $(last_line "$dir/run.log")"
elif ! grep -q "^runs: 50$" "$dir/run.log"; then
  reason="mote run --chunk did not make 50 runs"
elif ! timeout 300 node "$ort_run" "$work/onnx/lstm_streaming_whole.onnx" "$work/onnx/input_long.npy" "$dir/ort.npy" \
    --input "h=$np_zero" --input "c=$np_zero" > "$dir/ort.log" 2>&1; then
  reason="onnxruntime-node: $(last_line "$dir/ort.log")"
else
  cmp=$("$python" "$models_dir/compare_npy.py" "$dir/mote_out/output.npy" "$dir/ort.npy" 2>&1)
  cmp_rc=$?
  read -r diff ratio <<< "$cmp"
  [ "$cmp_rc" -eq 0 ] || reason="max|diff| is $ratio x the tolerance ($cmp)"
fi
arena=$("$mote" info "$dir/streaming.mote" --json 2> /dev/null | json_num arena_bytes)
if [ -z "$reason" ]; then
  verdict=PASS
  passed=$((passed + 1))
  echo "lstm_streaming_carry 50 $dir/streaming.mote $dir/ort.npy $dir/mote_out input=$work/onnx/input_long.npy" >> "$manifest"
else
  verdict=FAIL
  failed=$((failed + 1))
fi
printf '%-38s %-6s %11s %9s %12s %12s\n' "lstm_streaming 50 runs (--carry)" "$verdict" "$diff" "$ratio" "${arena:--}" -
[ -z "$reason" ] || echo "  streaming: $reason"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
