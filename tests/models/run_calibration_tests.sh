#!/usr/bin/env bash
# Calibration methods and automatic mixed precision on the digits model (models/digits*.npy):
#   - every --calib-method (minmax, percentile, mse, entropy) converts to the same bytes twice,
#     and its held-out accuracy is within 1 percentage point of the float blob's
#   - --min-sqnr: the int8 blob's output over the calibration samples (run with `mote run`,
#     SQNR computed here) reaches the bound; leaving any one of the ops it kept float back to
#     int8 (the others given as --keep-float) falls below it, so the set is minimal; the ops it
#     keeps are marked in `mote info`; together with --keep-float the named op stays float too
#   - --max-sqnr-drop: the bound is the output's own int8 rounding less the drop, as printed
#   - --bias-correction: removes a Gemm's systematic weight-rounding shift; deterministic; the
#     digits model stays within 1 pp of float
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
result_width=44

# run BLOB INPUT.npy OUTDIR: every sample through `mote run`; OUTDIR/probabilities.runs.npy
# (the log in OUTDIR.run.log).
run() {
  rm -rf "$3"
  "$mote" run "$1" --input "input=$2" --chunk 0 --output-dir "$3" --quiet > "$3.run.log" 2>&1
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
run "$work/float.mote" "$heldout" "$work/float_heldout" || { echo "mote run failed: $(last_line "$work/float_heldout.run.log")"; exit 1; }
run "$work/float.mote" "$calib" "$work/float_calib" || { echo "mote run failed: $(last_line "$work/float_calib.run.log")"; exit 1; }
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
      reason="mote run: $(last_line "$work/$method.run.log")"
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
  run "$work/amp.mote" "$calib" "$work/amp" || reason="mote run: $(last_line "$work/amp.run.log")"
  [ -n "$reason" ] || { got=$(sqnr "$work/amp" "$work/float_calib"); ge "$got" $bound || reason="output SQNR $got dB < $bound dB"; }
fi
result "--min-sqnr $bound: bound reached" "$reason" "${#kept[@]} ops float (${kept[*]}), output SQNR $got dB"
"$mote" info "$work/amp.mote" > "$work/amp_info.txt" 2>&1
marked=$(grep -c 'float: --min-sqnr' "$work/amp_info.txt")
result "--min-sqnr: mote info marks the kept ops" "$([ "$marked" -eq ${#kept[@]} ] || echo "$marked marked, ${#kept[@]} kept")" "$marked ops"
# needed OPTION BOUND OP...: each op of the set, alone back in int8 (the others --keep-float),
# brings the output below BOUND.
needed() {
  local option=$1 bound=$2 op other got
  shift 2
  for op in "$@"; do
    args=()
    for other in "$@"; do
      [ "$other" = "$op" ] || args+=(--keep-float "$other")
    done
    reason=
    got=-
    if ! "$mote" convert "$model" -o "$work/fewer.mote" --quantize int8 --calib "$calib" "${args[@]}" > "$work/fewer.log" 2>&1; then
      reason="convert: $(last_line "$work/fewer.log")"
    elif ! run "$work/fewer.mote" "$calib" "$work/fewer"; then
      reason="mote run: $(last_line "$work/fewer.run.log")"
    else
      got=$(sqnr "$work/fewer" "$work/float_calib")
      ! ge "$got" "$bound" || reason="without it the output still reaches $got dB: the set is not minimal"
    fi
    result "$option: '$op' is needed" "$reason" "in int8 the output falls to $got dB"
  done
}
needed --min-sqnr $bound "${kept[@]}"
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
mapfile -t kept < <(sed -n "s/^    '\(.*\)' ([A-Za-z]*): its int8 output.*/\1/p" "$work/drop.log")
[ -z "${b:-}" ] || needed --max-sqnr-drop "$b" "${kept[@]}"
# --bias-correction: a Gemm whose small weights all round down by about a third of a step has
# its outputs shifted by a constant per channel; corrected, the mean error over the samples is
# below 2% of it. Deterministic too, and it changes the digits model's blob.
"$python" - "$work" << 'PY' > "$work/gemm.log" 2>&1
import sys
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto
work = sys.argv[1]
rs = np.random.RandomState(3)
K, N = 64, 8
W = np.full((N, K), 0.0104, np.float32) + rs.uniform(-0.0005, 0.0005, (N, K)).astype(np.float32)
W[:, 0] = 1.0  # each row's largest weight: scale 1/127, so 0.0104 is 1.32 steps and rounds to 1
B = rs.uniform(-0.1, 0.1, N).astype(np.float32)
g = helper.make_graph([helper.make_node("Gemm", ["x", "W", "B"], ["y"], transB=1)], "bias",
                      [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, K])],
                      [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, N])],
                      [numpy_helper.from_array(W, "W"), numpy_helper.from_array(B, "B")])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), work + "/gemm.onnx")
