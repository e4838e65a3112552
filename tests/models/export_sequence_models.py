#!/usr/bin/python3
"""Exports the sequence models the `sequence_models` test runs through Mote and onnxruntime-node.

    /usr/bin/python3 export_sequence_models.py OUT_DIR
    /usr/bin/python3 export_sequence_models.py --list

Small keyword-spotting style classifiers over 49 frames of 40 features (input "input",
[1, 49, 40], batch first as PyTorch writes them; output "output", [1, 12]): two-layer LSTM and
GRU, each one-way and bidirectional, a one-layer tanh RNN, and an LSTM whose states are inputs
and outputs (a streaming model); and single RNN/GRU/LSTM nodes built with onnx.helper for the
attributes PyTorch never writes (reverse, clip, peepholes, sequence_lens, input_forget, layout 1,
linear_before_reset, activation lists with alpha/beta; their input is "x", [49, 1, 40] or with
layout 1 [1, 49, 40], written as input_seq_first.npy / input.npy). Weights are seeded random initialisations scaled so the gates
leave their linear region; opset 14. Writes OUT_DIR/<model>.onnx and OUT_DIR/input.npy (numpy
RandomState(0) standard normal); files already present are kept.
"""

import os
import sys

import numpy as np
import torch

FRAMES, FEATURES, CLASSES, HIDDEN = 49, 40, 12, 32


class Classifier(torch.nn.Module):
    def __init__(self, cell, layers, bidirectional):
        super().__init__()
        kind = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[cell]
        self.rnn = kind(FEATURES, HIDDEN, num_layers=layers, batch_first=True, bidirectional=bidirectional)
        self.head = torch.nn.Linear(HIDDEN * (2 if bidirectional else 1), CLASSES)

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.head(y[:, -1, :])


class Streaming(torch.nn.Module):
    """One LSTM layer whose state comes in and goes out: a chunk of frames per call."""

    def __init__(self):
        super().__init__()
        self.rnn = torch.nn.LSTM(FEATURES, HIDDEN, batch_first=True)
        self.head = torch.nn.Linear(HIDDEN, CLASSES)

    def forward(self, x, h, c):
        y, (h2, c2) = self.rnn(x, (h, c))
        return self.head(y[:, -1, :]), h2, c2


