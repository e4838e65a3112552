#!/usr/bin/python3
"""Generates the fuzzers' seed corpora (nothing binary is committed).

    tests/fuzz/make_corpus.py MOTE_CLI OUT_DIR

OUT_DIR/onnx: the repository's models/*.onnx and the ONNX node tests' model.onnx files
(/usr/share/libonnx-testdata/data/node/*/model.onnx), for fuzz_convert(_structured).
OUT_DIR/blob: the same models converted by `MOTE_CLI convert` (float; int8 too for the repository
models with a NAME_calib.npy and for node tests of the ops the int8 path handles, calibrated on
the test's own inputs), each followed by the test's first input bytes, for fuzz_blob.
Models the converter refuses are kept in the ONNX corpus and skipped for the blob corpus.
"""
import concurrent.futures
import glob
import hashlib
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

NODE_TESTS = "/usr/share/libonnx-testdata/data/node"
# Node tests also converted with --quantize int8 (all their inputs float).
INT8_PATTERN = re.compile(r"conv|gemm|matmul|pool|relu|add|mul|softmax|concat|sigmoid|batchnorm|clip|transpose|reshape")
MAX_ONNX_BYTES = 64 * 1024


def write_unique(directory, stem, data):
    digest = hashlib.sha1(data).hexdigest()[:12]
    path = os.path.join(directory, f"{stem}-{digest}")
    if not any(name.endswith(digest) for name in os.listdir(directory)):
        with open(path, "wb") as f:
            f.write(data)


def convert(mote, model, out, extra=()):
    try:
        r = subprocess.run([mote, "convert", model, "-o", out, *extra], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=60)
    except subprocess.TimeoutExpired:
        return False
    return r.returncode == 0 and os.path.exists(out)


def test_inputs(test_dir, model):
    """The test's input tensors by graph-input name (runtime inputs only)."""
    inits = {t.name for t in model.graph.initializer}
    names = [i.name for i in model.graph.input if i.name not in inits]
    tensors = {}
    for k, name in enumerate(names):
        pb = os.path.join(test_dir, "test_data_set_0", f"input_{k}.pb")
        if not os.path.exists(pb):
            return {}
        t = onnx.TensorProto()
        with open(pb, "rb") as f:
            t.ParseFromString(f.read())
        tensors[name] = numpy_helper.to_array(t)
    return tensors


def one(job):
    mote, out_dir, name, model_path, test_dir = job
    blob_dir = os.path.join(out_dir, "blob")
    with open(model_path, "rb") as f:
        raw = f.read()
    if len(raw) <= MAX_ONNX_BYTES:
        write_unique(os.path.join(out_dir, "onnx"), name, raw)
    try:
        model = onnx.load_from_string(raw)
        inputs = test_inputs(test_dir, model) if test_dir else {}
    except Exception:
        return
    tail = b""
    if inputs:
        tail = np.ascontiguousarray(next(iter(inputs.values()))).tobytes()[:4096]
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "m.mote")
        if convert(mote, model_path, out):
            with open(out, "rb") as f:
                write_unique(blob_dir, name, f.read() + tail)
        calib = None
        if not test_dir:
            candidate = model_path[: -len(".onnx")] + "_calib.npy"
            calib = candidate if os.path.exists(candidate) else None
        elif INT8_PATTERN.search(name) and inputs and all(v.dtype == np.float32 for v in inputs.values()):
            calib = os.path.join(tmp, "calib")
            os.mkdir(calib)
            for k, v in inputs.items():
                np.save(os.path.join(calib, f"{k}.npy"), v)
        if calib:
            out8 = os.path.join(tmp, "m8.mote")
            if convert(mote, model_path, out8, ["--quantize", "int8", "--calib", calib]):
                with open(out8, "rb") as f:
                    write_unique(blob_dir, name + "-int8", f.read() + tail)


def fused_seeds(mote, out_dir):
    """Blobs of the ops only some targets' conversion makes: a 1x1 expand Conv + Clip and a 3x3
    stride-2 depthwise Conv on a 128x128 map (an expanded tensor of 2 MiB, the least the converter
    fuses), converted with --target x86 (ConvExpandDepthwise)."""
    from onnx import TensorProto, helper
    rng = np.random.default_rng(7)
    c, e, side = 2, 32, 128
    inits = [numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32), name)
             for name, shape in (("w1", (e, c, 1, 1)), ("b1", (e,)), ("w2", (e, 1, 3, 3)), ("b2", (e,)))]
    inits += [numpy_helper.from_array(np.array(v, np.float32), n) for n, v in (("lo", 0.0), ("hi", 6.0))]
    nodes = [helper.make_node("Conv", ["x", "w1", "b1"], ["m"]), helper.make_node("Clip", ["m", "lo", "hi"], ["a"]),
             helper.make_node("Conv", ["a", "w2", "b2"], ["y"], group=e, pads=[1, 1, 1, 1], strides=[2, 2])]
    graph = helper.make_graph(nodes, "expand_dw", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, c, side, side])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, e, side // 2, side // 2])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    with tempfile.TemporaryDirectory() as tmp:
        src, out = os.path.join(tmp, "m.onnx"), os.path.join(tmp, "m.mote")
        onnx.save(model, src)
        if convert(mote, src, out, ["--target", "x86"]):
            with open(out, "rb") as f:
                tail = rng.standard_normal(1024).astype(np.float32).tobytes()
                write_unique(os.path.join(out_dir, "blob"), "expand_dw-x86", f.read() + tail)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    mote, out_dir = os.path.abspath(sys.argv[1]), sys.argv[2]
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for sub in ("onnx", "blob"):
        os.makedirs(os.path.join(out_dir, sub), exist_ok=True)
    jobs = [(mote, out_dir, os.path.basename(p)[:-5], p, None) for p in sorted(glob.glob(os.path.join(repo, "models", "*.onnx")))]
    for d in sorted(glob.glob(os.path.join(NODE_TESTS, "*"))):
        if os.path.exists(os.path.join(d, "model.onnx")):
            jobs.append((mote, out_dir, os.path.basename(d)[len("test_"):], os.path.join(d, "model.onnx"), d))
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(one, jobs))
    fused_seeds(mote, out_dir)
    for sub in ("onnx", "blob"):
        print(f"{os.path.join(out_dir, sub)}: {len(os.listdir(os.path.join(out_dir, sub)))} files")


if __name__ == "__main__":
    main()
