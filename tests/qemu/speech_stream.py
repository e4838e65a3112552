#!/usr/bin/env python3
"""The host side of the streaming keyword example (boards/speech, wasm/demo/speech.html).

    speech_stream.py npy CLIP.wav OUT.npy
        The clip as `mote run --chunk 1` takes it: float32 [1, 320 x chunks], sample / 32768,
        whole 20 ms chunks only (a trailing partial chunk is left out, as the firmware does).
    speech_stream.py detections RUN_DIR LABELS.txt
        From `mote run --chunk 1 --output-dir RUN_DIR` (event.runs.npy, scores.runs.npy): the
        lines the firmware prints for the same stream, the detections ("1.240 s  yes") and the
        FNV-1a 64 hashes of every run's raw `scores` and `event` bytes.
    speech_stream.py compare FIRMWARE.log EXPECTED.txt [--exact]
        The firmware's detections (and event values) must equal the expected ones; with --exact
        the scores hash too (int8 blobs: every bit). Prints the detections; exit 1 on a mismatch.
"""
import re
import struct
import sys
import wave

import numpy as np

CHUNK = 320
CHUNK_MS = 20


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
        if e == -1.0:
            continue
        k = int(e)
        if float(k) == float(e) and 0 <= k < len(labels):
            ms = (c + 1) * CHUNK_MS
            lines.append(f"{ms // 1000}.{ms % 1000:03d} s  {labels[k]}")
        else:
            lines.append(f"event {c} 0x{struct.unpack('<I', struct.pack('<f', e))[0]:08x}")
    lines.append(f"chunks {len(events)}")
    lines.append(f"hash scores 0x{fnv1a64(scores.tobytes()):016x} events 0x{fnv1a64(events.tobytes()):016x}")
    return lines


DETECTION = re.compile(r"^(\d+\.\d{3} s  \S.*|event \d+ 0x[0-9a-f]{8})$")


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


def main(argv):
    if len(argv) >= 4 and argv[1] == "npy":
        samples = read_wav(argv[2])
        n = len(samples) // CHUNK * CHUNK
        np.save(argv[3], (samples[:n].astype(np.float32) / 32768.0).reshape(1, n))
        return 0
    if len(argv) == 4 and argv[1] == "detections":
        print("\n".join(detections(argv[2], argv[3])))
        return 0
    if len(argv) in (4, 5) and argv[1] == "compare":
        return compare(argv[2], argv[3], len(argv) == 5 and argv[4] == "--exact")
    raise SystemExit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