def single_node(op, direction, attrs, seq_lens=False, initial=False, peepholes=False, layout=0, twin=False):
    """One RNN/GRU/LSTM node with every input the attributes need, weights as initialisers.

    With layout 1 and `twin`, the same computation for runtimes without layout 1: the node in
    layout 0 between Transposes (its initial states transposed too), for the reference outputs."""
    from onnx import TensorProto, helper, numpy_helper

    gates = {"RNN": 1, "GRU": 3, "LSTM": 4}[op]
    dirs = 2 if direction == "bidirectional" else 1
    batch = 1
    rng = np.random.RandomState(len(op) + len(attrs) + dirs)
    init = [
        numpy_helper.from_array(rng.uniform(-0.6, 0.6, (dirs, gates * HIDDEN, FEATURES)).astype(np.float32), "W"),
        numpy_helper.from_array(rng.uniform(-0.6, 0.6, (dirs, gates * HIDDEN, HIDDEN)).astype(np.float32), "R"),
        numpy_helper.from_array(rng.uniform(-0.5, 0.5, (dirs, 2 * gates * HIDDEN)).astype(np.float32), "B"),
    ]
    inputs = ["x", "W", "R", "B", "", ""]
    if seq_lens:
        init.append(numpy_helper.from_array(np.array([FRAMES - 9] * batch, np.int32), "lens"))
        inputs[4] = "lens"
    state = (batch, dirs, HIDDEN) if layout else (dirs, batch, HIDDEN)
    if initial:
        swap = (lambda a: a.transpose(1, 0, 2).copy()) if twin else (lambda a: a)
        init.append(numpy_helper.from_array(swap(rng.uniform(-1, 1, state).astype(np.float32)), "h0"))
        inputs[5] = "h0"
        if op == "LSTM":
            init.append(numpy_helper.from_array(swap(rng.uniform(-1, 1, state).astype(np.float32)), "c0"))
            inputs.append("c0")
    if peepholes:
        while len(inputs) < 7:
            inputs.append("")
        init.append(numpy_helper.from_array(rng.uniform(-0.5, 0.5, (dirs, 3 * HIDDEN)).astype(np.float32), "P"))
        inputs.append("P")
    while inputs and not inputs[-1]:
        inputs.pop()
    x_shape = (batch, FRAMES, FEATURES) if layout else (FRAMES, batch, FEATURES)
    node = helper.make_node(op, inputs, ["y", "y_h"], direction=direction, hidden_size=HIDDEN, layout=layout, **attrs)
    edges = []
    if twin:
        node = helper.make_node(op, ["x_t"] + inputs[1:], ["y_t", "y_h_t"], direction=direction, hidden_size=HIDDEN,
                                **attrs)
        edges = [helper.make_node("Transpose", ["x"], ["x_t"], perm=[1, 0, 2]),
                 helper.make_node("Transpose", ["y_t"], ["y"], perm=[2, 0, 1, 3]),
                 helper.make_node("Transpose", ["y_h_t"], ["y_h"], perm=[1, 0, 2])]
    # The graph's first output is a plain sum over the whole sequence output and the final state
    # (one "output" tensor for the test to compare), both of which every attribute touches.
    y_shape = (batch, FRAMES, dirs, HIDDEN) if layout else (FRAMES, dirs, batch, HIDDEN)
    nodes = edges[:1] + [node] + edges[1:] + [
             helper.make_node("Flatten", ["y"], ["y_flat"], axis=0),
             helper.make_node("Flatten", ["y_h"], ["h_flat"], axis=0),
             helper.make_node("Concat", ["y_flat", "h_flat"], ["output"], axis=1)]
    size = int(np.prod(y_shape)) + int(np.prod(state))
    graph = helper.make_graph(nodes, op.lower(), [helper.make_tensor_value_info("x", TensorProto.FLOAT, x_shape)],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, (1, size))], init)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])


