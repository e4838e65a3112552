# shellcheck shell=bash
# shellcheck disable=SC2034  # the variables set here are for the scripts that source this file
# Shared by tests/models/run_model_tests.sh and bench/run_model_bench.sh; source it, don't run it.
#
# Layout of a work directory WORK:
#   WORK/onnx/<model>.onnx, WORK/onnx/input.npy   exported once and kept (the export cache)
#   WORK/<model>/<model>.mote, convert.log         converted afresh each run, since the converter
#                                                  under test may have changed

models_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tests_dir=$(dirname "$models_dir")
# Debian's torch is installed for the system interpreter, which need not be first on PATH.
python=${MOTE_PYTHON:-/usr/bin/python3}
ort_run="$models_dir/ort_run.mjs"

# Checks the tools, exports the models into WORK/onnx and sets $models to their names.
models_prepare() {
  local work=$1
  if [ ! -d "$tests_dir/node_modules/onnxruntime-node" ]; then
    echo "onnxruntime-node is missing: run 'cd $tests_dir && npm ci --ignore-scripts'" >&2
    return 1
  fi
  models=$("$python" "$models_dir/export_models.py" --list) || return 1
  "$python" "$models_dir/export_models.py" "$work/onnx" || {
    echo "model export failed (needs torch and torchvision for $python)" >&2
    return 1
  }
}

# models_setup MOTE_BIN WORK: sets mote and work to absolute paths (creating WORK), exports the
# models there (models_prepare) and sets input to the shared input, WORK/onnx/input.npy.
models_setup() {
  mote=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
  mkdir -p "$2" || return 1
  work=$(cd "$2" && pwd)
  models_prepare "$work" || return 1
  input="$work/onnx/input.npy"
}

# Converts one model to WORK/<model>/<model>.mote; the converter's output goes to convert.log.
# With a 4th argument TARGET: `--target TARGET`, into WORK/<model>/<model>.TARGET.mote and
# convert.TARGET.log.
model_convert() {
  local mote=$1 work=$2 model=$3 target=${4:-}
  mkdir -p "$work/$model"
  if [ -z "$target" ]; then
    timeout 300 "$mote" convert "$work/onnx/$model.onnx" -o "$work/$model/$model.mote" \
      --shape input=1x3x224x224 > "$work/$model/convert.log" 2>&1
  else
    timeout 300 "$mote" convert "$work/onnx/$model.onnx" -o "$work/$model/$model.$target.mote" \
      --shape input=1x3x224x224 --target "$target" > "$work/$model/convert.$target.log" 2>&1
  fi
}

# Prints the first numeric value of KEY in the JSON on stdin (`mote info --json`, `mote bench
# --json`, `ort_run.mjs --bench`), whose top-level keys come before any nested ones of that name.
json_num() {
  grep -o "\"$1\": *[-0-9.eE+]*" | head -n 1 | sed 's/.*: *//'
}

# compare_output GOT REF: compares two .npy outputs (compare_npy.py: max|diff| against
# 1e-4 * max|REF|); sets diff and ratio (its multiple of the tolerance; "-" when the comparison
# itself failed) and, when they disagree or cannot be compared, reason.
compare_output() {
  local cmp cmp_rc
  cmp=$("$python" "$models_dir/compare_npy.py" "$1" "$2" 2>&1)
  cmp_rc=$?
  read -r diff ratio <<< "$cmp"
  if [[ "$diff" =~ ^[0-9] ]]; then
    [ "$cmp_rc" -eq 0 ] || reason="max|diff| is $ratio x the tolerance"
  else
    diff=- ratio=-
    reason="compare: $(tail -n 1 <<< "$cmp")"
  fi
}

# Prints the last non-empty line of FILE: where Mote and node put the error that stopped them.
last_line() {
  grep -v '^[[:space:]]*$' "$1" | tail -n 1
}

# Sets verdict to PASS when $reason is empty, else FAIL, and counts it in passed/failed.
tally() {
  if [ -z "$reason" ]; then
    verdict=PASS
    passed=$((passed + 1))
  else
    verdict=FAIL
    failed=$((failed + 1))
  fi
}

# result NAME REASON DETAIL: one row, "NAME  PASS  DETAIL" when REASON is empty, else
# "NAME  FAIL  REASON", counted in passed/failed; the name column is $result_width wide (40).
result() {
  local reason=$2
  tally
  printf "%-${result_width:-40}s %s  %s\n" "$1" "$verdict" "$([ -z "$2" ] && echo "$3" || echo "$2")"
}
