#!/usr/bin/python3
"""Checks of the text example (tests/models/run_text_tests.sh):

  text_check.py ids MOTE.npy PYTHON.npy
      Mote's token ids (`mote run --text-file` writes input_ids.npy, [N, SEQ]) equal the
      training script's tokenization: prints the number of sentences and of differing ones.
  text_check.py accuracy PRINTED.txt HELDOUT.txt MIN
      the classes `mote run --text-file --labels` printed (one line per text: class, probability,
      text) against HELDOUT.txt's "label<TAB>text" lines: accuracy >= MIN (a fraction), per class.
  text_check.py int8 FLOAT.npy INT8.npy
      the int8 logits against the float ones: SQNR (dB), max|diff| and the argmax agreement.
  text_check.py device RUN.log HOST_DIR [--exact]
      a target's lines "text K LABEL ids 0x<fnv1a64> logits <hex,...> | TEXT" (boards/text,
      tests/wasm) against `mote run --text-file --labels` on the host (HOST_DIR/printed.txt,
      input_ids.npy, logits.runs.npy): the same classes and token ids; the logits bit for bit
      with --exact, else within 1e-4 of the largest.
Exits 0 on pass, 1 on fail, 2 on bad use.
"""
import sys

import numpy as np


def ids(mote_path, python_path):
    a, b = np.load(mote_path), np.load(python_path)
    if a.shape != b.shape:
        print(f"shape {a.shape}, the training script's {b.shape}")
        return 1
    bad = np.nonzero(np.any(a != b, axis=1))[0]
    print(f"{len(a)} sentences, {len(bad)} differ" + (f" (first: row {bad[0]}: {a[bad[0]].tolist()} "
                                                       f"vs {b[bad[0]].tolist()})" if len(bad) else ""))
    return 0 if len(bad) == 0 else 1


def accuracy(printed_path, heldout_path, minimum):
    want = [line.rstrip("\n").split("\t", 1) for line in open(heldout_path, encoding="utf-8") if line.strip()]
    got = [line.split()[0] for line in open(printed_path, encoding="utf-8") if line.strip()
           and not line.startswith(("runs:", "arena:", "note:"))]
    if len(got) != len(want):
        print(f"{len(got)} classes printed for {len(want)} texts")
        return 1
    right = np.array([g == w[0] for g, w in zip(got, want)])
    acc = right.mean()
    print(f"accuracy {acc * 100:.2f}% ({right.sum()} of {len(right)})")
    for label in sorted({w[0] for w in want}):
        m = np.array([w[0] == label for w in want])
        print(f"  {label:14s} {right[m].mean() * 100:6.1f}% of {m.sum()}")
    return 0 if acc >= minimum else 1


def int8(float_path, int8_path):
    f = np.load(float_path).astype(np.float64)
    q = np.load(int8_path).astype(np.float64)
    f, q = f.reshape(len(f), -1), q.reshape(len(q), -1)
    sqnr = 10 * np.log10(np.sum(f * f) / max(np.sum((f - q) ** 2), 1e-30))
    agree = np.mean(f.argmax(1) == q.argmax(1))
    print(f"SQNR {sqnr:.1f} dB, max|diff| {np.max(np.abs(f - q)):.3g}, argmax agreement {agree * 100:.2f}%")
    return 0


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def device(log_path, host, exact):
    rows = []
    for line in open(log_path, encoding="utf-8", errors="replace"):
        f = line.split(" | ", 1)[0].split()
        if len(f) == 7 and f[0] == "text" and f[3] == "ids" and f[5] == "logits":
            rows.append((int(f[1]), f[2], int(f[4], 16), np.array([int(x, 16) for x in f[6].split(",")], np.uint32)))
    labels = [line.split()[0] for line in open(f"{host}/printed.txt") if line.strip()
              and not line.startswith(("runs:", "arena:", "note:"))]
    ids = np.load(f"{host}/input_ids.npy")
    logits = np.load(f"{host}/logits.runs.npy").reshape(len(ids), -1).astype(np.float32)
    if len(rows) != len(ids) or [r[0] for r in rows] != list(range(len(ids))):
        print(f"{len(rows)} commands reported, the host ran {len(ids)}")
        return 1
    bad = []
    worst = 0.0
    for k, label, h, bits in rows:
        got = bits.view(np.float32)
        diff = float(np.max(np.abs(got - logits[k]))) if got.shape == logits[k].shape else float("inf")
        worst = max(worst, diff)
        same = np.array_equal(bits, logits[k].view(np.uint32)) if exact else diff <= 1e-4 * float(np.max(np.abs(logits[k])))
        if label != labels[k] or h != fnv1a64(ids[k].tobytes()) or not same:
            bad.append(f"command {k}: {label} (host {labels[k]}), ids {'same' if h == fnv1a64(ids[k].tobytes()) else 'differ'}, "
                       f"max|diff| {diff:.3g}")
    print(f"{len(rows)} commands, {len(bad)} differ from the host, max|diff| {worst:.3g}")
    for b in bad[:5]:
        print("  " + b)
    return 0 if not bad else 1


def main(argv):
    if len(argv) in (4, 5) and argv[1] == "device" and argv[4:] in ([], ["--exact"]):
        return device(argv[2], argv[3], len(argv) == 5)
    if len(argv) == 4 and argv[1] == "ids":
        return ids(argv[2], argv[3])
    if len(argv) == 5 and argv[1] == "accuracy":
        return accuracy(argv[2], argv[3], float(argv[4]))
    if len(argv) == 4 and argv[1] == "int8":
        return int8(argv[2], argv[3])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
