#!/usr/bin/python3
"""Exports the int8 coverage models: small graphs built of the op patterns real models quantise
badly, with seeded random weights, and calibration/test inputs.

    /usr/bin/python3 export_int8_models.py OUT_DIR     writes OUT_DIR/<model>.onnx,
                                                       OUT_DIR/<model>_calib.npy (64 samples),
                                                       OUT_DIR/<model>_input.npy (16 samples)
    /usr/bin/python3 export_int8_models.py --list      prints the model names

  leaky_max      Conv + LeakyRelu blocks joined by element-wise Max (as in TensorFlow-exported
                 speech embedding models), PRelu after a Conv and after a Max, Min, Sub, a Gemm +
                 LeakyRelu head
  layernorm_head Gemm, Div by a constant and by a gate (Sigmoid + 0.5), the decomposed
                 LayerNormalization of an opset 13 export, an RMS normalisation (Pow, Sqrt, Div)
                 (ReduceMean, Sub, Pow, Sqrt, Div, Mul, Add), Gemm
  attention      Q, K, V projections, two heads (Reshape, Transpose), Q K^T scaled by a Div,
                 Softmax, attention times V, output projection, residual Add, LayerNormalization
"""

import os
import sys

import numpy as np
import torch
from torch import nn

MODELS = ["leaky_max", "layernorm_head", "attention"]


class LeakyMax(nn.Module):
    def __init__(self):
        super().__init__()
        self.a1 = nn.Conv2d(1, 8, 3, padding=1)
        self.b1 = nn.Conv2d(1, 8, 3, padding=1)
        self.a2 = nn.Conv2d(8, 12, 3, stride=2, padding=1)
        self.b2 = nn.Conv2d(8, 12, 3, stride=2, padding=1)
        self.c3 = nn.Conv2d(12, 12, 1)
        self.prelu = nn.PReLU(12, init=0.2)
        self.prelu2 = nn.PReLU(12, init=0.3)
        self.fc = nn.Linear(12, 10)

    def forward(self, x):
        y = torch.maximum(nn.functional.leaky_relu(self.a1(x), 0.2), nn.functional.leaky_relu(self.b1(x), 0.3))
        z = torch.maximum(nn.functional.leaky_relu(self.a2(y), 0.2), self.b2(y))
        w = self.prelu(self.c3(z))
        w = torch.minimum(w, self.prelu2(z)) - 0.5 * z
        v = w.mean(dim=(2, 3))
        return nn.functional.leaky_relu(self.fc(v), 0.1)


class LayerNormHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 48)
        self.gate = nn.Linear(64, 48)
        self.norm = nn.LayerNorm(48)
        self.fc2 = nn.Linear(48, 12)
        self.rms_gain = nn.Parameter(torch.linspace(0.5, 1.5, 48))
        with torch.no_grad():
            self.norm.weight.uniform_(0.5, 1.5)
            self.norm.bias.uniform_(-0.3, 0.3)

    def forward(self, x):
        h = self.fc1(x) / 3.0 / (torch.sigmoid(self.gate(x)) + 0.5)
        h = torch.relu(self.norm(h))
        # RMS normalisation, which no pattern fuses: Pow, ReduceMean, Add, Sqrt, Div, Mul.
        h = h / torch.sqrt(h.pow(2).mean(dim=-1, keepdim=True) + 1e-5) * self.rms_gain
        return self.fc2(h)


class Attention(nn.Module):
    def __init__(self, dim=32, heads=2):
        super().__init__()
        self.heads, self.head_dim = heads, dim // heads
        self.q = nn.Linear(dim, dim)
        self.k = nn.Linear(dim, dim)
        self.v = nn.Linear(dim, dim)
        self.o = nn.Linear(dim, dim)
        self.norm = nn.LayerNorm(dim)
        with torch.no_grad():
            self.norm.weight.uniform_(0.5, 1.5)
            self.norm.bias.uniform_(-0.3, 0.3)

    def split(self, t):
        return t.reshape(1, t.shape[1], self.heads, self.head_dim).transpose(1, 2)

    def forward(self, x):
        q, k, v = self.split(self.q(x)), self.split(self.k(x)), self.split(self.v(x))
        att = torch.softmax(torch.matmul(q, k.transpose(2, 3)) / float(np.sqrt(self.head_dim)), dim=-1)
        y = torch.matmul(att, v).transpose(1, 2).reshape(1, x.shape[1], self.heads * self.head_dim)
        return self.norm(x + self.o(y))


def build(name):
    torch.manual_seed(3)
    if name == "leaky_max":
        return LeakyMax(), (1, 1, 20, 16)
    if name == "layernorm_head":
        return LayerNormHead(), (1, 64)
    return Attention(), (1, 16, 32)


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "--list":
        print("\n".join(MODELS))
        return 0
    if len(sys.argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name in MODELS:
        model, shape = build(name)
        model.eval()
        rng = np.random.RandomState(5)
        samples = rng.standard_normal((80,) + shape[1:]).astype(np.float32)
        with torch.no_grad():
            torch.onnx.export(model, (torch.from_numpy(samples[:1]),), os.path.join(out, name + ".onnx"),
                              input_names=["input"], output_names=["output"], opset_version=13)
        np.save(os.path.join(out, name + "_calib.npy"), samples[:64])
        np.save(os.path.join(out, name + "_input.npy"), samples[64:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
