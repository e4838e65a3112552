#!/usr/bin/env python3
"""Writes the kernel-shape models the Arm benches count instructions on (seeded random weights),
the shapes of the Cortex-M table in docs/benchmarks.md in ONNX's NCHW layout, float32:

    conv3x3.onnx    Conv 3x3, stride 1, pad 1: 1x16x16x16 -> 16 channels   589,824 MACs
    conv1x1.onnx    Conv 1x1: 1x32x16x16 -> 32 channels                     262,144 MACs
    dwconv3x3.onnx  depthwise Conv 3x3, pad 1 (group 32): 1x32x16x16          73,728 MACs
    fc.onnx         Gemm (fully connected): 256 -> 64                          16,384 MACs

and int8, as docs/benchmarks.md's CMSIS-NN figures are: the same shapes as one QLinearConv or
QLinearMatMul each (int8 in and out, per-channel weight scales, weight zero points 0, a nonzero
input zero point), so that the model is the one int8 kernel and nothing else:

    qconv3x3.onnx  qconv1x1.onnx  qdwconv3x3.onnx  qfc.onnx

and a whole keyword-spotting model of the MLPerf Tiny DS-CNN's shape, float32 (arm_bench.sh also
quantises it with Mote, calibrated on ds_cnn_calib.npy, eight seeded random inputs):

    ds_cnn.onnx    1x1x49x10 features: Conv 10x4 stride 2 (64 channels) + ReLU, four blocks of
                   depthwise 3x3 + ReLU and pointwise 64 + ReLU, average pool 25x5, Gemm to 12
                   classes                                                  2,656,768 MACs

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


def qlinear_inits(rng, channels):
    return [numpy_helper.from_array(np.array(0.02, np.float32), "xs"),
            numpy_helper.from_array(np.array(-3, np.int8), "xz"),
            numpy_helper.from_array((rng.random(channels) * 0.01 + 0.002).astype(np.float32), "ws"),
            numpy_helper.from_array(np.zeros(channels, np.int8), "wz"),
            numpy_helper.from_array(np.array(0.05, np.float32), "ys"),
            numpy_helper.from_array(np.array(5, np.int8), "yz")]


def qconv_model(name, cin, cout, k, group, hw):
    rng = np.random.default_rng(len(name))
    w = rng.integers(-127, 128, (cout, cin // group, k, k), dtype=np.int8)
    b = rng.integers(-2000, 2000, cout).astype(np.int32)
    node = helper.make_node("QLinearConv", ["x", "xs", "xz", "w", "ws", "wz", "ys", "yz", "b"], ["y"],
                            kernel_shape=[k, k], pads=[k // 2] * 4, strides=[1, 1], group=group)
    return helper.make_graph(
        [node], name, [helper.make_tensor_value_info("x", TensorProto.INT8, [1, cin, hw, hw])],
        [helper.make_tensor_value_info("y", TensorProto.INT8, [1, cout, hw, hw])],
        qlinear_inits(rng, cout) + [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])


def qfc_model(name, n_in, n_out):
    rng = np.random.default_rng(7)
    w = rng.integers(-127, 128, (n_in, n_out), dtype=np.int8)
    node = helper.make_node("QLinearMatMul", ["x", "xs", "xz", "w", "ws", "wz", "ys", "yz"], ["y"])
    return helper.make_graph(
        [node], name, [helper.make_tensor_value_info("x", TensorProto.INT8, [1, n_in])],
        [helper.make_tensor_value_info("y", TensorProto.INT8, [1, n_out])],
        qlinear_inits(rng, n_out) + [numpy_helper.from_array(w, "w")])


def ds_cnn_model(name):
    rng = np.random.default_rng(12)
    inits, nodes = [], []

    def const(arr, label):
        inits.append(numpy_helper.from_array(arr.astype(np.float32), label))
        return label

    def conv(x, cin, cout, kh, kw, stride, pads, group, label):
        fan_in = cin // group * kh * kw
        w = const(rng.standard_normal((cout, cin // group, kh, kw)) * np.sqrt(2.0 / fan_in), label + "_w")
        b = const(rng.standard_normal(cout) * 0.05, label + "_b")
        nodes.append(helper.make_node("Conv", [x, w, b], [label], kernel_shape=[kh, kw], strides=[stride, stride],
                                      pads=pads, group=group))
        nodes.append(helper.make_node("Relu", [label], [label + "_relu"]))
        return label + "_relu"

    x = conv("x", 1, 64, 10, 4, 2, [4, 1, 5, 2], 1, "conv0")  # 49x10 -> 25x5
    for k in range(4):
        x = conv(x, 64, 64, 3, 3, 1, [1, 1, 1, 1], 64, f"dw{k}")
        x = conv(x, 64, 64, 1, 1, 1, [0, 0, 0, 0], 1, f"pw{k}")
    nodes.append(helper.make_node("AveragePool", [x], ["pool"], kernel_shape=[25, 5]))
    nodes.append(helper.make_node("Flatten", ["pool"], ["flat"]))
    w = const(rng.standard_normal((64, 12)) * 0.2, "fc_w")
    b = const(rng.standard_normal(12) * 0.05, "fc_b")
    nodes.append(helper.make_node("Gemm", ["flat", w, b], ["y"]))
    return helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 49, 10])],
                             [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 12])], inits)


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
        "qconv3x3": qconv_model("qconv3x3", 16, 16, 3, 1, 16),
        "qconv1x1": qconv_model("qconv1x1", 32, 32, 1, 1, 16),
        "qdwconv3x3": qconv_model("qdwconv3x3", 32, 32, 3, 32, 16),
        "qfc": qfc_model("qfc", 256, 64),
        "ds_cnn": ds_cnn_model("ds_cnn"),
    }
    for name, graph in graphs.items():
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="mote-bench")
        model.ir_version = 7
        checker.check_model(model)
        save(model, os.path.join(out, name + ".onnx"))
    np.save(os.path.join(out, "ds_cnn_calib.npy"), np.random.default_rng(13).standard_normal((8, 1, 49, 10)).astype(np.float32))


if __name__ == "__main__":
    main(sys.argv)