def clip_runtime_bounds():
    """Clip whose bounds the graph computes from a second input at run time (bounds.npy):
    min = 0.5 * ReduceMin(bounds), max = ReduceMax(bounds)."""
    from onnx import TensorProto, helper

    x = helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, FRAMES, FEATURES])
    b = helper.make_tensor_value_info("bounds", TensorProto.FLOAT, [3])
    y = helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, FRAMES, FEATURES])
    nodes = [helper.make_node("ReduceMin", ["bounds"], ["bmin"], keepdims=0),
             helper.make_node("Mul", ["bmin", "half"], ["lo"]),
             helper.make_node("ReduceMax", ["bounds"], ["hi"], keepdims=0),
             helper.make_node("Clip", ["input", "lo", "hi"], ["output"])]
    half = helper.make_tensor("half", TensorProto.FLOAT, [], [0.5])
    graph = helper.make_graph(nodes, "clip_runtime_bounds", [x, b], [y], [half])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def if_runtime():
    """An If whose condition the input decides at run time (mean(input) > 0): the then branch
    tanh(2 x) @ M, the else branch |x - 1| @ M (M a weight both read from the outer graph). The
    test feeds input.npy and its negation (input_negated.npy), so each branch is taken once."""
    from onnx import TensorProto, helper, numpy_helper

    x = helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, FRAMES, FEATURES])
    y = helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, FRAMES, 16])
    out = lambda name: helper.make_tensor_value_info(name, TensorProto.FLOAT, [1, FRAMES, 16])
    then_g = helper.make_graph([helper.make_node("Mul", ["input", "two"], ["t1"]), helper.make_node("Tanh", ["t1"], ["t2"]),
                                helper.make_node("MatMul", ["t2", "M"], ["then_out"])], "then", [], [out("then_out")])
    else_g = helper.make_graph([helper.make_node("Sub", ["input", "one"], ["e1"]), helper.make_node("Abs", ["e1"], ["e2"]),
                                helper.make_node("MatMul", ["e2", "M"], ["else_out"])], "else", [], [out("else_out")])
    nodes = [helper.make_node("ReduceMean", ["input"], ["mean"], keepdims=0),
             helper.make_node("Greater", ["mean", "zero"], ["cond"]),
             helper.make_node("If", ["cond"], ["output"], then_branch=then_g, else_branch=else_g)]
    rng = np.random.RandomState(7)
    init = [numpy_helper.from_array(rng.uniform(-0.3, 0.3, (FEATURES, 16)).astype(np.float32), "M"),
            numpy_helper.from_array(np.array(2.0, np.float32), "two"), numpy_helper.from_array(np.array(1.0, np.float32), "one"),
            numpy_helper.from_array(np.array(0.0, np.float32), "zero")]
    graph = helper.make_graph(nodes, "if_runtime", [x], [y], init)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def loop_runtime_condition():
    """A Loop of at most 12 iterations whose body decides at run time when to stop:
    y <- 0.8 y + x, continuing while max|y| < 11 (about four iterations on the test input), starting from y = x."""
    from onnx import TensorProto, helper, numpy_helper

    shape = [1, FRAMES, FEATURES]
    x = helper.make_tensor_value_info("input", TensorProto.FLOAT, shape)
    y = helper.make_tensor_value_info("output", TensorProto.FLOAT, shape)
    body = helper.make_graph(
        [helper.make_node("Mul", ["y_in", "decay"], ["scaled"]), helper.make_node("Add", ["scaled", "input"], ["y_out"]),
         helper.make_node("Abs", ["y_out"], ["magnitude"]), helper.make_node("ReduceMax", ["magnitude"], ["peak"], keepdims=0),
         helper.make_node("Less", ["peak", "limit"], ["cond_out"])],
        "body",
        [helper.make_tensor_value_info("i", TensorProto.INT64, []), helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
         helper.make_tensor_value_info("y_in", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []), helper.make_tensor_value_info("y_out", TensorProto.FLOAT, shape)])
    init = [numpy_helper.from_array(np.array(12, np.int64), "trips"), numpy_helper.from_array(np.array(True), "go"),
            numpy_helper.from_array(np.array(0.8, np.float32), "decay"), numpy_helper.from_array(np.array(11.0, np.float32), "limit")]
    graph = helper.make_graph([helper.make_node("Loop", ["trips", "go", "input"], ["output"], body=body)], "loop_runtime_condition",
                              [x], [y], init)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


# Single nodes that reach the attributes PyTorch never writes; input "x" of the node's own shape.
NODES = {
    "lstm_reverse_clip_peepholes": lambda: single_node(
        "LSTM", "reverse", {"clip": 0.8}, initial=True, peepholes=True),
    "lstm_bidirectional_lens_input_forget": lambda: single_node(
        "LSTM", "bidirectional", {"input_forget": 1, "activations": ["HardSigmoid", "Softsign", "ScaledTanh"] * 2,
                                  "activation_alpha": [0.3, 0.9, 0.25, 1.1], "activation_beta": [0.45, 1.2, 0.5, 0.8]},
        seq_lens=True),
    "lstm_layout1_initial": lambda twin=False: single_node("LSTM", "forward", {}, initial=True, layout=1, twin=twin),
    "gru_linear_before_reset_bidirectional": lambda: single_node(
        "GRU", "bidirectional", {"linear_before_reset": 1}, seq_lens=True, initial=True),
    "gru_reverse_activations": lambda: single_node(
        "GRU", "reverse", {"activations": ["Sigmoid", "LeakyRelu"], "activation_alpha": [0.2]}, initial=True),
    "rnn_bidirectional_affine_layout1": lambda twin=False: single_node(
        "RNN", "bidirectional", {"activations": ["Affine", "Elu"], "activation_alpha": [0.5, 0.7],
                                 "activation_beta": [0.1]}, initial=True, layout=1, twin=twin),
    "clip_runtime_bounds": clip_runtime_bounds,
    "if_runtime": if_runtime,
    "loop_runtime_condition": loop_runtime_condition,
    "if_runtime_negated": if_runtime,
    "rnn_relu_clip_lens": lambda: single_node("RNN", "forward", {"activations": ["Relu"], "clip": 2.5}, seq_lens=True),
}

