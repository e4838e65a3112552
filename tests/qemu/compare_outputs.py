#!/usr/bin/env python3
"""Compares the outputs a firmware printed with the host's `mote run` outputs.

    compare_outputs.py [--exact] FIRMWARE_LOG REF_DIR

FIRMWARE_LOG holds the firmware's `output K name=NAME dtype=D ...` and `v K I 0xBITS ...` lines
(boards/firmware/main.c); REF_DIR holds NAME.npy per output. float32 outputs match when
max|got - ref| <= 1e-4 * max|ref| (with --exact: their raw bits must be equal, as for an int8
model, whose integer arithmetic is the same everywhere); other types must be equal. Prints one line per output and
exits 1 on any mismatch or missing output."""
import re
import sys

import numpy as np

NP = {"float32": np.float32, "int32": np.int32, "int64": np.int64, "int8": np.int8, "uint8": np.uint8,
      "bool": np.uint8}
BITS = {"float32": np.uint32, "int32": np.uint32, "int64": np.uint64, "int8": np.uint8, "uint8": np.uint8,
        "bool": np.uint8}


def main(argv):
    exact = "--exact" in argv[1:]
    argv = [a for a in argv if a != "--exact"]
    if len(argv) != 3:
        raise SystemExit(__doc__)
    log, ref_dir = argv[1], argv[2]
    outputs = {}
    for line in open(log, errors="replace"):
        m = re.match(r"output (\d+) name=(\S*) dtype=(\S+) dims=(\S*) count=(\d+)", line)
        if m:
            outputs[int(m.group(1))] = {"name": m.group(2), "dtype": m.group(3),
                                        "count": int(m.group(5)), "bits": {}}
            continue
        m = re.match(r"v (\d+) (\d+) 0x([0-9a-fA-F]+)", line)
        if m and int(m.group(1)) in outputs:
            outputs[int(m.group(1))]["bits"][int(m.group(2))] = int(m.group(3), 16)
    if not outputs:
        print("no outputs printed")
        return 1
    bad = 0
    for k in sorted(outputs):
        o = outputs[k]
        try:
            ref = np.load(f"{ref_dir}/{o['name']}.npy")
        except OSError as e:
            print(f"output {k} '{o['name']}': no host reference: {e}")
            bad += 1
            continue
        if len(o["bits"]) != o["count"] or o["count"] != ref.size:
            print(f"output {k} '{o['name']}': {len(o['bits'])} of {o['count']} values printed, host has {ref.size}")
            bad += 1
            continue
        bits = np.array([o["bits"][i] for i in range(o["count"])], dtype=BITS[o["dtype"]])
        got = bits.view(NP[o["dtype"]]).reshape(ref.shape)
        if o["dtype"] == "float32" and exact:
            ref_bits = ref.astype(np.float32).reshape(-1).view(np.uint32)
            differ = int(np.count_nonzero(ref_bits != bits))
            ok = differ == 0
            print(f"output {k} '{o['name']}': {ref.size} float32, raw bits: "
                  f"{'identical' if ok else f'MISMATCH in {differ} values'}")
        elif o["dtype"] == "float32":
            ref = ref.astype(np.float32)
            diff = float(np.max(np.abs(got.astype(np.float64) - ref.astype(np.float64)))) if ref.size else 0.0
            limit = 1e-4 * float(np.max(np.abs(ref))) if ref.size else 0.0
            ok = diff <= limit
            print(f"output {k} '{o['name']}': {ref.size} float32, max|diff| {diff:.3g} "
                  f"(limit 1e-4 x max|ref| = {limit:.3g}): {'ok' if ok else 'MISMATCH'}")
        else:
            ok = np.array_equal(got, ref.astype(got.dtype))
            print(f"output {k} '{o['name']}': {ref.size} {o['dtype']}: {'equal' if ok else 'MISMATCH'}")
        bad += 0 if ok else 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
