# The `mote` Python module against the CLI on the digits model: the same blob bytes, the same
# probabilities for every held-out digit (float and int8), hence the same accuracy; the errors a
# caller can provoke; streaming state carried and reset.
#   MOTE_BIN=build/bin/mote PYTHONPATH=build/python /usr/bin/python3 tests/python/test_mote.py SOURCE_DIR WORK_DIR
import os
import subprocess
import sys

import numpy as np

import mote

src, work = sys.argv[1], sys.argv[2]
cli = os.environ["MOTE_BIN"]
os.makedirs(work, exist_ok=True)
failures = []


def check(name, ok, detail=""):
    print(("  PASS  " if ok else "  FAIL  ") + name + (f": {detail}" if detail else ""))
    if not ok:
        failures.append(name)


model_path = os.path.join(src, "models/digits.onnx")
x = np.load(os.path.join(src, "models/digits_heldout.npy"))
labels = np.load(os.path.join(src, "models/digits_heldout_labels.npy"))
calib = np.load(os.path.join(src, "models/digits_calib.npy"))
np.save(os.path.join(work, "heldout.npy"), x)

for variant, kwargs, cli_args in [("float", {}, []),
                                  ("int8", {"quantize": "int8", "calib": calib},
                                   ["--quantize", "int8", "--calib", os.path.join(src, "models/digits_calib.npy")]),
                                  ("int8-weights", {"quantize": "int8-weights"}, ["--quantize", "int8-weights"])]:
    blob = mote.convert(model_path, **kwargs)
    blob_path = os.path.join(work, f"digits_{variant}.mote")
    subprocess.run([cli, "convert", model_path, "-o", blob_path] + cli_args, check=True, capture_output=True)
    check(f"{variant}: mote.convert gives the CLI's blob byte for byte", blob == open(blob_path, "rb").read(),
          f"{len(blob)} bytes")
    out_dir = os.path.join(work, f"cli_{variant}")
    subprocess.run([cli, "run", blob_path, "--input", "input=" + os.path.join(work, "heldout.npy"), "--chunk", "0",
                    "--output-dir", out_dir, "--quiet"], check=True, capture_output=True)
    cli_probs = np.load(os.path.join(out_dir, "probabilities.runs.npy")).reshape(len(x), -1)
    m = mote.Model(blob)
    probs = np.concatenate([m.run({"input": x[i:i + 1]})["probabilities"] for i in range(len(x))])
    check(f"{variant}: every held-out digit's probabilities equal the CLI's", np.array_equal(probs, cli_probs),
          f"max |diff| {np.abs(probs - cli_probs).max():.3g}")
    acc, cli_acc = float(np.mean(probs.argmax(1) == labels)), float(np.mean(cli_probs.argmax(1) == labels))
    check(f"{variant}: held-out accuracy {acc:.4f} (CLI {cli_acc:.4f}) on {len(x)} digits", acc == cli_acc and acc > 0.9)
    check(f"{variant}: metadata", m.inputs == [{"name": "input", "dtype": "float32", "shape": [1, 1, 8, 8]}]
          and m.outputs[0]["shape"] == [1, 10] and m.arena_bytes > 0 and m.kernel_set == mote.kernel_set, str(m.inputs))


def raises(name, exc, fn, text):
    try:
        fn()
    except exc as e:
        check(name, text in str(e), str(e))
        return
    check(name, False, "no error")


m = mote.Model(mote.convert(model_path))
raises("a float64 input is refused", TypeError, lambda: m.run({"input": x[:1].astype(np.float64)}), "float32, not float64")
raises("a wrong size is refused", ValueError, lambda: m.run({"input": x[:2]}), "takes shape [1,1,8,8]")
raises("an unknown input is refused", KeyError, lambda: m.run({"pixels": x[:1]}), "no input 'pixels'")
raises("a missing input is refused", KeyError, lambda: m.run({}), "missing input 'input'")
raises("a corrupt blob is refused", ValueError, lambda: mote.Model(b"not a blob at all, longer than a header....."), "cannot load")
raises("a bad model is refused", ValueError, lambda: mote.convert(b"\x08\x07garbage"), "mote.convert")
raises("quantize without samples", ValueError, lambda: mote.convert(model_path, quantize="int8"), "needs calib")
raises("an unknown quantize value", ValueError, lambda: mote.convert(model_path, quantize="int4"), "'int8' or 'int8-weights'")
raises("an unknown calibration method", ValueError,
       lambda: mote.convert(model_path, quantize="int8", calib=calib, calib_method="median"), "not 'median'")
raises("a calibration method without int8", ValueError, lambda: mote.convert(model_path, calib_method="mse"),
       "go with int8 quantisation")
raises("a percentile out of range", ValueError,
       lambda: mote.convert(model_path, quantize="int8", calib=calib, calib_method="percentile", percentile=20),
       "from 50 to 100")
raises("an unknown io_layout", ValueError, lambda: mote.convert(model_path, io_layout="nwhc"), "not 'nwhc'")
raises("a keep-float entry matching no op", ValueError,
       lambda: mote.convert(model_path, quantize="int8", calib=calib, keep_float=["NoSuchOp"]), "NoSuchOp")

