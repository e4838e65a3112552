#!/usr/bin/env python3
"""Helpers of run_int8_weights_tests.sh (mote convert --quantize int8-weights on the digits model).

  int8_weights_check.py batch MODEL.onnx OUT.onnx N
      OUT.onnx is MODEL.onnx with its first input's (and every output's) batch dimension set to
      N, so onnxruntime runs a whole held-out set at once.
  int8_weights_check.py lstm OUT.onnx INPUT.npy
      A bidirectional LSTM (seeded random weights, 16 inputs, 24 hidden, 20 steps, batch 2, with
      biases) as OUT.onnx, its output Y, and an input for it.
  int8_weights_check.py accuracy PROBS.npy LABELS.npy
      Prints the accuracy of the class scores PROBS ([N, ..., classes]) against LABELS ([N]).
  int8_weights_check.py close GOT.npy WANT.npy MAX [MEAN [AGREE]]
      Prints the largest and the mean |GOT - WANT| (both reshaped to [N, -1]) and how often
      their top classes agree; fails when the largest is above MAX, the mean above MEAN or the
      agreement below AGREE (a fraction).
  int8_weights_check.py within A B PP
      Fails when accuracy A (a fraction) is more than PP percentage points below B.
"""
import sys

import numpy as np


def batch(model, out, n):
    import onnx
    m = onnx.load(model)
    for value in list(m.graph.input[:1]) + list(m.graph.output):
        value.type.tensor_type.shape.dim[0].dim_value = int(n)
    onnx.save(m, out)


def lstm(out, input_path):
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    r = np.random.RandomState(5)
    seq, batch, inputs, hidden = 20, 2, 16, 24
    w = (r.standard_normal((2, 4 * hidden, inputs)) * 0.3).astype(np.float32)
    rr = (r.standard_normal((2, 4 * hidden, hidden)) * 0.3).astype(np.float32)
    b = (r.standard_normal((2, 8 * hidden)) * 0.1).astype(np.float32)
    node = helper.make_node("LSTM", ["x", "w", "r", "b"], ["y"], hidden_size=hidden, direction="bidirectional")
    graph = helper.make_graph([node], "lstm", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [seq, batch, inputs])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [seq, 2, batch, hidden])],
                              [numpy_helper.from_array(w, "w"), numpy_helper.from_array(rr, "r"),
                               numpy_helper.from_array(b, "b")])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)]), out)
    np.save(input_path, r.standard_normal((seq, batch, inputs)).astype(np.float32))


def accuracy(probs, labels):
    p = np.load(probs)
    y = np.load(labels).reshape(-1)
    p = p.reshape(len(y), -1)
    acc = float((p.argmax(axis=1) == y).mean())
    print(f"{acc:.4f}")


def close(got, want, most, mean="inf", agree="0"):
    a = np.load(got)
    b = np.load(want)
    a = a.reshape(b.shape[0], -1)
    b = b.reshape(b.shape[0], -1)
    d = np.abs(a - b)
    same = float((a.argmax(axis=1) == b.argmax(axis=1)).mean())
    print(f"|difference| max {d.max():.3g} (limit {most}), mean {d.mean():.3g} (limit {mean}), "
          f"same top class {same * 100:.1f}% (limit {float(agree) * 100:.0f}%)")
    return 0 if d.max() <= float(most) and d.mean() <= float(mean) and same >= float(agree) else 1


def within(a, b, pp):
    drop = (float(b) - float(a)) * 100.0
    print(f"accuracy {float(a) * 100:.2f}% against float {float(b) * 100:.2f}% ({drop:+.2f} pp below; limit {pp} pp)")
    return 0 if drop <= float(pp) else 1


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, args = argv[1], argv[2:]
    if cmd == "batch":
        batch(*args)
        return 0
    if cmd == "lstm":
        lstm(*args)
        return 0
    if cmd == "accuracy":
        accuracy(*args)
        return 0
    if cmd == "close":
        return close(*args)
    if cmd == "within":
        return within(*args)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
