#!/usr/bin/python3
"""Output SQNR and accuracy of int8 blobs per calibration method (docs/quantization.md's table).

    /usr/bin/python3 bench/calib_report.py MOTE_BIN WORKDIR [--bias-correction] [MODEL ...]

MODEL is digits, speech or a torchvision model of tests/models/export_models.py (default: all).
For each model and each --calib-method (minmax, percentile, mse, entropy) the int8 blob and the
float blob run the same evaluation inputs with `mote run`; SQNR = 10 log10(sum f^2 / sum (q - f)^2)
over all of them, f the float blob's output and q the int8 blob's.

  digits       calibration models/digits_calib.npy (128), evaluation the 450 held-out digits;
               accuracy against their labels
  speech       the example's conversion (--carry, --keep-float /frontend/* /decision/*),
               calibration models/speech_calib.npy, evaluation the held-out stream of
               tools/make_speech_data.py --heldout-only (made in WORKDIR/speech-data if absent),
               20 ms per run; SQNR of `scores`, clip-level accuracy of `event`
  torchvision  seeded random weights (export_models.py, cached in WORKDIR/onnx), calibration 4
               seeded normal inputs (RandomState(1), as bench/run_model_bench.sh), evaluation 4
               others (RandomState(2))

With --bias-correction every int8 conversion takes it too. Prints a Markdown table.
"""
import os
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "models"))
sys.path.insert(0, os.path.join(ROOT, "tools"))
METHODS = ["minmax", "percentile", "mse", "entropy"]


def sh(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(" ".join(cmd) + ": " + (r.stderr or r.stdout).strip().splitlines()[-1])
    return r.stdout


def run(mote, blob, inputs, out_dir, chunk):
    sh([mote, "run", blob, "--chunk", chunk, "--output-dir", out_dir, "--quiet"] + ["--input=" + i for i in inputs])


def sqnr(q, f):
    q, f = q.astype(np.float64), f.astype(np.float64)
    noise = np.sum((q - f) ** 2)
    return float("inf") if noise == 0 else 10 * np.log10(np.sum(f * f) / noise)


def prepare(mote, work, model):
    """(onnx, convert args, run inputs, chunk axis, output name, accuracy(out_dir) or None)"""
    if model == "digits":
        labels = np.load(os.path.join(ROOT, "models/digits_heldout_labels.npy"))

        def acc(d):
            p = np.load(os.path.join(d, "probabilities.runs.npy")).reshape(len(labels), -1)
            return float(np.mean(p.argmax(1) == labels))
        return (os.path.join(ROOT, "models/digits.onnx"), ["--calib", os.path.join(ROOT, "models/digits_calib.npy")],
                ["input=" + os.path.join(ROOT, "models/digits_heldout.npy")], "0", "probabilities", acc)
    if model == "speech":
        data = os.path.join(work, "speech-data")
        if not os.path.exists(os.path.join(data, "heldout-s1.npy")):
            sh(["/usr/bin/python3", os.path.join(ROOT, "tools/make_speech_data.py"), data, "--heldout-only"])
        import train_speech as ts
        segments = ts.read_segments(os.path.join(data, "heldout-s1.txt"))
        carry = ["--carry=" + line.strip() for line in open(os.path.join(ROOT, "models/speech_carry.txt")) if line.strip()]

        def acc(d):
            events = np.load(os.path.join(d, "event.runs.npy")).reshape(-1).round().astype(np.int64)
            fired = ts.clip_results(events, segments)
            return float(np.mean([ts.clip_correct(s[2], f) for s, f in zip(segments, fired)]))
        return (os.path.join(ROOT, "models/speech.onnx"),
                carry + ["--calib", os.path.join(ROOT, "models/speech_calib.npy"), "--keep-float", "/frontend/*", "--keep-float", "/decision/*"],
                ["audio=" + os.path.join(data, "heldout-s1.npy")], "1", "scores", acc)
    import export_models
    onnx_dir = os.path.join(work, "onnx")
    sh(["/usr/bin/python3", os.path.join(ROOT, "tests/models/export_models.py"), onnx_dir, model])
    calib = os.path.join(work, "tv_calib.npy")
    evaluation = os.path.join(work, "tv_eval.npy")
    if not os.path.exists(calib):
        np.save(calib, np.random.RandomState(1).standard_normal((4,) + export_models.SHAPE[1:]).astype(np.float32))
        np.save(evaluation, np.random.RandomState(2).standard_normal((4,) + export_models.SHAPE[1:]).astype(np.float32))
    return (os.path.join(onnx_dir, model + ".onnx"), ["--calib", calib], ["input=" + evaluation], "0", "output", None)


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    mote, work = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    extra = [a for a in argv[3:] if a == "--bias-correction"]
    import export_models
    models = [a for a in argv[3:] if a not in extra] or ["digits", "speech"] + export_models.MODELS
    os.makedirs(work, exist_ok=True)
    rows = []
    for model in models:
        onnx, args, inputs, chunk, output, accuracy = prepare(mote, work, model)
        base = [a for a in args if a.startswith("--carry")]
        d = os.path.join(work, model + ("-bc" if extra else ""))
        os.makedirs(d, exist_ok=True)
        sh([mote, "convert", onnx, "-o", os.path.join(d, "float.mote")] + base)
        run(mote, os.path.join(d, "float.mote"), inputs, os.path.join(d, "float"), chunk)
        f = np.load(os.path.join(d, "float", output + ".runs.npy"))
        row = {"model": model, "float_acc": accuracy(os.path.join(d, "float")) if accuracy else None}
        for m in METHODS:
            blob = os.path.join(d, m + ".mote")
            t0 = time.time()
            sh([mote, "convert", onnx, "-o", blob, "--quantize", "int8", "--calib-method", m] + args + extra)
            row[m + "_s"] = time.time() - t0
            run(mote, blob, inputs, os.path.join(d, m), chunk)
            row[m] = sqnr(np.load(os.path.join(d, m, output + ".runs.npy")), f)
            row[m + "_acc"] = accuracy(os.path.join(d, m)) if accuracy else None
        rows.append(row)
        print(model, {k: (round(v, 3) if isinstance(v, float) else v) for k, v in row.items()}, file=sys.stderr, flush=True)
    print("| model | " + " | ".join(METHODS) + " |")
    print("|---|" + "---|" * len(METHODS))
    for r in rows:
        print("| %s | %s |" % (r["model"], " | ".join("%.1f dB" % r[m] for m in METHODS)))
    acc_rows = [r for r in rows if r["float_acc"] is not None]
    if acc_rows:
        print()
        print("| model | float | " + " | ".join(METHODS) + " |")
        print("|---|---|" + "---|" * len(METHODS))
        for r in acc_rows:
            print("| %s | %.2f%% | %s |" % (r["model"], 100 * r["float_acc"], " | ".join("%.2f%%" % (100 * r[m + "_acc"]) for m in METHODS)))
    print()
    print("conversion time (s): " + "; ".join("%s %s" % (r["model"], "/".join("%.1f" % r[m + "_s"] for m in METHODS)) for r in rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
