#!/usr/bin/env python3
"""Writes the kernel-shape models the Arm benches count instructions on (float32, seeded random
weights), the shapes of the Cortex-M table in ANCHORS.md in ONNX's NCHW layout:

    conv3x3.onnx    Conv 3x3, stride 1, pad 1: 1x16x16x16 -> 16 channels   589,824 MACs
    conv1x1.onnx    Conv 1x1: 1x32x16x16 -> 32 channels                     262,144 MACs
    dwconv3x3.onnx  depthwise Conv 3x3, pad 1 (group 32): 1x32x16x16          73,728 MACs
    fc.onnx         Gemm (fully connected): 256 -> 64                          16,384 MACs

    arm_models.py OUT_DIR"""
import os
import sys

import numpy as np
from onnx import TensorProto, checker, helper, numpy_helper, save


def conv_model(name, cin, cout, k, group, hw):
    rng = np.random.default_rng(len(name))
    w = (rng.standard_normal((cout, cin // group, k, k)) * 0.1).astype(np.float32)
    b = (rng.standard_normal(cout) * 0.1).astype(np.float32)
    node = helper.make_node("Conv", ["x", "w", "b"], ["y"], kernel_shape=[k, k], pads=[k // 2] * 4,
                            strides=[1, 1], group=group)
    graph = helper.make_graph(
        [node], name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, cin, hw, hw])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, cout, hw, hw])],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    return graph


def fc_model(name, n_in, n_out):
    rng = np.random.default_rng(7)
    w = (rng.standard_normal((n_in, n_out)) * 0.1).astype(np.float32)
    b = (rng.standard_normal(n_out) * 0.1).astype(np.float32)
    node = helper.make_node("Gemm", ["x", "w", "b"], ["y"])
    return helper.make_graph(
        [node], name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, n_in])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, n_out])],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])


def main(argv):
    if len(argv) != 2:
        raise SystemExit(__doc__)
    out = argv[1]
    os.makedirs(out, exist_ok=True)
    graphs = {
        "conv3x3": conv_model("conv3x3", 16, 16, 3, 1, 16),
        "conv1x1": conv_model("conv1x1", 32, 32, 1, 1, 16),
        "dwconv3x3": conv_model("dwconv3x3", 32, 32, 3, 32, 16),
        "fc": fc_model("fc", 256, 64),
    }
    for name, graph in graphs.items():
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="mote-bench")
        model.ir_version = 7
        checker.check_model(model)
        save(model, os.path.join(out, name + ".onnx"))


if __name__ == "__main__":
    main(sys.argv)