np.save(work + "/gemm_calib.npy", rs.uniform(0, 2, (64, K)).astype(np.float32))
PY
rc=$?
reason=
[ $rc -eq 0 ] || reason="model: $(last_line "$work/gemm.log")"
for v in float int8 corrected corrected2; do
  [ -z "$reason" ] || break
  args=()
  [ $v = float ] || args=(--quantize int8 --calib "$work/gemm_calib.npy")
  case $v in corrected*) args+=(--bias-correction) ;; esac
  "$mote" convert "$work/gemm.onnx" -o "$work/gemm_$v.mote" "${args[@]}" > "$work/gemm_$v.log" 2>&1 || reason="convert $v: $(last_line "$work/gemm_$v.log")"
  rm -rf "$work/gemm_$v"
  [ -n "$reason" ] || "$mote" run "$work/gemm_$v.mote" --input "x=$work/gemm_calib.npy" --chunk 0 --output-dir "$work/gemm_$v" --quiet > /dev/null 2>&1 || reason="run $v failed"
done
[ -n "$reason" ] || cmp -s "$work/gemm_corrected.mote" "$work/gemm_corrected2.mote" || reason="two conversions differ"
detail=
if [ -z "$reason" ]; then
  detail=$("$python" -c "
import sys, numpy as np
w = sys.argv[1]
f, q, c = (np.load(w + '/gemm_%s/y.runs.npy' % v).reshape(64, -1).astype(np.float64) for v in ('float', 'int8', 'corrected'))
before, after = np.abs((q - f).mean(0)).max(), np.abs((c - f).mean(0)).max()
print('largest mean error of a channel: %.4g uncorrected, %.4g corrected' % (before, after))
sys.exit(0 if before > 0.05 and after < 0.02 * before else 1)" "$work") || reason=$detail
fi
result "--bias-correction removes the mean shift" "$reason" "$detail"
"$mote" convert "$model" -o "$work/digits_bc.mote" --quantize int8 --calib "$calib" --bias-correction > "$work/digits_bc.log" 2>&1
rc=$?
reason=
[ $rc -eq 0 ] || reason="convert: $(last_line "$work/digits_bc.log")"
[ -n "$reason" ] || ! cmp -s "$work/digits_bc.mote" "$work/minmax-1.mote" || reason="the blob is the uncorrected one"
acc=-
if [ -z "$reason" ]; then
  run "$work/digits_bc.mote" "$heldout" "$work/digits_bc" || reason="mote run failed"
  [ -n "$reason" ] || { acc=$(accuracy "$work/digits_bc"); "$python" -c "import sys; sys.exit(0 if abs(float(sys.argv[1]) - float(sys.argv[2])) <= 0.01 else 1)" "$acc" "$float_acc" || reason="accuracy $acc, float $float_acc"; }
fi
result "--bias-correction on digits" "$reason" "accuracy $acc (float $float_acc)"

"$mote" convert "$model" -o "$work/x.mote" --min-sqnr 30 > "$work/x.log" 2>&1
result "--min-sqnr without --quantize is refused" "$([ $? -eq 2 ] || echo "exit status not 2")" "$(last_line "$work/x.log")"
"$mote" convert "$model" -o "$work/x.mote" --quantize int8 --calib "$calib" --calib-method kl > "$work/x.log" 2>&1
result "--calib-method kl is refused" "$([ $? -eq 2 ] || echo "exit status not 2")" "$(last_line "$work/x.log")"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
