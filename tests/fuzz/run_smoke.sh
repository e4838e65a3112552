#!/usr/bin/env bash
# The fuzzers' CI step (tools/test.sh): builds them in build-fuzz with clang (ASan + UBSan +
# libFuzzer; only the fuzz targets and what they link), generates the seed corpora with
# make_corpus.py, and runs each fuzzer for 60 seconds on its corpus, two at a time. Fails on any crash, sanitizer
# report, cross-kernel-set mismatch, out-of-memory or timeout; the reproducers are kept in
# build-fuzz/fuzz-artifacts and each fuzzer's log in build-fuzz/fuzz-logs.
#
# Environment: MOTE_CLI (a built `mote` for the corpus; default: build it in build-fuzz),
# MOTE_FUZZ_SECONDS (60), MOTE_FUZZ_TEXT_SECONDS (fuzz_text, 20), MOTE_FUZZ_JOBS (build jobs, 2), MOTE_FUZZ_BUILD (build-fuzz).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${MOTE_FUZZ_BUILD:-$here/build-fuzz}
seconds=${MOTE_FUZZ_SECONDS:-60}
# A fixed seed: a failure in CI replays the same way on a developer's machine (MOTE_FUZZ_SEED=0
# lets libFuzzer pick one).
seed=${MOTE_FUZZ_SEED:-1}
jobs=${MOTE_FUZZ_JOBS:-2}
fuzz=$here/tests/fuzz

if ! command -v clang++ > /dev/null; then
  echo "run_smoke.sh: clang++ not found (the fuzzers need clang's libFuzzer: apt-get install clang)" >&2
  exit 1
fi
start=$(date +%s)
# -O1 without -g (the configuration tools/test.sh gives build-fuzz too, so that neither step
# rebuilds the other's): the sanitized x86 kernels compile in about 3/4 of the CPU time of
# RelWithDebInfo's -O2 -g; the reports name the functions, without file:line
# (tests/fuzz/README.md).
cmake -S "$here" -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DMOTE_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS_RELEASE="-O1 -DNDEBUG" -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG" \
  -DMOTE_FUZZ_DEBUG_INFO=OFF > /dev/null
targets=(mote_fuzzers)
mote=${MOTE_CLI:-}
if [ -z "$mote" ]; then
  targets+=(mote)
  mote=$build/bin/mote
fi
cmake --build "$build" -j"$jobs" --target "${targets[@]}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
corpus=$build/fuzz-corpus
if [ ! -d "$corpus/blob" ] || [ ! -d "$corpus/onnx" ]; then
  rm -rf "$corpus"
  /usr/bin/python3 "$fuzz/make_corpus.py" "$mote" "$corpus"
fi

# fuzz_text's seeds: a vocabulary table (as is, CRC recomputed), a vocab.txt, text alone.
if [ ! -d "$corpus/text" ]; then
  mkdir -p "$corpus/text" "$build/fuzz-work"
  printf '[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\nworld\n##s\nun\n##aff\n##able\n\xce\xbf\xce\xb4\xce\xbf\xcf\x82\ncafe\n\xe4\xb8\xad\n' \
    > "$build/fuzz-work/vocab.txt"
  "$mote" vocab "$build/fuzz-work/vocab.txt" -o "$build/fuzz-work/seed.motevocab" --max-len 16 > /dev/null
  text='Hello, WORLDs! unaffable \xce\x9f\xce\x94\xce\x9f\xce\xa3 Caf\xc3\xa9 \xe4\xb8\xad\xe5\x9b\xbd \xff\xc0\x80'
  { printf '\x00'; cat "$build/fuzz-work/seed.motevocab"; printf "$text"; } > "$corpus/text/table"
  { printf '\x01'; cat "$build/fuzz-work/seed.motevocab"; printf "$text"; } > "$corpus/text/table-crc"
  { printf '\x02'; cat "$build/fuzz-work/vocab.txt"; printf '\xff'; printf "$text"; } > "$corpus/text/vocab-txt"
  { printf '\x03\x05'; printf "$text"; } > "$corpus/text/text"
fi

mkdir -p "$build/fuzz-artifacts" "$build/fuzz-logs"
rm -f "$build"/fuzz-logs/*.failed
run() {  # name seed-corpus dictionary
  local name=$1 seeds=$2 dict=$3 work=$build/fuzz-work/$1 log=$build/fuzz-logs/$1.log
  mkdir -p "$work"
  if ! "$build/bin/$name" -seed="$seed" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -dict="$dict" \
       -artifact_prefix="$build/fuzz-artifacts/$name-" -print_final_stats=1 "$work" "$seeds" > "$log" 2>&1; then
    touch "$build/fuzz-logs/$name.failed"
  fi
}
report() {  # name
  local name=$1 log=$build/fuzz-logs/$1.log
  if [ -e "$build/fuzz-logs/$name.failed" ]; then
    echo "FAIL $name (log: $log)"
    grep -E 'ERROR: |runtime error|mote fuzz: (MISMATCH|convert_bytes|the converter|input_info|output_info)|SUMMARY|Test unit written' "$log" | head -20
    failed+=("$name")
  else
    echo "ok   $name: $(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)"
  fi
}
# Two at a time (CI has two cores): the blob fuzzers, then the converter fuzzers.
echo "== fuzzing ${seconds}s each: fuzz_blob, fuzz_blob_structured"
run fuzz_blob "$corpus/blob" "$fuzz/blob.dict" &
run fuzz_blob_structured "$corpus/blob" "$fuzz/blob.dict" &
wait
echo "== fuzzing ${seconds}s each: fuzz_convert, fuzz_convert_structured"
run fuzz_convert "$corpus/onnx" "$fuzz/onnx.dict" &
run fuzz_convert_structured "$corpus/onnx" "$fuzz/onnx.dict" &
wait
# The tokenizer's fuzzer is small and fast: a shorter run (MOTE_FUZZ_TEXT_SECONDS, 20).
text_seconds=${MOTE_FUZZ_TEXT_SECONDS:-20}
echo "== fuzzing ${text_seconds}s: fuzz_text"
seconds=$text_seconds run fuzz_text "$corpus/text" "$fuzz/text.dict"
failed=()
for name in fuzz_blob fuzz_blob_structured fuzz_convert fuzz_convert_structured fuzz_text; do report "$name"; done

echo "fuzz smoke: $(( $(date +%s) - start ))s"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz smoke FAILED: ${failed[*]} (reproduce: tests/fuzz/README.md)"
  exit 1
fi
