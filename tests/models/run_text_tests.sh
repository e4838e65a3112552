#!/usr/bin/env bash
# The text example (models/intent.onnx, a 2-layer BERT-style intent classifier) through Mote,
# from the committed files (no training):
#   - tokenizer: Mote's WordPiece ids (the vocabulary embedded by `mote convert --vocab`) equal
#     tools/train_text.py's tokenization on every training and held-out sentence (--dump) and
#     on the held-out ids stored with the model
#   - float: `mote run --text-file --labels` held-out accuracy >= 95%; the logits within 1e-4
#     (relative) of onnxruntime's on the same ids
#   - int8 (--strict: every op int8): held-out accuracy within 1 point of float; SQNR printed
#   - `mote run --text` on one command prints its class
# Prints a row per check, then "N passed, M failed".
#
#   run_text_tests.sh MOTE_BIN WORKDIR
set -u
mote=${1:?usage: run_text_tests.sh MOTE_BIN WORKDIR}
work=${2:?usage: run_text_tests.sh MOTE_BIN WORKDIR}
# shellcheck source=tests/models/lib.sh
source "$(dirname "$0")/lib.sh"
root=$(cd "$tests_dir/.." && pwd)
mote=$(cd "$(dirname "$mote")" && pwd)/$(basename "$mote")
mkdir -p "$work"
work=$(cd "$work" && pwd)
models=$root/models
check="$python $models_dir/text_check.py"
if [ ! -d "$tests_dir/node_modules/onnxruntime-node" ]; then
  echo "onnxruntime-node is missing: run 'cd $tests_dir && npm ci --ignore-scripts'" >&2
  exit 1
fi

passed=0
failed=0

"$mote" convert "$models/intent.onnx" -o "$work/intent.mote" --vocab "$models/intent_vocab.txt" > "$work/convert.log" 2>&1
result "convert float --vocab" "$([ $? -eq 0 ] || last_line "$work/convert.log")" \
  "arena $("$mote" info "$work/intent.mote" --json 2> /dev/null | json_num arena_bytes) B, blob $(wc -c < "$work/intent.mote") B"
"$mote" convert "$models/intent.onnx" -o "$work/intent_int8.mote" --vocab "$models/intent_vocab.txt" --quantize int8 \
  --calib "$models/intent_calib.npy" --strict > "$work/convert_int8.log" 2>&1
result "convert int8 --strict" "$([ $? -eq 0 ] || last_line "$work/convert_int8.log")" \
  "arena $("$mote" info "$work/intent_int8.mote" --json 2> /dev/null | json_num arena_bytes) B, blob $(wc -c < "$work/intent_int8.mote") B"

# Tokenizer: every sentence of the data set, and the held-out ids stored with the model.
"$python" "$root/tools/train_text.py" --dump "$work/data" > "$work/dump.log" 2>&1 || {
  echo "data set: $(last_line "$work/dump.log")" >&2
  exit 1
}
rm -rf "$work/all"
"$mote" run "$work/intent.mote" --text-file "$work/data/sentences.txt" --output-dir "$work/all" --quiet > "$work/all.log" 2>&1
$check ids "$work/all/input_ids.npy" "$work/data/ids.npy" > "$work/ids_all.txt" 2>&1
rc=$?
result "tokenizer = train_text.py (all)" "$([ $rc -eq 0 ] || { last_line "$work/all.log"; last_line "$work/ids_all.txt"; })" \
  "$(last_line "$work/ids_all.txt")"

cut -f 2 "$models/intent_heldout.txt" > "$work/heldout_text.txt"
for v in float int8; do
  blob=$work/intent.mote
  [ "$v" = float ] || blob=$work/intent_int8.mote
  rm -rf "$work/$v"
  "$mote" run "$blob" --text-file "$work/heldout_text.txt" --labels "$models/intent_labels.txt" --output-dir "$work/$v" \
    --quiet > "$work/run_$v.txt" 2> "$work/run_$v.err"
  [ $? -eq 0 ] || result "held-out run ($v)" "$(last_line "$work/run_$v.err")" ""
done
$check ids "$work/float/input_ids.npy" "$models/intent_heldout_ids.npy" > "$work/ids_heldout.txt" 2>&1
rc=$?
result "tokenizer = stored held-out ids" "$([ $rc -eq 0 ] || last_line "$work/ids_heldout.txt")" "$(last_line "$work/ids_heldout.txt")"

$check accuracy "$work/run_float.txt" "$models/intent_heldout.txt" 0.95 > "$work/accuracy_float.txt" 2>&1
rc=$?
sed 's/^/  /' "$work/accuracy_float.txt"
result "float held-out accuracy >= 95%" "$([ $rc -eq 0 ] || head -n 1 "$work/accuracy_float.txt")" "$(head -n 1 "$work/accuracy_float.txt")"
float_acc=$(sed -n 's/^accuracy \([0-9.]*\)%.*/\1/p' "$work/accuracy_float.txt")
$check accuracy "$work/run_int8.txt" "$models/intent_heldout.txt" 0 > "$work/accuracy_int8.txt" 2>&1
int8_acc=$(sed -n 's/^accuracy \([0-9.]*\)%.*/\1/p' "$work/accuracy_int8.txt")
reason=$(awk -v f="${float_acc:-0}" -v q="${int8_acc:-0}" 'BEGIN { if (q + 1.0 < f || q == 0) print "int8 " q "%, float " f "%" }')
result "int8 accuracy within 1 point" "$reason" \
  "$(head -n 1 "$work/accuracy_int8.txt"); $($check int8 "$work/float/logits.runs.npy" "$work/int8/logits.runs.npy" 2>&1)"

# Float Mote against onnxruntime on the same ids.
# (the ids Mote fed, int64 as the model takes them, equal to the stored ones when the check above passed)
node "$ort_run" "$models/intent.onnx" "$work/float/input_ids.npy" "$work/ort.npy" --rows > "$work/ort.log" 2>&1
if [ $? -ne 0 ]; then
  result "float = onnxruntime" "$(last_line "$work/ort.log")" ""
else
  diff=$("$python" "$models_dir/compare_npy.py" "$work/float/logits.runs.npy" "$work/ort.npy" 1e-4 2>&1)
  result "float = onnxruntime (1e-4 rel)" "$([ $? -eq 0 ] || echo "$diff")" "max|diff| ${diff%% *}"
fi

# One command through --text, as the README shows it.
got=$("$mote" run "$work/intent.mote" --text "set a timer for 5 minutes" --labels "$models/intent_labels.txt" --quiet \
  --output-dir "$work/one" 2>&1 | head -n 1)
result "mote run --text" "$([ "${got%% *}" = set_timer ] || echo "printed '$got'")" "$got"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
