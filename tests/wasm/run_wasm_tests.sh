#!/usr/bin/env bash
# The WebAssembly target's tests, as one CTest entry (label wasm).
#
#   run_wasm_tests.sh SOURCE_DIR WORK_DIR MOTE_BIN
#
# Converts models/digits.onnx; builds both modules, two for the digits model alone (model=,
# model-small=), the kernel
# test and the npm package (wasm/build.sh WORK_DIR ...); checks the package packs; runs digits
# with the host CLI for reference; then runs `node --test tests/wasm/`: the SIMD128 kernels against the reference kernels, digits
# through mote.js (both builds) against the host, bad blobs and inputs, the size budget, and
# the demo page in headless Chromium (screenshot: WORK_DIR/demo.png); with models/speech.onnx,
# the keyword model streamed through mote.js against the host and the keyword page hearing the
# sample from a fake microphone (WORK_DIR/speech.png); with models/intent.onnx, the intent model
# tokenized and run through mote.js against the host and the text page classifying typed
# commands (WORK_DIR/text.png). Ends with one line
# "wasm: N passed, M failed". Exit 77 (skipped) when emscripten or Node is missing.
set -u
usage="usage: run_wasm_tests.sh SOURCE_DIR WORK_DIR MOTE_BIN"
src=$(cd "${1:?$usage}" && pwd) || exit 2
mkdir -p "${2:?$usage}" || exit 2
work=$(cd "$2" && pwd)
mote=${3:?$usage}

for tool in em++ wasm-opt node; do
  if ! command -v "$tool" > /dev/null; then
    echo "wasm: SKIPPED ($tool not found; tools/install_deps.sh installs it)"
    exit 77
  fi
done

fail_early() {
  echo "$1"
  echo "wasm: 0 passed, 1 failed"
  exit 1
}

# The digits model, and a header for the module built for it alone (MOTE_OP_CONFIG).
"$mote" convert "$src/models/digits.onnx" -o "$work/digits.mote" --c-array "$work/digits.h" > "$work/convert.log" 2>&1 ||
  { cat "$work/convert.log"; fail_early "mote convert failed"; }

t0=$(date +%s)
"$src/wasm/build.sh" "$work" simd scalar kernels-test package "model=$work/digits.h" "model-small=$work/digits.h" > "$work.build.log" 2>&1 ||
  { tail -40 "$work.build.log"; fail_early "wasm/build.sh failed (log: $work.build.log)"; }
sed -n '/bytes raw/p' "$work.build.log"
echo "built in $(($(date +%s) - t0)) s"

