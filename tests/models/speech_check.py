#!/usr/bin/python3
"""Checks for the keyword-spotting example (tests/models/run_speech_tests.sh), on the outputs of
`mote run --chunk 1` over a held-out stream (tools/make_speech_data.py):

  speech_check.py accuracy EVENTS.runs.npy SEGMENTS.txt MIN
      clip-level accuracy per class (a keyword slot is right when its keyword, and only it,
      fired in it; a silence or unknown slot when nothing did); fails below MIN
  speech_check.py agree EVENTS_A.runs.npy EVENTS_B.runs.npy SEGMENTS.txt MIN
      the share of slots where both runs decided the same; fails below MIN
  speech_check.py within EVENTS.runs.npy FLOAT_EVENTS.runs.npy SEGMENTS.txt PP
      clip-level accuracy of the first run against the second's; fails when it is more than PP
      percentage points below
  speech_check.py whole MODEL.onnx STREAM.npy SCORES.runs.npy EVENTS.runs.npy
      the streamed scores and events against PyTorch over the whole stream at once (the model's
      weights read back from MODEL.onnx): scores within 1e-4 of the largest, events equal
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import train_speech as ts  # noqa: E402


def events_of(path):
    return np.load(path).reshape(-1).round().astype(np.int64)


def main(argv):
    what = argv[1] if len(argv) > 1 else ""
    if what == "accuracy" and len(argv) == 5:
        segments = ts.read_segments(argv[3])
        acc = ts.report(segments, ts.clip_results(events_of(argv[2]), segments), "held-out voices (Mote)")
        return 0 if acc >= float(argv[4]) else 1
    if what == "agree" and len(argv) == 6:
        segments = ts.read_segments(argv[4])
        a = ts.clip_results(events_of(argv[2]), segments)
        b = ts.clip_results(events_of(argv[3]), segments)
        same = np.mean([x == y for x, y in zip(a, b)])
        print(f"same decision on {same * 100:.2f}% of {len(segments)} clips")
        return 0 if same >= float(argv[5]) else 1
    if what == "within" and len(argv) == 6:
        segments = ts.read_segments(argv[4])
        labels = [s[2] for s in segments]

        def accuracy(path):
            fired = ts.clip_results(events_of(path), segments)
            return float(np.mean([ts.clip_correct(l, f) for l, f in zip(labels, fired)]))

        got, want = accuracy(argv[2]), accuracy(argv[3])
        drop = (want - got) * 100
        print(f"accuracy {got * 100:.2f}% against float {want * 100:.2f}% ({drop:+.2f} pp below; limit {argv[5]} pp)")
        return 0 if drop <= float(argv[5]) else 1
    if what == "whole" and len(argv) == 6:
        import torch
        torch.set_num_threads(2)
        model = ts.load_onnx(argv[2])
        stream = np.load(argv[3]).reshape(-1)
        scores, events = ts.stream_decisions(model, stream)
        got = np.load(argv[4]).reshape(len(scores), -1)
        got_events = events_of(argv[5])
        diff = float(np.abs(got - scores).max())
        tol = 1e-4 * float(np.abs(scores).max())
        mismatched = int(np.sum(got_events != events))
        print(f"{len(scores)} chunks: max|diff| {diff:.3g} (tolerance {tol:.3g}), events differing: {mismatched}")
        return 0 if diff <= tol and mismatched == 0 else 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
