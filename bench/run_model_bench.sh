#!/usr/bin/env bash
# Times Mote against onnxruntime-node on the torchvision models of the model tests.
#
#   run_model_bench.sh MOTE_BIN WORKDIR [--iters N] [--repeat K] [--no-int8] [--target LIST]
#
# Both run float32 on one thread on the same input (WORKDIR/onnx/input.npy), after 2 untimed
# runs. The engines take turns: a round times N runs (default 10) of Mote float32, then of
# onnxruntime, then of Mote int8, and K rounds (default 3) are run per model; each figure is the
# best of the K rounds' medians, so a burst of load from other work on a shared machine spoils
# one round of every engine rather than one engine. Mote also runs each model
# quantized to int8 (calibrated on 4 seeded random inputs, float input and output as the float
# model has), timed against the same onnxruntime float32 figure. The kernel set Mote used (on
# x86 the level picked for this CPU) is printed with the table. Models are exported and cached
# by tests/models/export_models.py, so a WORKDIR shared with run_model_tests.sh is reused.
# The float blob is converted with `mote convert --target LIST` (default x86: the blob for the
# machine this runs on, with ConvWinograd for the 3x3 stride-1 convolutions; `--target all` times
# the portable blob) into WORKDIR/<model>/<model>.LIST.mote.
# Prints a markdown table; exits non-zero when a model could not be converted or timed.
set -u
usage="usage: run_model_bench.sh MOTE_BIN WORKDIR [--iters N] [--repeat K] [--no-int8] [--target LIST]"
mote=${1:?$usage}
work=${2:?$usage}
shift 2
iters=10
repeat=3
int8=1
target=x86
while [ $# -gt 0 ]; do
  case "$1" in
    --iters) iters=${2:?$usage}; shift 2 ;;
    --repeat) repeat=${2:?$usage}; shift 2 ;;
    --no-int8) int8=0; shift ;;
    --target) target=${2:?$usage}; shift 2 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
for n in "$iters" "$repeat"; do
  case "$n" in '' | *[!0-9]* | 0) echo "run_model_bench.sh: --iters and --repeat take a whole number > 0 (got '$n')" >&2; exit 2 ;; esac
done
# shellcheck source=tests/models/lib.sh
source "$(dirname "$0")/../tests/models/lib.sh"
mote=$(cd "$(dirname "$mote")" && pwd)/$(basename "$mote")
mkdir -p "$work"
work=$(cd "$work" && pwd)
models_prepare "$work" || exit 1
input="$work/onnx/input.npy"
calib="$work/onnx/calib.npy"
[ "$int8" -eq 0 ] || [ -f "$calib" ] || "$python" -c "import numpy as np; np.save('$calib', np.random.RandomState(1).standard_normal((4, 3, 224, 224)).astype(np.float32))"
kernels=-

