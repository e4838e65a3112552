#!/usr/bin/env bash
# The mote CLI contract: help and exit codes, convert / info / run / bench on the example,
# and clear errors for bad input.
set -u
mote=${1:?usage: cli_test.sh MOTE_BIN SOURCE_DIR WORK_DIR}
src=${2:?}
work=${3:?}
rm -rf "$work"
mkdir -p "$work"
passed=0
failed=0
check() {  # check NAME EXPECTED_RC COMMAND... ; output goes to $work/last.txt
  local name=$1 want=$2
  shift 2
  "$@" > "$work/last.txt" 2>&1
  local rc=$?
  if [ "$rc" -eq "$want" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $name: exit $rc, expected $want"
    sed 's/^/    /' "$work/last.txt" | head -20
  fi
}
contains() {  # contains NAME TEXT: the last output holds TEXT
  if grep -qF -- "$2" "$work/last.txt"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $1: output lacks '$2'"
    sed 's/^/    /' "$work/last.txt" | head -20
  fi
}

check "mote --help" 0 "$mote" --help
for c in convert info run validate bench compare; do
  check "mote $c --help" 0 "$mote" "$c" --help
  contains "mote $c --help" "usage: mote $c"
done
check "no command" 2 "$mote"
check "unknown command" 2 "$mote" frobnicate
check "convert without -o" 2 "$mote" convert "$src/models/digits.onnx"
check "unknown option" 2 "$mote" convert "$src/models/digits.onnx" -o "$work/d.mote" --bogus

check "convert digits" 0 "$mote" convert "$src/models/digits.onnx" -o "$work/digits.mote" --c-array "$work/digits_model.h"
contains "convert reports arena" "arena:"
contains "convert reports lower bound" "lower bound:"
contains "convert reports weights" "weights:"
contains "convert reports ops" "ops:"
check "header compiles" 0 cc -std=c99 -Wall -fsyntax-only -x c "$work/digits_model.h"
grep -q "DIGITS_MODEL_ARENA_BYTES" "$work/digits_model.h" && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL header lacks the arena #define"; }

check "info" 0 "$mote" info "$work/digits.mote" --svg "$work/plan.svg"
contains "info lists the input" "input  0: input"
contains "info lists MACs" "MACs"
stack_bytes=$(sed -n 's/^#define MOTE_CORTEX_M4_STACK_BYTES \([0-9]*\)$/\1/p' "$src/runtime/internal/mote/stack_budget.h")
contains "info gives the stack Mote needs (the figure the freestanding test checks)" "stack: Mote's calls need at most ${stack_bytes:-?} bytes on a Cortex-M4"
check "svg is well-formed" 0 python3 -c "import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])" "$work/plan.svg"
cat > "$work/check_plan.py" <<'PYEOF'
# The plan mote info --json gives, checked against itself and the blob's figures: every buffer
# inside the arena, the live bytes per op recomputed from the buffers (the union of their byte
# ranges), the peak where the live bytes are largest, between the planner's lower bound and the
# arena, and the buffers listed at the peak exactly those alive there.
import json, sys
d = json.load(open(sys.argv[1]))
bufs, live, arena = d["buffers"], d["live_bytes"], d["arena_bytes"]
assert bufs and len(live) == len(d["ops"]), "one live figure per op"
for b in bufs:
    assert 0 <= b["offset"] and b["offset"] + b["bytes"] <= arena, b
    assert 0 <= b["first_op"] <= b["last_op"] < len(live), b
for k, have in enumerate(live):
    ranges = sorted((b["offset"], b["offset"] + b["bytes"]) for b in bufs if b["first_op"] <= k <= b["last_op"])
    total, end = 0, 0
    for lo, hi in ranges:
        total += max(0, hi - max(lo, end)); end = max(end, hi)
    assert total == have, (k, total, have)
assert d["peak_bytes"] == max(live) == live[d["peak_op"]]
assert d["lower_bound"] <= d["peak_bytes"] <= arena, (d["lower_bound"], d["peak_bytes"], arena)
alive = sorted(i for i, b in enumerate(bufs) if b["first_op"] <= d["peak_op"] <= b["last_op"])
assert sorted(d["at_peak"]) == alive
assert any(b["kind"] == "scratch" for b in bufs) or all(o["scratch"] == 0 for o in d["ops"])
print("plan ok: %d buffers, peak %d bytes at op %d" % (len(bufs), d["peak_bytes"], d["peak_op"]))
PYEOF
for blob in digits d8; do
  [ -f "$work/$blob.mote" ] || "$mote" convert "$src/models/digits.onnx" -o "$work/d8.mote" --quantize int8 --calib "$src/models/digits_calib.npy" > /dev/null 2>&1
  check "info --json plan of $blob" 0 sh -c "'$mote' info '$work/$blob.mote' --json > '$work/$blob.json' && /usr/bin/python3 '$work/check_plan.py' '$work/$blob.json'"
  contains "info --json plan of $blob is consistent" "plan ok"
done
check "info lists the buffers at the peak" 0 "$mote" info "$work/digits.mote"
contains "info lists the buffers at the peak" "peak: "
grep -q "peak: op" "$work/plan.svg" && grep -q "<polyline" "$work/plan.svg" && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL the SVG lacks the peak marker or the live-bytes curve"; }
check "info --json parses" 0 sh -c "'$mote' info '$work/digits.mote' --json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[\"arena_bytes\"] >= d[\"lower_bound\"] > 0; assert d[\"inputs\"][0][\"shape\"] == [1,1,8,8]'"

check "run" 0 "$mote" run "$work/digits.mote" --input "input=$src/models/digits_sample.npy" --output-dir "$work/out"
contains "run prints the predicted class" "argmax $(cat "$src/models/digits_sample_label.txt")"
[ -f "$work/out/probabilities.npy" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL run wrote no probabilities.npy"; }
check "run with a single unnamed input" 0 "$mote" run "$work/digits.mote" --input "$src/models/digits_sample.npy" --output-dir "$work/out2" --quiet
check "bench" 0 "$mote" bench "$work/digits.mote" --iters 5 --profile
contains "bench prints the median" "median"

# Bad input: each a clear error with a non-zero exit, never a crash.
head -c 100 "$work/digits.mote" > "$work/truncated.mote"
check "truncated blob" 1 "$mote" info "$work/truncated.mote"
contains "truncated blob says so" "truncated"
printf 'not an onnx model' > "$work/bad.onnx"
check "malformed onnx" 1 "$mote" convert "$work/bad.onnx" -o "$work/bad.mote"
contains "malformed onnx says so" "not a valid ONNX model"
[ ! -e "$work/bad.mote" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL a failed convert left a file"; }
/usr/bin/python3 -c "import numpy as np; np.save('$work/wrong.npy', np.zeros((1,1,4,4), np.float32)); np.save('$work/wrongtype.npy', np.zeros((1,1,8,8), np.float64))"
check "wrong input shape" 1 "$mote" run "$work/digits.mote" --input "input=$work/wrong.npy"
contains "wrong input shape names the shapes" "expects shape [1,1,8,8]"
check "wrong input dtype" 1 "$mote" run "$work/digits.mote" --input "input=$work/wrongtype.npy"
check "unknown input name" 1 "$mote" run "$work/digits.mote" --input "nope=$src/models/digits_sample.npy"
check "missing input" 2 "$mote" run "$work/digits.mote"
check "bad --shape" 2 "$mote" convert "$src/models/digits.onnx" -o "$work/x.mote" --shape input=1xAx8
check "--shape for a missing input" 1 "$mote" convert "$src/models/digits.onnx" -o "$work/x.mote" --shape nope=1x1x8x8
check "validate a backend test" 0 "$mote" validate /usr/share/libonnx-testdata/data/node/test_relu
contains "validate prints PASS" "PASS test_relu"
check "validate an unsupported op" 3 "$mote" validate /usr/share/libonnx-testdata/data/node/test_nonzero_example
contains "unsupported names the op" "NonZero"
node=/usr/share/libonnx-testdata/data/node
check "validate several tests, one unsupported" 3 "$mote" validate "$node/test_relu" "$node/test_nonzero_example" "$node/test_abs"
contains "validate counts the tests" "[2/3 "
contains "validate sums up" "validate: 2 passed, 0 failed, 1 unsupported, of 3 tests in"
# A whole suite: the directory's tests in order, each line a step of progress.
suite=/usr/share/libonnx-testdata/data/pytorch-operator
n=$(find "$suite" -mindepth 2 -maxdepth 2 -name model.onnx | wc -l)
check "validate a suite directory" 0 "$mote" validate "$suite" --narrow-double
contains "the suite's first test" "$(printf '[%*d/%d ' ${#n} 1 "$n")"
contains "the suite passes" "validate: $n passed, 0 failed, 0 unsupported, of $n tests in"

# Float64: refused by name without --narrow-double; with it narrowed, counted and marked.
cumsum=/usr/share/libonnx-testdata/data/node/test_cumsum_1d
check "float64 model refused" 1 "$mote" convert "$cumsum/model.onnx" -o "$work/f64.mote"
contains "float64 refusal names the tensor" "tensor 'x'"
contains "float64 refusal suggests the option" "--narrow-double"
check "float64 model narrowed" 0 "$mote" convert "$cumsum/model.onnx" -o "$work/f64.mote" --narrow-double --set axis=0
contains "convert notes the narrowing" "narrowed 2 float64 tensors to float32"
check "info on a narrowed blob" 0 "$mote" info "$work/f64.mote"
contains "info counts the narrowed tensors" "float64: 2 tensors of the source model narrowed to float32"
contains "info marks a narrowed input" "narrowed from float64"
check "validate refuses float64 without the option" 3 "$mote" validate "$cumsum"
check "validate --narrow-double" 0 "$mote" validate "$cumsum" --narrow-double
contains "validate says it narrowed" "narrowed 2 float64 tensors to float32"

# int8: calibration errors are clear and write nothing.
check "int8 convert" 0 "$mote" convert "$src/models/digits.onnx" -o "$work/d8.mote" --quantize int8 --calib "$src/models/digits_calib.npy"
contains "int8 convert reports precision" "quantized"
check "int8 info shows int8 ops" 0 "$mote" info "$work/d8.mote"
contains "int8 info lists QConv" "QConv"
# compare: the int8 blob tensor by tensor against the float model (every op's output has a
# float counterpart and stays within 25 dB); the float blob against its own model is exact.
check "compare int8 digits" 0 "$mote" compare "$src/models/digits.onnx" "$work/d8.mote" --input "input=$src/models/digits_sample.npy"
contains "compare lists QConv" "QConv"
contains "compare prints SQNR" "SQNR(dB)"
check "compare --json" 0 "$mote" compare "$src/models/digits.onnx" "$work/d8.mote" --input "input=$src/models/digits_sample.npy" --json
cp "$work/last.txt" "$work/compare8.json"
check "compare --json: every tensor compared, SQNR >= 25 dB" 0 /usr/bin/python3 -c "
import json, sys
t = json.load(open('$work/compare8.json'))['tensors']
bad = [x for x in t if not x['compared'] or x['exact'] or x['sqnr_db'] < 25]
sys.exit(1 if len(t) < 8 or bad else 0)"
# --svg: one point per compared tensor with its SQNR in the title, the lowest one marked.
check "compare --svg" 0 "$mote" compare "$src/models/digits.onnx" "$work/d8.mote" --input "input=$src/models/digits_sample.npy" \
  --svg "$work/compare8.svg"
check "compare --svg: a point per tensor, the lowest SQNR marked" 0 /usr/bin/python3 -c "
import json, sys, xml.etree.ElementTree as ET
t = json.load(open('$work/compare8.json'))['tensors']
root = ET.parse('$work/compare8.svg').getroot()
ns = '{http://www.w3.org/2000/svg}'
titles = [c.find(ns + 'title').text for c in root.iter(ns + 'circle') if c.find(ns + 'title') is not None]
low = min(t, key=lambda x: x['sqnr_db'])
marks = [e.text for e in root.iter(ns + 'text') if e.text and e.text.startswith('lowest: ')]
db = lambda s: float(s.rsplit(' dB', 1)[0].split()[-1])
ok = len(titles) == len(t) and all(x['tensor'] in s and abs(db(s) - x['sqnr_db']) <= 0.051 for x, s in zip(t, titles))
ok = ok and len(marks) == 1 and marks[0].startswith('lowest: %s ' % low['tensor']) and abs(db(marks[0]) - low['sqnr_db']) <= 0.051
print(len(titles), len(t), marks)
sys.exit(0 if ok else 1)"
check "compare float digits" 0 "$mote" compare "$src/models/digits.onnx" "$work/digits.mote" --input "$src/models/digits_sample.npy" --json
cp "$work/last.txt" "$work/compare_float.json"
check "compare float digits is exact" 0 /usr/bin/python3 -c "
import json, sys
t = json.load(open('$work/compare_float.json'))['tensors']
sys.exit(0 if t and all(x['compared'] and x['exact'] for x in t) else 1)"
# A MatMul of two activations longer than the accumulator proof allows stays float, named.
/usr/bin/python3 -c "
import numpy as np, onnx
from onnx import helper, TensorProto
v = lambda n, s: helper.make_tensor_value_info(n, TensorProto.FLOAT, s)
g = helper.make_graph([helper.make_node('MatMul', ['a', 'b'], ['y'])], 'g', [v('a', [1, 4, 20000]), v('b', [1, 20000, 4])], [v('y', [1, 4, 4])])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid('', 13)]), '$work/longk.onnx')
import os; os.makedirs('$work/longk_calib', exist_ok=True)
np.save('$work/longk_calib/a.npy', np.random.RandomState(1).rand(2, 4, 20000).astype(np.float32))
np.save('$work/longk_calib/b.npy', np.random.RandomState(2).rand(2, 20000, 4).astype(np.float32))"
check "int8 MatMul of two long activations" 0 "$mote" convert "$work/longk.onnx" -o "$work/longk.mote" --quantize int8 --calib "$work/longk_calib"
contains "a long MatMul of activations stays float, named" "MatMul: too long a reduction for int8"
check "compare without --input" 2 "$mote" compare "$src/models/digits.onnx" "$work/d8.mote"
/usr/bin/python3 -c "import numpy as np; np.save('$work/calib_shape.npy', np.zeros((4,3,8,8), np.float32))"
check "calibration data of the wrong shape" 1 "$mote" convert "$src/models/digits.onnx" -o "$work/bad8.mote" --quantize int8 --calib "$work/calib_shape.npy"
contains "wrong calibration shape is named" "expected [N,1,8,8]"
check "calibration data of the wrong dtype" 1 "$mote" convert "$src/models/digits.onnx" -o "$work/bad8.mote" --quantize int8 --calib "$work/wrongtype.npy"
[ ! -e "$work/bad8.mote" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL a failed int8 convert left a file"; }
check "--quantize without --calib" 2 "$mote" convert "$src/models/digits.onnx" -o "$work/bad8.mote" --quantize int8
# int8 weights (dynamic range): no calibration; info names the ops and the bytes saved.
check "convert --help lists int8-weights" 0 "$mote" convert --help
contains "convert --help lists int8-weights" "--quantize int8-weights"
check "int8-weights convert" 0 "$mote" convert "$src/models/digits.onnx" -o "$work/dw8.mote" --quantize int8-weights
contains "int8-weights convert notes the ops" "int8 weights: 4 ops (ConvW8 x2, GemmW8 x2)"
check "int8-weights info" 0 "$mote" info "$work/dw8.mote"
contains "int8-weights info lists ConvW8" "ConvW8"
contains "int8-weights info says what it saved" "saved against float32"
check "compare int8-weights digits" 0 "$mote" compare "$src/models/digits.onnx" "$work/dw8.mote" --input "input=$src/models/digits_sample.npy"
check "--quantize with an unknown value" 2 "$mote" convert "$src/models/digits.onnx" -o "$work/bad8.mote" --quantize int16
contains "--quantize names its values" "int8 or int8-weights"
check "--calib with int8-weights" 2 "$mote" convert "$src/models/digits.onnx" -o "$work/bad8.mote" --quantize int8-weights --calib "$src/models/digits_calib.npy"

# Hostile models: one clean 'mote convert: ...' line naming the problem, exit 1, no file written.
/usr/bin/python3 - "$work" <<'PY'
import sys
import onnx
from onnx import TensorProto, helper
work = sys.argv[1]
def save(name, nodes, outputs, inits, x_shape=(1, 1, 4, 4)):
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(x_shape))], outputs, inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), f"{work}/{name}.onnx")
y = [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None] * 4)]
w = [helper.make_tensor("w", TensorProto.FLOAT, [1, 1, 1, 1], [1.0])]
save("stride0", [helper.make_node("Conv", ["x", "w"], ["y"], name="conv0", strides=[0, 0])], y, w)
save("no_outputs", [helper.make_node("Relu", ["x"], ["y"], name="relu")], [], [])
save("short_strides", [helper.make_node("Conv", ["x", "w"], ["y"], name="conv1", strides=[1])], y, w)
save("tile_huge", [helper.make_node("Tile", ["x", "r"], ["y"], name="tile")], y,
     [helper.make_tensor("r", TensorProto.INT64, [4], [1, 1, 1 << 40, 1])])
