#!/usr/bin/env bash
# Calibration methods and automatic mixed precision on the digits model (models/digits*.npy):
#   - every --calib-method (minmax, percentile, mse, entropy) converts to the same bytes twice,
#     and its held-out accuracy is within 1 percentage point of the float blob's
#   - --min-sqnr: the int8 blob's output over the calibration samples (run with `mote run`,
#     SQNR computed here) reaches the bound; leaving any one of the ops it kept float back to
#     int8 (the others given as --keep-float) falls below it, so the set is minimal; the ops it
#     keeps are marked in `mote info`; together with --keep-float the named op stays float too
#   - --max-sqnr-drop: the bound is the output's own int8 rounding less the drop, as printed
# Prints a row per check, then "N passed, M failed".
#
#   run_calibration_tests.sh MOTE_BIN SOURCE_DIR WORKDIR
set -u
mote=${1:?usage: run_calibration_tests.sh MOTE_BIN SOURCE_DIR WORKDIR}
src=${2:?usage: run_calibration_tests.sh MOTE_BIN SOURCE_DIR WORKDIR}
work=${3:?usage: run_calibration_tests.sh MOTE_BIN SOURCE_DIR WORKDIR}
# shellcheck source=tests/models/lib.sh
source "$(dirname "$0")/lib.sh"
rm -rf "$work"
mkdir -p "$work"
model=$src/models/digits.onnx
calib=$src/models/digits_calib.npy
heldout=$src/models/digits_heldout.npy
labels=$src/models/digits_heldout_labels.npy
passed=0
failed=0
result() {  # result NAME REASON (empty: pass) DETAIL
  if [ -z "$2" ]; then
    passed=$((passed + 1))
    printf '%-44s PASS  %s\n' "$1" "$3"
  else
    failed=$((failed + 1))
    printf '%-44s FAIL  %s\n' "$1" "$2"
  fi
}

# run BLOB INPUT.npy OUTDIR: every sample through `mote run`; OUTDIR/probabilities.runs.npy.
run() {
  rm -rf "$3"
  "$mote" run "$1" --input "input=$2" --chunk 0 --output-dir "$3" --quiet > "$3.log" 2>&1
}
accuracy() {
  "$python" -c "
import sys, numpy as np
p = np.load(sys.argv[1]); l = np.load(sys.argv[2])
print('%.4f' % np.mean(p.reshape(len(l), -1).argmax(1) == l))" "$1/probabilities.runs.npy" "$labels"
}
# sqnr QUANT_DIR FLOAT_DIR: 10 log10(sum f^2 / sum (q - f)^2) over every sample and element.
sqnr() {
  "$python" -c "
import sys, numpy as np
q = np.load(sys.argv[1]).astype(np.float64); f = np.load(sys.argv[2]).astype(np.float64)
n = np.sum((q - f) ** 2)
print('%.3f' % (10 * np.log10(np.sum(f * f) / n)) if n > 0 else 'inf')" "$1/probabilities.runs.npy" "$2/probabilities.runs.npy"
}
ge() { "$python" -c "import sys; sys.exit(0 if float(sys.argv[1]) >= float(sys.argv[2]) else 1)" "$1" "$2"; }

"$mote" convert "$model" -o "$work/float.mote" > "$work/float.log" 2>&1 || { echo "float conversion failed: $(last_line "$work/float.log")"; exit 1; }
run "$work/float.mote" "$heldout" "$work/float_heldout" || { echo "mote run failed: $(last_line "$work/float_heldout.log")"; exit 1; }
run "$work/float.mote" "$calib" "$work/float_calib" || { echo "mote run failed: $(last_line "$work/float_calib.log")"; exit 1; }
float_acc=$(accuracy "$work/float_heldout")
echo "float held-out accuracy: $float_acc"

for method in minmax percentile mse entropy; do
  reason=
  for k in 1 2; do
    "$mote" convert "$model" -o "$work/$method-$k.mote" --quantize int8 --calib "$calib" --calib-method "$method" > "$work/$method-$k.log" 2>&1 ||
      reason="convert: $(last_line "$work/$method-$k.log")"
  done
  [ -n "$reason" ] || cmp -s "$work/$method-1.mote" "$work/$method-2.mote" || reason="two conversions differ"
  result "$method: deterministic" "$reason" "$(wc -c < "$work/$method-1.mote") bytes, twice the same"
  acc=-
  if [ -z "$reason" ]; then
    if run "$work/$method-1.mote" "$heldout" "$work/$method"; then
      acc=$(accuracy "$work/$method")
      "$python" -c "import sys; sys.exit(0 if abs(float(sys.argv[1]) - float(sys.argv[2])) <= 0.01 else 1)" "$acc" "$float_acc" ||
        reason="accuracy $acc, float $float_acc"
    else
      reason="mote run: $(last_line "$work/$method.log")"
    fi
  fi
  result "$method: accuracy within 1 pp of float" "$reason" "$acc (float $float_acc)"
done

