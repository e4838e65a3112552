#!/usr/bin/env python3
"""The host side of the streaming keyword example (boards/speech, wasm/demo/speech.html).

    speech_stream.py npy CLIP.wav OUT.npy
        The clip as `mote run --chunk 1` takes it: float32 [1, 320 x chunks], sample / 32768,
        a last partial 20 ms chunk padded with zeros (as mote run pads a .wav, and the firmware).
    speech_stream.py detections RUN_DIR LABELS.txt
        From `mote run --chunk 1 --output-dir RUN_DIR` (event.runs.npy, scores.runs.npy): the
        lines the firmware prints for the same stream, the detections ("1.240 s  yes") and the
        FNV-1a 64 hashes of every run's raw `scores` and `event` bytes.
    speech_stream.py prepare [--target T] MOTE_BIN MODELS_DIR OUT_DIR [CALIB]
        Converts MODELS_DIR/speech.onnx with its --carry pairs (speech_carry.txt) (and
        `--target T`: the boards whose kernels the arena is planned for) to
        OUT_DIR/speech_float.mote and, with CALIB, OUT_DIR/speech_int8.mote (--quantize int8 and
        the example's --keep-float entries, INT8_ARGS),
        each with its --c-array header; OUT_DIR/audio.npy from speech_sample.wav; and for each
        blob `mote run --chunk 1` into OUT_DIR/NAME.run/ and its detections in NAME.expected,
        which must be what `mote run --labels` prints for the .wav itself.
        Prints one line per blob: "NAME: <detections>"; exit 1 when a step fails.
    speech_stream.py compare FIRMWARE.log EXPECTED.txt [--exact]
        The firmware's detections (and event values) must equal the expected ones; with --exact
        the scores hash too (int8 blobs: every bit). Prints the detections; exit 1 on a mismatch.
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import wave

import numpy as np

CHUNK = 320
CHUNK_MS = 20
# The int8 recipe of the example (tests/models/run_speech_tests.sh): the raw-audio front-end and
# the decision head stay float. MOTE_SPEECH_INT8_ARGS (space-separated) replaces it for another
# model.
INT8_ARGS = os.environ.get("MOTE_SPEECH_INT8_ARGS", "--keep-float /frontend/* --keep-float /decision/*").split()


def clip_npy(samples):
    n = (len(samples) + CHUNK - 1) // CHUNK * CHUNK
    padded = np.zeros(n, np.float32)
    padded[:len(samples)] = samples.astype(np.float32) / 32768.0
    return padded.reshape(1, n)


def read_wav(path):
    with wave.open(path, "rb") as w:
        if w.getnchannels() != 1 or w.getsampwidth() != 2 or w.getframerate() != 16000:
            raise SystemExit(f"{path}: not 16 kHz 16-bit mono")
        return np.frombuffer(w.readframes(w.getnframes()), "<i2")


def fnv1a64(data, h=0xCBF29CE484222325):
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def detections(run_dir, labels_path):
    labels = [line.strip() for line in open(labels_path, encoding="utf-8") if line.strip()]
    events = np.load(f"{run_dir}/event.runs.npy").astype("<f4").reshape(-1)
    scores = np.load(f"{run_dir}/scores.runs.npy").astype("<f4")
    lines = []
    for c, e in enumerate(events):
        # As `mote run --labels` reads the event: a detection when >= 0, the class index to the
        # nearest integer (an int8 blob may give it quantized, 8.98 for 9).
        if float(e) >= 0.0:
            k = int(float(e) + 0.5) if float(e) < 1e6 else 999999
            ms = (c + 1) * CHUNK_MS
            lines.append(f"{ms // 1000}.{ms % 1000:03d} s  " + (labels[k] if k < len(labels) else f"class {k}"))
    lines.append(f"chunks {len(events)}")
    lines.append(f"hash scores 0x{fnv1a64(scores.tobytes()):016x} events 0x{fnv1a64(events.tobytes()):016x}")
    return lines


DETECTION = re.compile(r"^\d+\.\d{3} s  \S.*$")


def parse(lines):
    found = [line for line in lines if DETECTION.match(line)]
    chunks = next((line.split()[1] for line in lines if line.startswith("chunks ")), None)
    hashes = next((line.split() for line in lines if line.startswith("hash scores ")), None)
    return found, chunks, hashes


def compare(log_path, expected_path, exact):
    got, got_chunks, got_hash = parse(open(log_path, encoding="utf-8", errors="replace").read().splitlines())
    want, want_chunks, want_hash = parse(open(expected_path, encoding="utf-8").read().splitlines())
    problems = []
    if got_chunks != want_chunks:
        problems.append(f"chunks: {got_chunks} on the board, {want_chunks} on the host")
    if got != want:
        problems.append("detections differ:\n    board: " + " | ".join(got) + "\n    host:  " + " | ".join(want))
    if got_hash is None or want_hash is None:
        problems.append("no hash line")
    else:
        if got_hash[4] != want_hash[4]:
            problems.append(f"event sequence differs (hash {got_hash[4]} vs host {want_hash[4]})")
        if exact and got_hash[2] != want_hash[2]:
            problems.append(f"scores differ (hash {got_hash[2]} vs host {want_hash[2]})")
    print(" | ".join(got) if got else "(no detections)")
    for p in problems:
        print("  " + p)
    return 1 if problems else 0


def carry_args(path):
    args = []
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if line and not line.startswith("#"):
            args += ["--carry", line]
    return args


def prepare(mote, models, out, calib, target=None):
    os.makedirs(out, exist_ok=True)
    np.save(f"{out}/audio.npy", clip_npy(read_wav(f"{models}/speech_sample.wav")))
    variants = [("speech_float", [])]
    if calib:
        variants.append(("speech_int8", ["--quantize", "int8", "--calib", calib, *INT8_ARGS]))
    for name, extra in variants:
        if target:
            extra = extra + ["--target", target]
        steps = [[mote, "convert", f"{models}/speech.onnx", *carry_args(f"{models}/speech_carry.txt"), *extra,
                  "-o", f"{out}/{name}.mote", "--c-array", f"{out}/{name}.h"],
                 [mote, "run", f"{out}/{name}.mote", "--input", f"audio={out}/audio.npy", "--chunk", "1",
                  "--output-dir", f"{out}/{name}.run", "--quiet"]]
        shutil.rmtree(f"{out}/{name}.run", ignore_errors=True)
        for step in steps:
            r = subprocess.run(step, capture_output=True, text=True)
            if r.returncode != 0:
                print(f"{name}: {step[1]} failed: {(r.stderr or r.stdout).strip().splitlines()[-1:]}")
                return 1
        lines = detections(f"{out}/{name}.run", f"{models}/speech_labels.txt")
        # `mote run --labels` on the .wav itself must print the same detections.
        r = subprocess.run([mote, "run", f"{out}/{name}.mote", "--input", f"audio={models}/speech_sample.wav",
                            "--chunk", "1", "--labels", f"{models}/speech_labels.txt", "--quiet",
                            "--output-dir", f"{out}/{name}.labels"], capture_output=True, text=True)
        cli = [line for line in r.stdout.splitlines() if DETECTION.match(line)]
        if r.returncode != 0 or cli != parse(lines)[0]:
            print(f"{name}: mote run --labels printed {cli} (status {r.returncode}), the outputs say {parse(lines)[0]}")
            return 1
        with open(f"{out}/{name}.expected", "w") as f:
            f.write("\n".join(lines) + "\n")
        print(f"{name}: " + " | ".join(parse(lines)[0]))
    return 0


def main(argv):
    if len(argv) >= 2 and argv[1] == "prepare":
        args, target = argv[2:], None
        if len(args) >= 2 and args[0] == "--target":
            args, target = args[2:], args[1]
        if len(args) in (3, 4):
            return prepare(args[0], args[1], args[2], args[3] if len(args) == 4 else None, target)
    if len(argv) >= 4 and argv[1] == "npy":
        np.save(argv[3], clip_npy(read_wav(argv[2])))
        return 0
    if len(argv) == 4 and argv[1] == "detections":
        print("\n".join(detections(argv[2], argv[3])))
        return 0
    if len(argv) in (4, 5) and argv[1] == "compare":
        return compare(argv[2], argv[3], len(argv) == 5 and argv[4] == "--exact")
    raise SystemExit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