# The calibration options give the blob the CLI's flags of the same names give, byte for byte.
calib_path = os.path.join(src, "models/digits_calib.npy")
default_int8 = mote.convert(model_path, quantize="int8", calib=calib)
for kwargs, flags in [({"calib_method": "mse"}, ["--calib-method", "mse"]),
                      ({"calib_method": "entropy"}, ["--calib-method", "entropy"]),
                      ({"calib_method": "percentile", "percentile": 99.9}, ["--calib-method", "percentile", "--percentile", "99.9"]),
                      ({"bias_correction": True}, ["--bias-correction"]),
                      ({"min_sqnr": 50.0}, ["--min-sqnr", "50"]),
                      ({"max_sqnr_drop": 3.0, "keep_float": ["Gemm"]}, ["--max-sqnr-drop", "3", "--keep-float", "Gemm"]),
                      ({"int8_io": True}, ["--int8-io"]),
                      ({"sets": "cortex-m4", "int8_io": True, "io_layout": "nhwc"},
                       ["--target", "cortex-m4", "--int8-io", "--io-layout", "nhwc"])]:
    blob = mote.convert(model_path, quantize="int8", calib=calib, **kwargs)
    cli_path = os.path.join(work, "digits_options.mote")
    subprocess.run([cli, "convert", model_path, "-o", cli_path, "--quantize", "int8", "--calib", calib_path] + flags,
                   check=True, capture_output=True)
    check(f"convert(quantize='int8', {kwargs}) gives the CLI's blob, not the default one",
          blob == open(cli_path, "rb").read() and blob != default_int8, f"{len(blob)} bytes")

# Streaming state: state_out = state + x carried into `state`.
import onnx
from onnx import TensorProto, helper
vi = lambda name: helper.make_tensor_value_info(name, TensorProto.FLOAT, [1, 4])
g = helper.make_graph([helper.make_node("Add", ["state", "x"], ["state_out"])], "acc", [vi("x"), vi("state")], [vi("state_out")])
acc_model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 14)])
s = mote.Model(mote.convert(acc_model.SerializeToString(), carry=[("state_out", "state")]))
one = np.ones((1, 4), np.float32)
runs = [s.run({"x": one})["state_out"][0, 0] for _ in range(3)]
s.reset_state()
after = s.run({"x": one})["state_out"][0, 0]
check("state carried from run to run and reset", runs == [1, 2, 3] and after == 1, f"{runs}, then {after}")

# Text: a vocabulary built here, from a blob and from a .motevocab, tokenized as the CLI does.
vocab_txt = os.path.join(work, "vocab.txt")
with open(vocab_txt, "w", encoding="utf-8") as f:
    f.write("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nturn\non\nthe\nlight\n##s\n,\ncafe\n")
table = mote.build_vocab(open(vocab_txt, encoding="utf-8").read(), max_length=8)
subprocess.run([cli, "vocab", vocab_txt, "-o", os.path.join(work, "v.motevocab"), "--max-len", "8"], check=True, capture_output=True)
check("build_vocab gives the CLI's table byte for byte", table == open(os.path.join(work, "v.motevocab"), "rb").read())
vocab = mote.Vocab(table)
t = vocab.tokenize("Turn ON the Lights")
check("Vocab.tokenize", t["ids"].tolist() == [2, 5, 6, 7, 8, 9, 3, 0] and t["attention_mask"].tolist() == [1] * 7 + [0]
      and t["token_type_ids"].tolist() == [0] * 8 and t["count"] == 7 and t["needed"] == 7, str(t))
cli_json = subprocess.run([cli, "tokenize", os.path.join(work, "v.motevocab"), "Café, the light!", "--json"],
                          check=True, capture_output=True, text=True).stdout
import json
check("Vocab.tokenize equals mote tokenize", vocab.tokenize("Café, the light!")["ids"].tolist() == json.loads(cli_json)["ids"])
check("Vocab.tokenize takes bytes (invalid UTF-8 dropped)",
      vocab.tokenize(b"tu\xffrn", padding=False)["ids"].tolist() == [2, 5, 3])
check("Vocab token and find", vocab.token(9) == "##s" and vocab.find("light") == 8 and vocab.token(99) is None)
text_blob = mote.convert(model_path, vocab=vocab_txt)
text_model = mote.Model(text_blob)
check("Model.tokenize with the blob's vocabulary", text_model.has_vocab and
      text_model.tokenize("turn on", max_length=8)["ids"].tolist() == [2, 5, 6, 3, 0, 0, 0, 0])
try:
    mote.Model(mote.convert(model_path)).tokenize("turn on")
    check("Model.tokenize without a vocabulary raises", False)
except ValueError as e:
    check("Model.tokenize without a vocabulary raises", "no vocabulary" in str(e), str(e))
try:
    mote.Vocab(table[:100])
    check("a truncated vocabulary raises", False)
except ValueError as e:
    check("a truncated vocabulary raises", "only 100 were given" in str(e), str(e))

print(f"python: {len(failures)} failed")
sys.exit(1 if failures else 0)
