#!/usr/bin/python3
"""Exports the torchvision models that Mote's model tests and benchmarks run, plus their input.

    /usr/bin/python3 export_models.py OUT_DIR [MODEL ...]
    /usr/bin/python3 export_models.py --list

Writes OUT_DIR/<model>.onnx (opset 13, input "input" 1x3x224x224 static, output "output") and
OUT_DIR/input.npy (float32 1x3x224x224, numpy RandomState(0) standard normal). Weights are seeded
random initialisations, never downloaded: the test machines have no internet, and the comparison
against the reference runtime does not need trained weights. Files already present are kept, so
a work directory doubles as a cache.

Freshly initialised BatchNorm layers (mean 0, variance 1, scale 1, shift 0) are close to the
identity, and with them the activations of the deeper models shrink towards 1e-14 by the output:
every Relu6/Hardswish/Hardsigmoid then works only in its linear part and BatchNorm folding is
barely exercised. So each model's BatchNorm statistics are calibrated on a seeded random batch
and their scales and shifts randomised, which keeps activations near unit size throughout.

OUT_DIR/export.stamp records EXPORT_VERSION and the torch and torchvision versions; when it does
not match, the cached files are exported again.

--list prints the model names, one a line, so the test and bench scripts share this one list.
"""

import inspect
import os
import sys

import numpy as np
import torch
import torchvision

MODELS = [
    "mobilenet_v2",
    "resnet18",
    "squeezenet1_1",
    "shufflenet_v2_x1_0",
    "mnasnet0_5",
    "efficientnet_b0",
    "mobilenet_v3_small",
]

OPSET = 13
SHAPE = (1, 3, 224, 224)
# Bump whenever a change here alters the exported files, so stale caches are replaced.
EXPORT_VERSION = 1


def build(name):
    factory = getattr(torchvision.models, name)
    # torchvision 0.13 replaced pretrained=False with weights=None; accept either API.
    if "weights" in inspect.signature(factory).parameters:
        return factory(weights=None)
    return factory(pretrained=False)


def calibrate_batchnorm(model):
    model.eval()
    bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    if not bns:
        return
    with torch.no_grad():
        for bn in bns:
            bn.weight.uniform_(0.5, 1.5)
            bn.bias.normal_(0.0, 0.2)
            bn.reset_running_stats()
            # momentum None makes the running statistics the plain average of what was seen.
            bn.momentum = None
            # Only BatchNorm collects statistics; dropout and stochastic depth stay off.
            bn.train()
        model(torch.randn((8,) + SHAPE[1:]))
    model.eval()


def export(name, path):
    # Seed per model so each file is the same whichever subset or order is exported.
    torch.manual_seed(0)
    model = build(name)
    calibrate_batchnorm(model)
    dummy = torch.zeros(SHAPE, dtype=torch.float32)
    tmp = path + ".tmp"
    with torch.no_grad():
        torch.onnx.export(model, dummy, tmp, opset_version=OPSET, input_names=["input"],
                          output_names=["output"], do_constant_folding=True)
    # Rename only once complete so an interrupted export is not mistaken for a cached one.
    os.replace(tmp, path)


def write_input(path):
    data = np.random.RandomState(0).standard_normal(SHAPE).astype(np.float32)
    tmp = path + ".tmp.npy"
    np.save(tmp, data)
    os.replace(tmp, path)


def main(argv):
    if argv[1:] == ["--list"]:
        print("\n".join(MODELS))
        return 0
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    out = argv[1]
    names = argv[2:] or MODELS
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        sys.stderr.write("export_models: unknown model(s): %s\n" % " ".join(unknown))
        return 2
    os.makedirs(out, exist_ok=True)
    stamp_path = os.path.join(out, "export.stamp")
    stamp = "%d torch %s torchvision %s\n" % (EXPORT_VERSION, torch.__version__,
                                               torchvision.__version__)
    fresh = os.path.exists(stamp_path) and open(stamp_path).read() == stamp
    if not fresh:
        for name in ["input.npy"] + [m + ".onnx" for m in MODELS]:
            if os.path.exists(os.path.join(out, name)):
                os.remove(os.path.join(out, name))
        with open(stamp_path, "w") as f:
            f.write(stamp)
    input_path = os.path.join(out, "input.npy")
    if not os.path.exists(input_path):
        write_input(input_path)
    for name in names:
        path = os.path.join(out, name + ".onnx")
        if os.path.exists(path):
            continue
        print("export_models: exporting %s (torch %s, torchvision %s)"
              % (name, torch.__version__, torchvision.__version__), flush=True)
        export(name, path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
