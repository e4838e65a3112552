#!/usr/bin/python3
"""Compares Mote's output with the reference runtime's.

    /usr/bin/python3 compare_npy.py ACTUAL.npy REFERENCE.npy [REL_TOL]

Passes when max|actual - reference| <= REL_TOL * max|reference| (REL_TOL defaults to 1e-4).
The tolerance scales with the output's magnitude because the models run on random weights, whose
logits range from tiny to large. Prints one line, "MAX_ABS_DIFF RATIO_TO_TOLERANCE", or
"error: ..." when the arrays cannot be compared; exits 0 on pass, 1 otherwise.
"""

import sys

import numpy as np


def main(argv):
    if len(argv) not in (3, 4):
        sys.stderr.write(__doc__)
        return 2
    actual = np.load(argv[1])
    reference = np.load(argv[2])
    rel_tol = float(argv[3]) if len(argv) == 4 else 1e-4
    if actual.shape != reference.shape:
        print("error: shape %s, reference %s" % (actual.shape, reference.shape))
        return 1
    if not np.all(np.isfinite(actual)):
        print("error: %d non-finite values" % np.count_nonzero(~np.isfinite(actual)))
        return 1
    diff = float(np.max(np.abs(actual.astype(np.float64) - reference.astype(np.float64))))
    tol = rel_tol * float(np.max(np.abs(reference)))
    # An all-zero reference leaves no magnitude to scale by; only an exact match passes then.
    ratio = diff / tol if tol > 0 else (0.0 if diff == 0 else float("inf"))
    print("%.3g %.3g" % (diff, ratio))
    return 0 if ratio <= 1.0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