PY
for case in "stride0:attribute 'strides' value 0" "no_outputs:no outputs" "short_strides:node 'conv1' (Conv)" "tile_huge:1099511627776"; do
  model=${case%%:*}
  check "hostile $model" 1 "$mote" convert "$work/$model.onnx" -o "$work/$model.mote"
  contains "hostile $model names the problem" "${case#*:}"
  contains "hostile $model is one mote convert line" "mote convert: "
  [ "$(wc -l < "$work/last.txt")" -eq 1 ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL hostile $model printed more than one line"; }
  [ ! -e "$work/$model.mote" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL hostile $model left a file"; }
done
/usr/bin/python3 -c "import numpy as np; a = np.zeros((3,1,8,8), np.float32); a[2,0,1,1] = np.nan; np.save('$work/calib_nan.npy', a)"
check "NaN calibration data" 1 "$mote" convert "$src/models/digits.onnx" -o "$work/nan8.mote" --quantize int8 --calib "$work/calib_nan.npy"
contains "NaN calibration data names the sample" "sample 2, element 9"
[ ! -e "$work/nan8.mote" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL NaN calibration left a file"; }

# mote run --labels: one line per run whose 'event' output is >= 0, timed at the run's end; .wav
# inputs (16-bit PCM mono, samples / 32768, the last partial chunk padded with zeros).
/usr/bin/python3 - "$work" <<'PY'
import sys, wave
import numpy as np
import onnx
from onnx import TensorProto, helper
work = sys.argv[1]
x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])
ev = helper.make_tensor_value_info("event", TensorProto.FLOAT, [1])
nodes = [helper.make_node("ReduceMax", ["x"], ["m"], axes=[1], keepdims=0),
         helper.make_node("Mul", ["m", "k"], ["mk"]), helper.make_node("Sub", ["mk", "one"], ["event"])]
inits = [helper.make_tensor("k", TensorProto.FLOAT, [], [32768.0]), helper.make_tensor("one", TensorProto.FLOAT, [], [1.0])]
onnx.save(helper.make_model(helper.make_graph(nodes, "events", [x], [ev], inits), opset_imports=[helper.make_opsetid("", 13)]),
          f"{work}/events.onnx")
# Runs of 4 samples; maxima 0, 3/32768, 0 -> events -1, 2, -1.
np.save(f"{work}/events.npy", (np.array([[0, 0, 0, 0, 0, 3, 1, 0, 0, 0, 0, 0]]) / 32768).astype(np.float32))
for name, channels, samples in (("events", 1, [0, 0, 0, 0, 0, 3, 1, 0, 0, 0]), ("stereo", 2, [0, 0, 1, 1])):
    with wave.open(f"{work}/{name}.wav", "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(8)
        w.writeframes(np.array(samples, np.int16).tobytes())
open(f"{work}/events_labels.txt", "w").write("zero\none\ntwo\n")
open(f"{work}/garbage.wav", "w").write("not a wave file")
# A stateful model for streaming calibration: s_out = 0.5 s_in + x, y = Relu(s_out), and an
# output that is a copy of another (int8 must keep both readable).
s_in = helper.make_tensor_value_info("s_in", TensorProto.FLOAT, [1, 4])
outs = [helper.make_tensor_value_info(n, TensorProto.FLOAT, [1, 4]) for n in ("y", "s_out", "y_copy")]
nodes = [helper.make_node("Mul", ["s_in", "half"], ["hs"], name="decay"), helper.make_node("Add", ["hs", "x"], ["s_out"], name="acc"),
         helper.make_node("Relu", ["s_out"], ["y"], name="relu"), helper.make_node("Identity", ["y"], ["y_copy"])]
inits = [helper.make_tensor("half", TensorProto.FLOAT, [], [0.5])]
onnx.save(helper.make_model(helper.make_graph(nodes, "state", [x, s_in], outs, inits), opset_imports=[helper.make_opsetid("", 13)]),
          f"{work}/state.onnx")
np.save(f"{work}/state_calib.npy", np.random.RandomState(0).standard_normal((16, 4)).astype(np.float32))
PY
check "convert the event model" 0 "$mote" convert "$work/events.onnx" -o "$work/events.mote"
check "run --labels" 0 "$mote" run "$work/events.mote" --input "x=$work/events.npy" --chunk 1 --labels "$work/events_labels.txt" --rate 4 --quiet --output-dir "$work/events_out"
contains "run --labels prints the detection" "2.000 s  two"
[ "$(grep -c ' s  ' "$work/last.txt")" -eq 1 ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL run --labels printed other detections"; }
check "run a .wav input" 0 "$mote" run "$work/events.mote" --input "x=$work/events.wav" --chunk 1 --labels "$work/events_labels.txt" --quiet --output-dir "$work/events_out"
contains "a .wav input's rate times the detections" "1.000 s  two"
contains "a .wav input's last chunk is padded" "runs: 3"
check "--labels without an event output" 1 "$mote" run "$work/digits.mote" --input "input=$src/models/digits_sample.npy" --labels "$work/events_labels.txt"
contains "--labels names the missing output" "no output named 'event'"
check "--rate without --labels" 2 "$mote" run "$work/events.mote" --input "x=$work/events.npy" --chunk 1 --rate 4
check "stereo .wav" 1 "$mote" run "$work/events.mote" --input "x=$work/stereo.wav" --chunk 1
contains "stereo .wav says so" "2 channels"
check "not a .wav" 1 "$mote" run "$work/events.mote" --input "x=$work/garbage.wav" --chunk 1
contains "not a .wav says so" "not a RIFF/WAVE file"

# int8 of a streaming model: calibration streams the samples with the carried state (no samples
# for it); --keep-float keeps ops float by node name, name prefix or op type.
check "int8 calibration of a carried state" 0 "$mote" convert "$work/state.onnx" -o "$work/state8.mote" --carry s_out=s_in --quantize int8 --calib "$work/state_calib.npy"
check "int8 model with a copied output loads" 0 "$mote" info "$work/state8.mote"
check "int8 --keep-float by name and type" 0 "$mote" convert "$work/state.onnx" -o "$work/state8k.mote" --carry s_out=s_in --quantize int8 --calib "$work/state_calib.npy" --keep-float acc --keep-float Relu
check "info on --keep-float" 0 "$mote" info "$work/state8k.mote"
contains "--keep-float keeps the Add float" "float: --keep-float"
[ "$(grep -c 'float: --keep-float' "$work/last.txt")" -eq 2 ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL --keep-float did not keep exactly the two ops"; }
check "int8 --keep-float by prefix" 0 "$mote" convert "$work/state.onnx" -o "$work/state8p.mote" --carry s_out=s_in --quantize int8 --calib "$work/state_calib.npy" --keep-float 'de*'
check "--keep-float matching nothing" 1 "$mote" convert "$work/state.onnx" -o "$work/state8x.mote" --carry s_out=s_in --quantize int8 --calib "$work/state_calib.npy" --keep-float nosuchop
contains "--keep-float names the entry" "--keep-float nosuchop: no op has that name or type"
check "--keep-float without --quantize" 2 "$mote" convert "$work/state.onnx" -o "$work/state8x.mote" --keep-float Relu
check "--calib-method without --quantize" 2 "$mote" convert "$src/models/digits.onnx" -o "$work/u.mote" --calib-method mse
contains "--calib-method without --quantize names it" "--calib-method, --percentile"
check "calibration of a state model without --carry" 1 "$mote" convert "$work/state.onnx" -o "$work/state8x.mote" --quantize int8 --calib "$work/state_calib.npy"
contains "without --carry it asks for every input" "2 inputs to calibrate"

# Usage errors: exit 2, one message on stderr naming the flag and the bad value, nothing on stdout.
usage_error() {  # usage_error NAME TEXT COMMAND...
  local name=$1 text=$2
  shift 2
  "$@" > "$work/out.txt" 2> "$work/last.txt"
  local rc=$?
  if [ "$rc" -eq 2 ] && [ ! -s "$work/out.txt" ] && grep -qF -- "$text" "$work/last.txt"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $name: exit $rc (expected 2), stdout $(wc -c < "$work/out.txt") bytes (expected none), stderr:"
    sed 's/^/    /' "$work/last.txt" | head -5
  fi
}
usage_error "--calib-method median" "--calib-method takes minmax, percentile, mse or entropy, not 'median'" \
  "$mote" convert "$src/models/digits.onnx" -o "$work/u.mote" --quantize int8 --calib "$src/models/digits_calib.npy" --calib-method median
usage_error "--percentile abc" "--percentile takes a number from 50 to 100, not 'abc'" \
  "$mote" convert "$src/models/digits.onnx" -o "$work/u.mote" --quantize int8 --calib "$src/models/digits_calib.npy" --calib-method percentile --percentile abc
usage_error "bench --iters abc" "--iters takes a whole number, not 'abc'" "$mote" bench "$work/digits.mote" --iters abc
usage_error "bench --iters 0" "--iters takes a whole number from 1" "$mote" bench "$work/digits.mote" --iters 0
usage_error "validate a missing directory" "/nonexistent: no such directory" "$mote" validate /nonexistent
usage_error "validate a missing one of several" "/nonexistent: no such directory" "$mote" validate "$node/test_relu" /nonexistent
usage_error "validate a directory without tests" "not an ONNX backend-test directory" "$mote" validate "$work"
usage_error "validate --rtol x" "--rtol takes a number" "$mote" validate "$work" --rtol x
[ ! -e "$work/u.mote" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL a usage error left a file"; }
check "--version" 0 "$mote" --version
contains "--version names the blob format written" "writes blob format $(sed -n 's/^#define MOTE_BLOB_VERSION_MAJOR \([0-9]*\)u$/\1/p' "$src/runtime/internal/mote/blob_format.h").$(sed -n 's/^#define MOTE_BLOB_VERSION_MINOR \([0-9]*\)u$/\1/p' "$src/runtime/internal/mote/blob_format.h")"
check "--help lists --version" 0 "$mote" --help
contains "--help lists --version" "--version"
check "info on an ONNX file" 1 "$mote" info "$src/models/digits.onnx"
contains "info on an ONNX file says what to do" "not a Mote blob (an ONNX model? convert it first"
[ "$(grep -o "bad magic" "$work/last.txt" | wc -l)" -eq 0 ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL info repeats the status"; }
/usr/bin/python3 -c "import numpy as np; np.save('$work/flat.npy', np.load('$src/models/digits_sample.npy').reshape(-1))"
check "a flat input of the right size" 0 "$mote" run "$work/digits.mote" --input "input=$work/flat.npy" --output-dir "$work/flat"
contains "a flat input is noted" "note: input 'input' [1,1,8,8] taken from $work/flat.npy of shape [64]"
check "calibration progress in a log" 0 "$mote" convert "$src/models/digits.onnx" -o "$work/p8.mote" --quantize int8 --calib "$src/models/digits_calib.npy"
contains "calibration progress as lines" "calibrating: 128/128"
! grep -q $'\r' "$work/last.txt" && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL calibration progress wrote a carriage return into a log"; }
/usr/bin/python3 - "$work/unnamed.onnx" <<'PYEOF'
import sys
from onnx import TensorProto, helper
import onnx
x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 4, 4])
y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 2, 2])
w = helper.make_tensor("w", TensorProto.FLOAT, [2, 2, 3, 3], [0.0] * 36)
g = helper.make_graph([helper.make_node("Conv", ["x", "w"], ["y"], strides=[1])], "unnamed", [x], [y], [w])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), sys.argv[1])
PYEOF
check "an unnamed node's error" 1 "$mote" convert "$work/unnamed.onnx" -o "$work/unnamed.mote"
contains "an unnamed node is named by its output" "the Conv node writing 'y'"