# Timings on a busy machine mean little; the load at the start goes into the report.
load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo unknown)
errors=0
rows=()
best() {  # best OLD NEW: the smaller figure ("-" is none yet)
  if [ "$1" = - ]; then echo "$2"; else awk -v a="$1" -v b="$2" 'BEGIN { print (b < a ? b : a) }'; fi
}
for model in $models; do
  dir="$work/$model"
  echo "bench: $model" >&2
  macs=- mote_ms=- ort_ms=- ratio=- arena=- arena_ratio=- problem= q_ms=- q_ratio=-
  blob="$dir/$model.$target.mote"
  if ! model_convert "$mote" "$work" "$model" "$target"; then
    problem="mote convert --target $target: $(last_line "$dir/convert.$target.log")"
  else
    "$mote" info "$blob" --json > "$dir/info.json" 2> "$dir/info.log"
    macs=$(json_num macs < "$dir/info.json")
    arena=$(json_num arena_bytes < "$dir/info.json")
    lower=$(json_num lower_bound < "$dir/info.json")
    [ -n "$macs" ] && macs=$(awk -v m="$macs" 'BEGIN { printf "%.0fM", m / 1e6 }')
    if [ -n "$arena" ] && [ -n "${lower:-}" ] && [ "$lower" -gt 0 ]; then
      arena_ratio=$(awk -v a="$arena" -v b="$lower" 'BEGIN { printf "%.3f", a / b }')
    fi
    q_ok=0
    if [ "$int8" -eq 1 ]; then
      if timeout 600 "$mote" convert "$work/onnx/$model.onnx" -o "$dir/$model.int8.mote" --shape input=1x3x224x224 \
          --quantize int8 --calib "$calib" > "$dir/convert_int8.log" 2>&1; then
        q_ok=1
      else
        problem="${problem:+$problem; }mote convert --quantize int8: $(last_line "$dir/convert_int8.log")"
      fi
    fi
    # Rounds: each engine in turn, the best median kept.
    for round in $(seq "$repeat"); do
      [ -z "$problem" ] || break
      if "$mote" bench "$blob" --iters "$iters" --warmup 2 --input "input=$input" \
          --json > "$dir/bench_mote.json" 2>&1; then
        mote_ms=$(best "$mote_ms" "$(json_num median_ms < "$dir/bench_mote.json")")
        kernels=$(grep -o '"kernels": *"[^"]*"' "$dir/bench_mote.json" | sed 's/.*: *"//; s/"$//')
      else
        problem="mote bench: $(last_line "$dir/bench_mote.json")"
      fi
      if node "$ort_run" "$work/onnx/$model.onnx" "$input" --bench "$iters" --warmup 2 \
          > "$dir/bench_ort.json" 2>&1; then
        ort_ms=$(best "$ort_ms" "$(json_num median_ms < "$dir/bench_ort.json")")
      else
        problem="${problem:+$problem; }onnxruntime-node: $(last_line "$dir/bench_ort.json")"
      fi
      [ "$q_ok" -eq 1 ] || continue
      if "$mote" bench "$dir/$model.int8.mote" --iters "$iters" --warmup 2 --input "input=$input" \
          --json > "$dir/bench_mote_int8.json" 2>&1; then
        q_ms=$(best "$q_ms" "$(json_num median_ms < "$dir/bench_mote_int8.json")")
      else
        problem="${problem:+$problem; }mote bench (int8): $(last_line "$dir/bench_mote_int8.json")"
      fi
    done
    if [ -z "$problem" ]; then
      ratio=$(awk -v a="$mote_ms" -v b="$ort_ms" 'BEGIN { printf "%.2f", a / b }')
      if [ "$q_ms" != - ]; then
        q_ratio=$(awk -v a="$q_ms" -v b="$ort_ms" 'BEGIN { printf "%.2f", a / b }')
        q_ms=$(printf '%.2f' "$q_ms")
      fi
      mote_ms=$(printf '%.2f' "$mote_ms")
      ort_ms=$(printf '%.2f' "$ort_ms")
    fi
  fi
  if [ -n "$problem" ]; then
    echo "bench: $model: $problem" >&2
    errors=$((errors + 1))
  fi
  rows+=("| $model | $macs | $mote_ms | $ort_ms | $ratio | $q_ms | $q_ratio | $arena | $arena_ratio |")
done

echo
echo "Best of $repeat interleaved rounds of the median over $iters runs, one thread; onnxruntime is onnxruntime-node" \
  "$(node -p "require('$tests_dir/node_modules/onnxruntime-node/package.json').version") (float32);" \
  "load average $load at the start, $(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo unknown) at the end; Mote kernels: $kernels;" \
  "float blobs converted with --target $target."
echo
echo "| model | MACs | Mote f32 ms | onnxruntime f32 ms | Mote f32/ort | Mote int8 ms | Mote int8/ort f32 | arena bytes (f32) | arena/lower bound |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
[ "$errors" -eq 0 ]