if command -v npm > /dev/null; then
  (cd "$work/package" && npm pack --dry-run --json > "$work/pack.json" 2> "$work/pack.log") ||
    fail_early "npm pack failed in $work/package (log: $work/pack.log)"
  # The tarball a user installs (tests/wasm/package.test.mjs installs it in a fresh project).
  rm -rf "$work/tarball" && mkdir -p "$work/tarball"
  (cd "$work/package" && npm pack --pack-destination "$work/tarball" > "$work/pack.log" 2>&1) ||
    fail_early "npm pack failed in $work/package (log: $work/pack.log)"
  MOTE_PACKAGE_TARBALL=$(ls "$work"/tarball/*.tgz)
  export MOTE_PACKAGE_TARBALL
fi

"$mote" run "$work/digits.mote" --input "input=$src/models/digits_sample.npy" --output-dir "$work/host" > "$work/run.log" 2>&1 ||
  { cat "$work/run.log"; fail_early "mote run failed"; }

# The browser test's dependencies; tools/install_deps.sh normally installed them already.
if [ ! -d "$src/tests/wasm/node_modules/playwright-core" ] && command -v npm > /dev/null; then
  (cd "$src/tests/wasm" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) ||
    echo "note: npm ci in tests/wasm failed; the browser test will be skipped"
fi

# A stateful model for resetState(): state_out = state + x carried into state (--carry).
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
"$py" - "$work/accumulator.onnx" <<'PYEOF' > "$work/accumulator.log" 2>&1 || fail_early "could not write accumulator.onnx (needs onnx for $py)"
import sys
from onnx import TensorProto, helper
vi = lambda name: helper.make_tensor_value_info(name, TensorProto.FLOAT, [1, 4])
graph = helper.make_graph([helper.make_node("Add", ["state", "x"], ["state_out"])], "accumulator",
                          [vi("x"), vi("state")], [vi("state_out")])
import onnx
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)]), sys.argv[1])
PYEOF
"$mote" convert "$work/accumulator.onnx" -o "$work/accumulator.mote" --carry state_out=state > "$work/convert_state.log" 2>&1 ||
  { cat "$work/convert_state.log"; fail_early "mote convert --carry failed"; }

# Pools a module built for digits alone refuses: an AveragePool (an op of the pool family that
# digits does not use: MOTE_USE_OP_AVERAGE_POOL 0) and a 1-D MaxPool (not the float 2-D MaxPool
# it links: MOTE_USE_KERNEL_pool_general 0); and a 1x1 Conv (a Conv route digits does not take).
# And a Conv the digits modules do take on their im2col route, with strides, dilations and uneven
# padding that digits' own Convs lack (their panels against mote-simd.wasm's).
"$py" - "$work/avgpool.onnx" "$work/maxpool1d.onnx" "$work/conv1x1.onnx" "$work/convpanel.onnx" <<'PYEOF' > "$work/pools.log" 2>&1 || fail_early "could not write the pool models (needs onnx for $py)"
import sys
import onnx
from onnx import TensorProto, helper
def save(path, node, x, y):
    graph = helper.make_graph([node], "pool", [helper.make_tensor_value_info("x", TensorProto.FLOAT, x)],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, y)])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)]), path)
save(sys.argv[1], helper.make_node("AveragePool", ["x"], ["y"], kernel_shape=[2, 2], strides=[2, 2]), [1, 2, 4, 4], [1, 2, 2, 2])
save(sys.argv[2], helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[2], strides=[2]), [1, 2, 8], [1, 2, 4])
# A 1x1 Conv: the Conv family digits uses, on a route its modules leave out (MOTE_USE_KERNEL_conv_pointwise 0).
w = helper.make_tensor("w", TensorProto.FLOAT, [2, 2, 1, 1], [1.0, 0.5, -0.5, 1.0])
graph = helper.make_graph([helper.make_node("Conv", ["x", "w"], ["y"])], "conv1x1",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 4, 4])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 4, 4])], [w])
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)]), sys.argv[3])
# 3x3, stride 2, dilation 2, pads (top 1, left 2, bottom 0, right 1), bias: [1, 3, 9, 9] -> [1, 4, 3, 4].
w = helper.make_tensor("w", TensorProto.FLOAT, [4, 3, 3, 3], [((k * 37) % 23 - 11) / 8.0 for k in range(108)])
b = helper.make_tensor("b", TensorProto.FLOAT, [4], [0.25, -0.5, 0.0, 1.0])
conv = helper.make_node("Conv", ["x", "w", "b"], ["y"], kernel_shape=[3, 3], strides=[2, 2], dilations=[2, 2], pads=[1, 2, 0, 1])
graph = helper.make_graph([conv], "convpanel", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 9, 9])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 3, 4])], [w, b])
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)]), sys.argv[4])
PYEOF
for m in avgpool maxpool1d conv1x1 convpanel; do
  "$mote" convert "$work/$m.onnx" -o "$work/$m.mote" > "$work/convert_$m.log" 2>&1 ||
    { cat "$work/convert_$m.log"; fail_early "mote convert ($m) failed"; }
done

# The keyword model (when models/speech.onnx is there): float32 and int8 blobs and the host's
# streamed runs over the sample clip, for speech.test.mjs and speech_browser_test.mjs.
speech_models=${MOTE_SPEECH_MODELS:-$src/models}
speech_env=()
if [ -f "$speech_models/speech.onnx" ]; then
  calib=${MOTE_SPEECH_CALIB:-}
  for c in "$speech_models/speech_calib" "$speech_models/speech_calib.npy"; do [ -z "$calib" ] && [ -e "$c" ] && calib=$c; done
  "$py" "$src/tests/qemu/speech_stream.py" prepare "$mote" "$speech_models" "$work/speech" ${calib:+"$calib"} ||
    fail_early "speech_stream.py prepare failed"
  speech_env=(MOTE_SPEECH_DIR="$work/speech" MOTE_SPEECH_MODELS="$speech_models")
fi

# The intent model (when models/intent.onnx is there): float32 and int8 blobs with the vocabulary
# embedded and the host's runs over the held-out commands, for intent.test.mjs and
# intent_browser_test.mjs.
text_env=()
if [ -f "$src/models/intent.onnx" ]; then
  t="$work/text"
  mkdir -p "$t"
  cut -f 2 "$src/models/intent_heldout.txt" > "$t/texts.txt"
  cp "$src/models/intent_labels.txt" "$t/labels.txt"
  "$mote" convert "$src/models/intent.onnx" -o "$t/intent_float.mote" --vocab "$src/models/intent_vocab.txt" > "$t/convert.log" 2>&1 &&
    "$mote" convert "$src/models/intent.onnx" -o "$t/intent_int8.mote" --vocab "$src/models/intent_vocab.txt" \
      --quantize int8 --calib "$src/models/intent_calib.npy" --strict >> "$t/convert.log" 2>&1 ||
    { cat "$t/convert.log"; fail_early "mote convert (intent) failed"; }
  for v in float int8; do
    rm -rf "${t:?}/$v"
    "$mote" run "$t/intent_$v.mote" --text-file "$t/texts.txt" --labels "$t/labels.txt" --output-dir "$t/$v" --quiet \
      > "$t/$v.printed" 2>&1 || { cat "$t/$v.printed"; fail_early "mote run --text-file (intent $v) failed"; }
    mv "$t/$v.printed" "$t/$v/printed.txt"
  done
  text_env=(MOTE_TEXT_DIR="$t")
fi

# The digits model planned for x86 alone: a module built for digits runs its Conv, Gemm and
# MaxPool on the SIMD128 kernels only (no reference kernels), so it must refuse this blob at load.
"$mote" convert "$src/models/digits.onnx" -o "$work/digits_x86.mote" --target x86 > "$work/convert_x86.log" 2>&1 ||
  { cat "$work/convert_x86.log"; fail_early "mote convert --target x86 failed"; }
MOTE_DIGITS_X86_BLOB="$work/digits_x86.mote" MOTE_AVGPOOL_BLOB="$work/avgpool.mote" MOTE_MAXPOOL1D_BLOB="$work/maxpool1d.mote" MOTE_CONV1X1_BLOB="$work/conv1x1.mote" MOTE_CONVPANEL_BLOB="$work/convpanel.mote" MOTE_STATE_BLOB="$work/accumulator.mote" MOTE_BIN="$mote" \
MOTE_WASM_DIR="$work" MOTE_DIGITS_BLOB="$work/digits.mote" MOTE_DIGITS_REF="$work/host/probabilities.npy" \
  MOTE_SCREENSHOT_DIR="$work" env "${speech_env[@]}" "${text_env[@]}" \
  node --test --test-reporter=tap "$src/tests/wasm/" 2>&1 | tee "$work/node-test.log"
status=${PIPESTATUS[0]}
passed=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$work/node-test.log" | tail -1)
failed=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$work/node-test.log" | tail -1)
skipped=$(sed -n 's/^# skipped \([0-9]*\)$/\1/p' "$work/node-test.log" | tail -1)
[ -n "$passed" ] || passed=0
if [ -z "$failed" ]; then failed=1; fi
[ "$status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
echo "wasm: $passed passed, $failed failed, ${skipped:-0} skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