# A model over 10 MB says what the conversion is doing.
/usr/bin/python3 - "$work/large.onnx" <<'PYEOF'
import sys
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
w = numpy_helper.from_array(np.random.RandomState(0).standard_normal((1024, 2600)).astype(np.float32), "w")
g = helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"])], "large",
                      [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1024])],
                      [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2600])], [w])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), sys.argv[1])
PYEOF
check "a model over 10 MB converts" 0 "$mote" convert "$work/large.onnx" -o "$work/large.mote"
contains "a model over 10 MB shows its stages" "] parsing 10 MiB"
contains "a model over 10 MB shows the plan stage" "] planning the arena for 1 ops"
check "a small model converts quietly" 0 "$mote" convert "$src/models/digits.onnx" -o "$work/quiet.mote"
! grep -q "] parsing" "$work/last.txt" && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL a small model printed conversion stages"; }

# Text: a WordPiece vocabulary as a table and inside a blob, tokenized (docs/text.md).
printf '[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nturn\non\nthe\nlight\n##s\n,\ncafe\n' > "$work/vocab.txt"
check "vocab" 0 "$mote" vocab "$work/vocab.txt" -o "$work/v.motevocab" --max-len 8
contains "vocab says what it wrote" "12 tokens, max length 8"
check "tokenize a .motevocab" 0 "$mote" tokenize "$work/v.motevocab" "Turn ON the Lights, Café!" --no-padding
contains "tokenize prints pieces" "##s"
contains "tokenize truncates to the max length" "truncated from 10"
check "tokenize --json" 0 sh -c "'$mote' tokenize '$work/v.motevocab' 'turn on the lights' --json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[\"ids\"] == [2, 5, 6, 7, 8, 9, 3, 0], d; assert d[\"attention_mask\"] == [1]*7 + [0]; assert d[\"token_type_ids\"] == [0]*8'"
check "convert --vocab" 0 "$mote" convert "$src/models/digits.onnx" -o "$work/digits_text.mote" --vocab "$work/vocab.txt" --max-len 16
contains "convert --vocab notes the vocabulary" "vocabulary: 12 tokens, max length 16"
check "info shows the vocabulary" 0 "$mote" info "$work/digits_text.mote"
contains "info names the vocabulary" "vocabulary: 12 WordPiece tokens, max length 16, lower-cased, accents stripped"
check "tokenize a blob's vocabulary" 0 "$mote" tokenize "$work/digits_text.mote" "turn on the lights" --json
contains "the blob's vocabulary pads to its max length" '"count": 7'
check "tokenize a blob without vocabulary" 1 "$mote" tokenize "$work/digits.mote" "turn on"
contains "a blob without vocabulary says so" "no vocabulary"
check "vocab without specials" 1 sh -c "printf 'a\nb\n' > '$work/nospecial.txt' && '$mote' vocab '$work/nospecial.txt' -o '$work/ns.motevocab'"
contains "vocab names the missing special token" "no special token [UNK]"
head -c 100 "$work/v.motevocab" > "$work/short.motevocab"
check "truncated vocabulary" 1 "$mote" tokenize "$work/short.motevocab" "turn"
contains "a truncated vocabulary is refused" "truncated"
check "--max-len without --vocab" 2 "$mote" convert "$src/models/digits.onnx" -o "$work/x.mote" --max-len 8
# mote run --text: the intent example tokenized with the vocabulary in its blob.
check "convert intent --vocab" 0 "$mote" convert "$src/models/intent.onnx" -o "$work/intent.mote" --vocab "$src/models/intent_vocab.txt"
check "run --text" 0 "$mote" run "$work/intent.mote" --text "set a timer for 5 minutes" --labels "$src/models/intent_labels.txt" --quiet --output-dir "$work/text"
contains "run --text prints the class" "set_timer"
check "run --text writes the ids fed" 0 test -s "$work/text/input_ids.npy"
check "run --text on a blob without vocabulary" 1 "$mote" run "$work/digits.mote" --text "turn on"
contains "a blob without vocabulary says so" "carries no vocabulary"
check "run --text with --input" 2 "$mote" run "$work/intent.mote" --text "hi" --input "input_ids=$work/x.npy"
check "run --text with --text-file" 2 "$mote" run "$work/intent.mote" --text "hi" --text-file "$work/vocab.txt"
check "run --text with --chunk" 2 "$mote" run "$work/intent.mote" --text "hi" --chunk 0

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
