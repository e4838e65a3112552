#!/usr/bin/env bash
# `mote compare` on a torchvision model: mobilenet_v3_small (seeded random weights, as
# export_models.py makes them) at 1x3x96x96, quantised on 16 seeded normal samples:
#   - every op's output appears once, in op order, compared against the float model, and the
#     entries name each op of the blob
#   - the graph output's SQNR and max |error| equal those computed here from `mote run` of the
#     int8 blob and of a float conversion on the same input
#   - the float blob against its own model is exact on every tensor
#   - --json and the table agree on the output's SQNR
# Exit 77 (skipped) when torch or torchvision is missing for the system Python.
#
#   run_compare_torchvision.sh MOTE_BIN WORKDIR
set -u
mote=${1:?usage: run_compare_torchvision.sh MOTE_BIN WORKDIR}
work=${2:?usage: run_compare_torchvision.sh MOTE_BIN WORKDIR}
# shellcheck source=tests/models/lib.sh
source "$(dirname "$0")/lib.sh"
if ! "$python" -c "import torch, torchvision" 2> /dev/null; then
  echo "SKIP: torch and torchvision are missing for $python (tools/install_deps.sh installs them)"
  exit 77
fi
mkdir -p "$work"
work=$(cd "$work" && pwd)
model=mobilenet_v3_small
onnx=$work/$model.onnx
"$python" - "$models_dir" "$work" "$model" > "$work/export.log" 2>&1 << 'PY' || { echo "export failed: $(last_line "$work/export.log")"; exit 1; }
import os, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
import export_models
work, name = sys.argv[2], sys.argv[3]
export_models.SHAPE = (1, 3, 96, 96)  # small, so the test stays quick
path = os.path.join(work, name + ".onnx")
if not os.path.exists(path):
    export_models.export(name, path)
rs = np.random.RandomState(1)
np.save(os.path.join(work, "calib.npy"), rs.standard_normal((16, 3, 96, 96)).astype(np.float32))
np.save(os.path.join(work, "input.npy"), rs.standard_normal((1, 3, 96, 96)).astype(np.float32))
PY
passed=0
failed=0
"$mote" convert "$onnx" -o "$work/int8.mote" --quantize int8 --calib "$work/calib.npy" > "$work/convert_int8.log" 2>&1 ||
  { echo "int8 conversion failed: $(last_line "$work/convert_int8.log")"; exit 1; }
"$mote" convert "$onnx" -o "$work/float.mote" > "$work/convert_float.log" 2>&1 ||
  { echo "float conversion failed: $(last_line "$work/convert_float.log")"; exit 1; }
for kind in int8 float; do
  rm -rf "$work/run_$kind"
  "$mote" run "$work/$kind.mote" --input "input=$work/input.npy" --output-dir "$work/run_$kind" --quiet > "$work/run_$kind.log" 2>&1 ||
    { echo "mote run ($kind) failed: $(last_line "$work/run_$kind.log")"; exit 1; }
  "$mote" compare "$onnx" "$work/$kind.mote" --input "input=$work/input.npy" --json > "$work/compare_$kind.json" 2> "$work/compare_$kind.err" ||
    { echo "mote compare ($kind) failed: $(last_line "$work/compare_$kind.err")"; exit 1; }
  "$mote" info "$work/$kind.mote" --json > "$work/info_$kind.json" 2>&1
done
"$mote" compare "$onnx" "$work/int8.mote" --input "input=$work/input.npy" > "$work/compare_int8.txt" 2>&1

check() {  # check NAME PYTHON-CODE: the code prints a detail line and exits 0 (pass) or 1
  local out
  out=$("$python" -c "
import json, sys
import numpy as np
work = sys.argv[1]
c8 = json.load(open(work + '/compare_int8.json'))['tensors']
cf = json.load(open(work + '/compare_float.json'))['tensors']
i8 = json.load(open(work + '/info_int8.json'))['ops']
$2" "$work" 2>&1)
  if [ $? -eq 0 ]; then result "$1" "" "$out"; else result "$1" "$out" ""; fi
}
check "every op's output, in op order" "
ops = [t['op'] for t in c8]
ok = ops == list(range(len(i8))) and all(t['op_type'] == o['op'] for t, o in zip(c8, i8))
print('%d ops, %d tensors' % (len(i8), len(c8)))
sys.exit(0 if ok else 1)"
check "every tensor compared, int8 ones inexact" "
missing = [t['tensor'] for t in c8 if not t['compared']]
exact8 = [t['tensor'] for t in c8 if t['dtype'] == 'int8' and t['compared'] and t['exact']]
print('not compared: %s; exact int8: %s' % (missing[:3], exact8[:3]) if missing or exact8 else
      'SQNR from %.1f to %.1f dB' % (min(t['sqnr_db'] for t in c8), max(t['sqnr_db'] for t in c8)))
sys.exit(1 if missing or exact8 else 0)"
check "output SQNR = mote run's" "
q = np.load(work + '/run_int8/output.npy').astype(np.float64)
f = np.load(work + '/run_float/output.npy').astype(np.float64)
want = 10 * np.log10(np.sum(f * f) / np.sum((q - f) ** 2))
worst = np.abs(q - f).max()
out = [t for t in c8 if t['tensor'] == 'output'][0]
print('compare %.2f dB, max|err| %.4g; mote run %.2f dB, %.4g' % (out['sqnr_db'], out['max_abs_error'], want, worst))
sys.exit(0 if abs(out['sqnr_db'] - want) < 0.01 and abs(out['max_abs_error'] - worst) <= 1e-6 * max(1.0, worst) else 1)"
check "float blob exact on every tensor" "
bad = [t['tensor'] for t in cf if not (t['compared'] and t['exact'])]
print('%d tensors' % len(cf) if not bad else 'not exact: %s' % bad[:3])
sys.exit(1 if bad else 0)"
table=$(awk '$3 == "output" {print $5}' "$work/compare_int8.txt")
check "table and --json agree" "
out = [t for t in c8 if t['tensor'] == 'output'][0]
print('%s dB' % '$table')
sys.exit(0 if '$table' and abs(float('$table') - out['sqnr_db']) < 0.051 else 1)"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
