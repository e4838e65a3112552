#!/usr/bin/env python3
"""Train the small digit classifier used as Mote's reference model.

Trains a tiny CNN on the 8x8 handwritten digits bundled with scikit-learn
(no download needed), exports it to ONNX and writes held-out test vectors:

  <out>                            the ONNX model (input "input" [1,1,8,8],
                                   output "probabilities" [1,10])
  digits_sample.npy                first held-out image, float32 (1,1,8,8)
  digits_sample_label.txt          its true label
  digits_heldout.npy               all held-out images, float32 (N,1,8,8)
  digits_heldout_labels.npy        their labels, int64 (N,)
  digits_calib.npy                 128 training images for int8 calibration, float32 (128,1,8,8)

The test vectors are written next to the model. The same seed always yields
the same model and the same split.
"""

import argparse
import os
import random

import numpy as np
import onnx
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="models/digits.onnx",
                        help="path of the ONNX model to write (default: %(default)s)")
    parser.add_argument("--epochs", type=int, default=40,
                        help="training epochs (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed for weight init and batch order (default: %(default)s)")
    return parser.parse_args()


def load_split():
    digits = load_digits()
    # Pixel values are 0..16; the model (and every test vector) uses [0,1].
    images = (digits.images / 16.0).astype(np.float32).reshape(-1, 1, 8, 8)
    labels = digits.target.astype(np.int64)
    # The split is fixed independently of --seed so the held-out set (and the
    # test vectors derived from it) stay the same across retrainings.
    return train_test_split(images, labels, test_size=0.25,
                            random_state=0, stratify=labels)


def build_model():
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1),
        nn.BatchNorm2d(8),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * 2 * 2, 32),
        nn.ReLU(),
        nn.Linear(32, 10),
    )


def train(model, x_train, y_train, epochs, seed):
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(seed)
    batch_size = 32
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(x_train), generator=generator)
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            optimizer.zero_grad()
            loss = loss_fn(model(x_train[idx]), y_train[idx])
            loss.backward()
            optimizer.step()


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        return (model(x).argmax(dim=1) == y).float().mean().item()


def export(model, path):
    # Softmax is only added for export: training uses CrossEntropyLoss on raw
    # logits, but consumers of the ONNX file expect probabilities.
    exported = nn.Sequential(model, nn.Softmax(dim=1)).eval()
    torch.onnx.export(
        exported,
        torch.zeros(1, 1, 8, 8),
        path,
        opset_version=13,
        input_names=["input"],
        output_names=["probabilities"],
        do_constant_folding=True,
    )
    onnx.checker.check_model(onnx.load(path))


def main():
    args = parse_args()
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)

    x_train, x_test, y_train, y_test = load_split()
    model = build_model()
    train(model, torch.from_numpy(x_train), torch.from_numpy(y_train),
          args.epochs, args.seed)

    acc = accuracy(model, torch.from_numpy(x_test), torch.from_numpy(y_test))
    print(f"held-out accuracy: {acc * 100:.2f}% ({len(y_test)} samples)")

    out_dir = os.path.dirname(args.out) or "."
    os.makedirs(out_dir, exist_ok=True)
    export(model, args.out)
    print(f"wrote {args.out} ({os.path.getsize(args.out)} bytes)")

    np.save(os.path.join(out_dir, "digits_sample.npy"), x_test[:1])
    with open(os.path.join(out_dir, "digits_sample_label.txt"), "w") as f:
        f.write(f"{y_test[0]}\n")
    np.save(os.path.join(out_dir, "digits_heldout.npy"), x_test)
    np.save(os.path.join(out_dir, "digits_heldout_labels.npy"), y_test)
    np.save(os.path.join(out_dir, "digits_calib.npy"), x_train[:128])
    print(f"sample true label: {y_test[0]}")


if __name__ == "__main__":
    main()