class Patterns(torch.nn.Module):
    """The decomposed forms exporters write at opset 13 for LayerNorm, GELU (Erf and Tanh), SiLU,
    HardSwish and division by a constant, which the converter fuses back."""

    def __init__(self):
        super().__init__()
        self.a = torch.nn.Linear(FEATURES, 64)
        self.norm = torch.nn.LayerNorm(64)
        self.b = torch.nn.Linear(64, 64)
        self.c = torch.nn.Linear(64, CLASSES)

    def forward(self, x):
        y = torch.nn.functional.gelu(self.norm(self.a(x)))
        y = torch.nn.functional.silu(self.b(y)) + torch.nn.functional.gelu(y, approximate="tanh")
        return torch.nn.functional.hardswish(self.c(y)) / 3.0


MODELS = {
    "lstm2": lambda: Classifier("lstm", 2, False),
    "lstm2_bidirectional": lambda: Classifier("lstm", 2, True),
    "gru2": lambda: Classifier("gru", 2, False),
    "gru2_bidirectional": lambda: Classifier("gru", 2, True),
    "rnn1": lambda: Classifier("rnn", 1, False),
    "lstm_streaming": Streaming,
    "patterns": Patterns,
    # The same weights over 50 chunks at once, for the streaming run to equal (input_long.npy).
    "lstm_streaming_whole": Streaming,
}
CHUNKS = 50


def export(name, path):
    if name in NODES:
        import onnx

        onnx.save(NODES[name](), path)
        if "layout1" in name:  # onnxruntime has no layout 1: its twin gives the reference
            onnx.save(NODES[name](twin=True), path[:-len(".onnx")] + ".ref.onnx")
        return
    torch.manual_seed(sum(map(ord, name.replace("_whole", ""))))
    model = MODELS[name]().eval()
    with torch.no_grad():
        for p in model.parameters():
            p.mul_(2.0)
    x = torch.zeros(1, FRAMES * (CHUNKS if name.endswith("_whole") else 1), FEATURES)
    if name.startswith("lstm_streaming"):
        state = torch.zeros(1, 1, HIDDEN)
        torch.onnx.export(model, (x, state, state), path, input_names=["input", "h", "c"],
                          output_names=["output", "h_out", "c_out"], opset_version=14)
    else:
        torch.onnx.export(model, (x,), path, input_names=["input"], output_names=["output"],
                          opset_version=13 if name == "patterns" else 14)


def main():
    if sys.argv[1:] == ["--list"]:
        print("\n".join(list(MODELS) + list(NODES)))
        return
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name in list(MODELS) + list(NODES):
        path = os.path.join(out, name + ".onnx")
        if not os.path.exists(path):
            export(name, path)
    inp = os.path.join(out, "input.npy")
    if not os.path.exists(inp):
        np.save(inp, np.random.RandomState(0).standard_normal((1, FRAMES, FEATURES)).astype(np.float32))
    negated = os.path.join(out, "input_negated.npy")
    if not os.path.exists(negated):
        np.save(negated, -np.load(inp))
    bounds = os.path.join(out, "bounds.npy")
    if not os.path.exists(bounds):
        np.save(bounds, np.array([-1.5, 0.3, 0.9], np.float32))
    long = os.path.join(out, "input_long.npy")
    if not os.path.exists(long):
        np.save(long, np.random.RandomState(3).standard_normal((1, FRAMES * CHUNKS, FEATURES)).astype(np.float32))
    seq_first = os.path.join(out, "input_seq_first.npy")
    if not os.path.exists(seq_first):
        np.save(seq_first, np.load(inp).transpose(1, 0, 2).copy())


if __name__ == "__main__":
    main()
