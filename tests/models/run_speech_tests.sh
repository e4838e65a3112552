#!/usr/bin/env bash
# The keyword-spotting example (models/speech.onnx) through Mote: held-out voices spoken by
# espeak-ng (tools/make_speech_data.py --heldout-only, cached in WORKDIR/data) as one long stream,
# fed 20 ms per run with `mote run --chunk 1`, the state never reset:
#   - float: clip-level accuracy >= 90% (per class printed)
#   - int8 (--keep-float for the front-end and the decision head): the same decision as float
#     on >= 98% of the clips
#   - int8 weights (--quantize int8-weights: the GRU's W and R, the MatMul and Gemm weights int8
#     per output channel): accuracy within 1 pp of float, the same decision on >= 98%
#   - streaming = whole clip: the float stream's scores within 1e-4 of PyTorch's over the whole
#     stream at once (the weights read back from the .onnx), the same events
#   - models/speech_sample.wav, float, int8 and int8 weights: `mote run --labels` prints the words of
#     models/speech_sample_words.txt, in order
# Prints a row per check, then "N passed, M failed".
#
#   run_speech_tests.sh MOTE_BIN WORKDIR
set -u
mote=${1:?usage: run_speech_tests.sh MOTE_BIN WORKDIR}
work=${2:?usage: run_speech_tests.sh MOTE_BIN WORKDIR}
# shellcheck source=tests/models/lib.sh
source "$(dirname "$0")/lib.sh"
root=$(cd "$tests_dir/.." && pwd)
mote=$(cd "$(dirname "$mote")" && pwd)/$(basename "$mote")
mkdir -p "$work"
work=$(cd "$work" && pwd)
models=$root/models
check="$python $models_dir/speech_check.py"
for tool in espeak-ng sox; do
  command -v "$tool" > /dev/null || { echo "$tool is missing: run tools/install_deps.sh" >&2; exit 1; }
done
"$python" "$root/tools/make_speech_data.py" "$work/data" --heldout-only > "$work/data.log" 2>&1 || {
  echo "held-out data: $(last_line "$work/data.log")" >&2
  exit 1
}
stream=$work/data/heldout-s1.npy
segments=$work/data/heldout-s1.txt
mapfile -t carry < <(sed 's/^/--carry=/' "$models/speech_carry.txt")

passed=0
failed=0
result_width=34

# Convert: float, and int8 with the raw-audio front-end and the decision head kept float.
"$mote" convert "$models/speech.onnx" -o "$work/speech.mote" "${carry[@]}" > "$work/convert.log" 2>&1
result "convert float" "$([ $? -eq 0 ] || last_line "$work/convert.log")" \
  "arena $("$mote" info "$work/speech.mote" --json 2> /dev/null | json_num arena_bytes) B"
"$mote" convert "$models/speech.onnx" -o "$work/speech_int8.mote" "${carry[@]}" --quantize int8 \
  --calib "$models/speech_calib.npy" --keep-float '/frontend/*' --keep-float '/decision/*' > "$work/convert_int8.log" 2>&1
result "convert int8" "$([ $? -eq 0 ] || last_line "$work/convert_int8.log")" \
  "arena $("$mote" info "$work/speech_int8.mote" --json 2> /dev/null | json_num arena_bytes) B"

"$mote" convert "$models/speech.onnx" -o "$work/speech_w8.mote" "${carry[@]}" --quantize int8-weights \
  > "$work/convert_w8.log" 2>&1
result "convert int8-weights" "$([ $? -eq 0 ] || last_line "$work/convert_w8.log")" \
  "$(grep 'int8 weights' "$work/convert_w8.log" | sed 's/^ *//'); blob $(stat -c %s "$work/speech.mote") -> $(stat -c %s "$work/speech_w8.mote") B"

for v in float int8 w8; do
  blob=$work/speech.mote
  [ "$v" = int8 ] && blob=$work/speech_int8.mote
  [ "$v" = w8 ] && blob=$work/speech_w8.mote
  rm -rf "$work/$v"
  if ! "$mote" run "$blob" --input "audio=$stream" --chunk 1 --output-dir "$work/$v" --quiet > "$work/run_$v.log" 2>&1; then
    result "stream held-out ($v)" "$(last_line "$work/run_$v.log")" ""
  fi
done

$check accuracy "$work/float/event.runs.npy" "$segments" 0.90 > "$work/accuracy.txt" 2>&1
rc=$?
sed 's/^/  /' "$work/accuracy.txt"
result "float accuracy >= 90%" "$([ $rc -eq 0 ] || tail -n 1 "$work/accuracy.txt")" "$(head -n 1 "$work/accuracy.txt")"

$check accuracy "$work/int8/event.runs.npy" "$segments" 0 > "$work/accuracy_int8.txt" 2>&1
$check agree "$work/float/event.runs.npy" "$work/int8/event.runs.npy" "$segments" 0.98 > "$work/agree.txt" 2>&1
rc=$?
result "int8 agrees with float >= 98%" "$([ $rc -eq 0 ] || tail -n 1 "$work/agree.txt")" \
  "$(tail -n 1 "$work/agree.txt"); int8 $(head -n 1 "$work/accuracy_int8.txt")"

$check within "$work/w8/event.runs.npy" "$work/float/event.runs.npy" "$segments" 1 > "$work/within_w8.txt" 2>&1
rc=$?
$check agree "$work/float/event.runs.npy" "$work/w8/event.runs.npy" "$segments" 0.98 > "$work/agree_w8.txt" 2>&1
rc2=$?
result "int8-weights within 1 pp of float" "$([ $rc -eq 0 ] && [ $rc2 -eq 0 ] || tail -qn 1 "$work/within_w8.txt" "$work/agree_w8.txt" | tr '\n' ' ')" \
  "$(tail -n 1 "$work/within_w8.txt"); $(tail -n 1 "$work/agree_w8.txt")"

$check whole "$models/speech.onnx" "$stream" "$work/float/scores.runs.npy" "$work/float/event.runs.npy" > "$work/whole.txt" 2>&1
rc=$?
result "streamed = whole stream (PyTorch)" "$([ $rc -eq 0 ] || tail -n 1 "$work/whole.txt")" "$(tail -n 1 "$work/whole.txt")"

want=$(tr '\n' ' ' < "$models/speech_sample_words.txt")
for v in float int8 w8; do
  blob=$work/speech.mote
  [ "$v" = int8 ] && blob=$work/speech_int8.mote
  [ "$v" = w8 ] && blob=$work/speech_w8.mote
  "$mote" run "$blob" --input "audio=$models/speech_sample.wav" --chunk 1 --labels "$models/speech_labels.txt" --quiet \
    --output-dir "$work/sample_$v" > "$work/sample_$v.txt" 2>&1
  got=$(grep -E '^[0-9]+\.[0-9]{3} s  ' "$work/sample_$v.txt" | sed 's/^[0-9.]* s  //' | tr '\n' ' ')
  result "sample wav words ($v)" "$([ "$got" = "$want" ] || echo "heard '$got', expected '$want'")" "$got"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