# --min-sqnr: the bound holds, and no op of the kept set can go back to int8.
bound=80
"$mote" convert "$model" -o "$work/amp.mote" --quantize int8 --calib "$calib" --min-sqnr $bound > "$work/amp.log" 2>&1
rc=$?
mapfile -t kept < <(sed -n "s/^    '\(.*\)' ([A-Za-z]*): its int8 output.*/\1/p" "$work/amp.log")
reason=
[ $rc -eq 0 ] || reason="convert: $(last_line "$work/amp.log")"
[ -n "$reason" ] || [ ${#kept[@]} -ge 2 ] || reason="expected at least two ops kept float at $bound dB, got ${#kept[@]}"
got=-
if [ -z "$reason" ]; then
  run "$work/amp.mote" "$calib" "$work/amp" || reason="mote run: $(last_line "$work/amp.log")"
  [ -n "$reason" ] || { got=$(sqnr "$work/amp" "$work/float_calib"); ge "$got" $bound || reason="output SQNR $got dB < $bound dB"; }
fi
result "--min-sqnr $bound: bound reached" "$reason" "${#kept[@]} ops float (${kept[*]}), output SQNR $got dB"
"$mote" info "$work/amp.mote" > "$work/amp_info.txt" 2>&1
marked=$(grep -c 'float: --min-sqnr' "$work/amp_info.txt")
result "--min-sqnr: mote info marks the kept ops" "$([ "$marked" -eq ${#kept[@]} ] || echo "$marked marked, ${#kept[@]} kept")" "$marked ops"
for op in "${kept[@]}"; do
  args=()
  for other in "${kept[@]}"; do
    [ "$other" = "$op" ] || args+=(--keep-float "$other")
  done
  reason=
  got=-
  if ! "$mote" convert "$model" -o "$work/fewer.mote" --quantize int8 --calib "$calib" "${args[@]}" > "$work/fewer.log" 2>&1; then
    reason="convert: $(last_line "$work/fewer.log")"
  elif ! run "$work/fewer.mote" "$calib" "$work/fewer"; then
    reason="mote run: $(last_line "$work/fewer.log")"
  else
    got=$(sqnr "$work/fewer" "$work/float_calib")
    ! ge "$got" $bound || reason="without it the output still reaches $got dB: the set is not minimal"
  fi
  result "--min-sqnr: '$op' is needed" "$reason" "in int8 the output falls to $got dB"
done
# With --keep-float the named op stays float whatever the search finds, and is not counted.
first_gemm=/0/0.8/Gemm
"$mote" convert "$model" -o "$work/amp_keep.mote" --quantize int8 --calib "$calib" --min-sqnr $bound --keep-float "$first_gemm" > "$work/amp_keep.log" 2>&1
rc=$?
"$mote" info "$work/amp_keep.mote" > "$work/amp_keep_info.txt" 2>&1
reason=
[ $rc -eq 0 ] || reason="convert: $(last_line "$work/amp_keep.log")"
[ -n "$reason" ] || grep -q "$first_gemm .*float: --keep-float" "$work/amp_keep_info.txt" || reason="$first_gemm is not kept float"
[ -n "$reason" ] || ! grep -q "^    '$first_gemm'" "$work/amp_keep.log" || reason="the search lists $first_gemm, which --keep-float keeps"
if [ -z "$reason" ]; then
  run "$work/amp_keep.mote" "$calib" "$work/amp_keep" || reason="mote run failed"
  [ -n "$reason" ] || { got=$(sqnr "$work/amp_keep" "$work/float_calib"); ge "$got" $bound || reason="output SQNR $got dB < $bound dB"; }
fi
result "--min-sqnr with --keep-float" "$reason" "$(grep -c 'float: --' "$work/amp_keep_info.txt") ops float, output SQNR ${got:-} dB"

# --max-sqnr-drop: the bound printed is the output's own int8 rounding less the drop.
"$mote" convert "$model" -o "$work/drop.mote" --quantize int8 --calib "$calib" --max-sqnr-drop 6 > "$work/drop.log" 2>&1
rc=$?
line=$(grep "output 'probabilities'" "$work/drop.log")
reason=
[ $rc -eq 0 ] || reason="convert: $(last_line "$work/drop.log")"
if [ -z "$reason" ]; then
  read -r b r <<< "$(sed -n 's/.*(bound \([0-9.-]*\) dB; int8 rounding of the output alone \([0-9.-]*\) dB).*/\1 \2/p' <<< "$line")"
  if [ -z "${b:-}" ]; then
    reason="no bound printed: $line"
  else
    "$python" -c "import sys; sys.exit(0 if abs(float(sys.argv[1]) - (float(sys.argv[2]) - 6)) < 0.11 else 1)" "$b" "$r" || reason="bound $b dB is not $r - 6 dB"
    run "$work/drop.mote" "$calib" "$work/drop" || reason="mote run failed"
    [ -n "$reason" ] || { got=$(sqnr "$work/drop" "$work/float_calib"); ge "$got" "$b" || reason="output SQNR $got dB < $b dB"; }
  fi
fi
result "--max-sqnr-drop 6" "$reason" "bound ${b:-} dB, output SQNR ${got:-} dB"
"$mote" convert "$model" -o "$work/x.mote" --min-sqnr 30 > "$work/x.log" 2>&1
result "--min-sqnr without --quantize is refused" "$([ $? -eq 2 ] || echo "exit status not 2")" "$(last_line "$work/x.log")"
"$mote" convert "$model" -o "$work/x.mote" --quantize int8 --calib "$calib" --calib-method kl > "$work/x.log" 2>&1
result "--calib-method kl is refused" "$([ $? -eq 2 ] || echo "exit status not 2")" "$(last_line "$work/x.log")"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
