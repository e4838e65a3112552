#!/usr/bin/env bash
# Runs `mote validate` on every ONNX backend-test directory of Debian's libonnx-testdata and
# checks the result against the locked-in pass list.
#
#   run_conformance.sh MOTE_BIN OUT_DIR [--update]
#
# Every test runs with --narrow-double: a model without float64 converts and runs exactly as
# without it, and the PASS line of one whose float64 tensors were computed in float32 says how
# many were narrowed (a float64 model is otherwise refused by name).
#
# Writes OUT_DIR/results.txt (one line per test: PASS/FAIL/UNSUPPORTED, suite/name, reason),
# prints "N passed, M failed" (unsupported counts as failed) and exits non-zero when a test in
# tests/conformance/expected_pass.txt no longer passes. --update rewrites expected_pass.txt.
set -u
mote=${1:?usage: run_conformance.sh MOTE_BIN OUT_DIR [--update]}
out=${2:?usage: run_conformance.sh MOTE_BIN OUT_DIR [--update]}
update=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
data=${MOTE_ONNX_TESTDATA:-/usr/share/libonnx-testdata/data}
expected="$here/expected_pass.txt"
mkdir -p "$out"
results="$out/results.txt"
: > "$results"
if [ ! -d "$data/node" ]; then
  echo "conformance: $data/node not found (install libonnx-testdata)" >&2
  exit 1
fi
for suite in node pytorch-converted pytorch-operator simple; do
  [ -d "$data/$suite" ] || continue
  for dir in "$data/$suite"/*/; do
    name="$suite/$(basename "$dir")"
    line=$(timeout 120 "$mote" validate "$dir" --narrow-double 2>&1 | tail -n 1)
    rc=${PIPESTATUS[0]}
    case "$line" in
      PASS*) verdict=PASS ;;
      UNSUPPORTED*) verdict=UNSUPPORTED ;;
      *) verdict=FAIL ;;
    esac
    if [ "$verdict" = PASS ] && [ "$rc" -ne 0 ]; then verdict=FAIL; fi
    if [ "$rc" -ge 124 ]; then line="crashed or timed out (exit $rc): $line"; verdict=FAIL; fi
    reason=${line#* }
    reason=${reason#*: }
    printf '%s %s %s\n' "$verdict" "$name" "$reason" >> "$results"
  done
done
total=$(wc -l < "$results")
passed=$(grep -c '^PASS ' "$results")
node_total=$(grep -c ' node/' "$results")
node_passed=$(grep -c '^PASS node/' "$results")
grep '^PASS ' "$results" | awk '{print $2}' | sort > "$out/passing.txt"
if [ "$update" = "--update" ]; then
  cp "$out/passing.txt" "$expected"
  echo "conformance: wrote $expected"
fi
regressions=0
if [ -f "$expected" ]; then
  while read -r t; do
    [ -z "$t" ] && continue
    if ! grep -qx "$t" "$out/passing.txt"; then
      echo "REGRESSION: $t: $(grep " $t " "$results" | cut -d' ' -f3-)"
      regressions=$((regressions + 1))
    fi
  done < "$expected"
fi
echo "node tests: $node_passed of $node_total pass"
echo "conformance: $passed passed, $((total - passed)) failed"
echo "reasons: $results"
[ "$regressions" -eq 0 ]
