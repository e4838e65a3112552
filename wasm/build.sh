#!/usr/bin/env bash
# Builds Mote's WebAssembly target with emscripten (em++ 3.1.6 or newer) and binaryen.
#
#   wasm/build.sh OUT_DIR [simd] [scalar] [kernels-test] [package] [model=HEADER]...
#                 [model-small=HEADER]...
#                                                            (default: the first four)
#
# Writes into OUT_DIR:
#   mote-simd.wasm     the runtime with the SIMD128 kernels (runtime/kernels/wasm_simd128)
#   mote.wasm          the runtime with the reference kernels only, for engines without SIMD
#   kernels_test.js    tests/wasm/kernels_test.cc (+ kernels_test.wasm): every SIMD128 kernel
#                      against the reference on random shapes; run with `node kernels_test.js`
#   package/           the npm package: wasm/{mote.js,mote.d.ts,README.md,package.json} and both
#                      modules (`cd OUT_DIR/package && npm pack`)
#   mote-simd-NAME.wasm  (part model=NAME.h, a header from `mote convert --c-array`) a SIMD128
#                      module for that model alone: the runtime built with MOTE_OP_CONFIG, so
#                      only the op families the model uses are linked (blobs with other ops are
#                      refused at load, naming the op). A page that ships one model ships this.
#                      The header also says whether the model has depthwise convolutions: the
#                      SIMD128 depthwise kernels (about 25 KB) are linked only then. Softmax's
#                      exp is the small one (MOTE_SMALL_MATH), as in model-small=.
#   mote-simd-small-NAME.wasm  (part model-small=NAME.h) the same module built small, as
#                      mote.wasm is (below): no error detail text, the small CRC table, the
#                      runtime, reference and SIMD128 kernels at -Oz, linked with -flto, with
#                      the bulk-memory, non-trapping float-to-int and sign-extension features
#                      (as mote-simd.wasm), MaxPool on the reference kernel rather than the
#                      SIMD128 band (2 KB), and only the exports wasm/mote.js calls, under short
#                      names it maps back (wasm/short_exports.mjs; not the whole C API, so use
#                      it through mote.js): a page that asked for small trades speed for size
#                      (the SIMD128 kernels built for size are half the bytes and run the large
#                      models 2-3 times slower).
#                      Both per-model modules leave out the reference kernels of the families
#                      the header marks as taken whole by the SIMD128 kernels
#                      (MOTE_REFERENCE_WASM_SIMD128_<family> 0, mote/op_config.h), and the
#                      SIMD routes and forms its ops do not take (MOTE_USE_KERNEL_conv_pointwise,
#                      gemm_nt, gemm_row_tail, max_pool_s2, ...: kernels/simd_route.h).
#   sizes.txt          raw and gzip sizes of the modules
#
# The modules are standalone: no emscripten JS runtime, no filesystem, no allocator (the
# runtime never allocates, and -sMALLOC=none turns any malloc into a link error). They import
# nothing and export the C API of mote.h, a few mote_wasm_* helpers (wasm/mote_wasm.cc) and
# `memory`; wasm/mote.js places blobs and arenas above mote_wasm_heap_base() itself, growing
# memory as it needs.
#
# The runtime library is built by the project's CMake (the MOTE_KERNEL_ISA option picks the
# kernel set), configured with emcmake in OUT_DIR/build-simd and OUT_DIR/build-scalar, with
# per-source optimisation levels (wasm/optimize_kernels.cmake): mote.wasm is built for size
# (it is the small fallback); mote-simd.wasm for speed where it counts: the SIMD128 kernels at
# -O3 (-O2 for the binary rows and the routing), and the rest (the reference kernels, the
# loader and verifier) at -Os (-Oz with one-line functions inlined in mote-simd.wasm, below).
# The reference kernels of the ops a model runs at full size without
# a SIMD128 kernel (layout, softmax, reductions, ...) run several times faster at -O2, for 51 KB
# more module (365,225 -> 313,965 bytes at -Os); the seven torchvision models spend no
# measurable time in them (float and int8 within the noise of an interleaved run), so -Os/-Oz is
# the default and MOTE_WASM_REF_LEVEL=-O2 builds them fast for a page whose model leans on them.
# Then wasm-opt -Oz on all. Size budgets: tests/wasm/runtime.test.mjs.
# MOTE_WASM_SIMD_FLAGS (default -fno-vectorize -fno-slp-vectorize: wasm/optimize_kernels.cmake)
# are added to the SIMD128 kernels' levels. MOTE_WASM_SIMD_LEVEL, MOTE_WASM_ROUTE_LEVEL and
# MOTE_WASM_REF_LEVEL in the environment set the
# SIMD128 kernels', their routing's and the hot reference kernels' levels of the fast modules
# (default -O3, -O2 and -Os), to measure another choice or to build for a model's own mix.
#
# mote.wasm (96 KiB budget, tests/wasm/runtime.test.mjs): -Oz with -finline-functions and the
# inliner's threshold at 0, MOTE_STRIP_ERROR_STRINGS, MOTE_SMALL_CRC32 and MOTE_SMALL_MATH
# (Softmax's exp without the C library's 2 KB table: reference/small_exp.h; the double log, pow,
# DFT sine and cosine and GridSample's fmod without the C library's: reference/small_math.h). Emscripten adds
# -fno-inline-functions at -Os/-Oz, which leaves even one-line member functions (Fail::s,
# TensorView::numel) out of line: the error-detail literals then stay in the data section, and
# -Oz comes out larger than -Os. With inlining back, -Oz is the smaller. The stripped build keeps
# every status and its name (mote_status_str, MoteError.statusText); only the detail text
# (MoteError.detail: which tensor, which axis) is empty. The small CRC table costs about half the
# checksum's speed, once per blob at load. mote-simd.wasm keeps the detail and the fast CRC.
#
# Emscripten's Debian package ships a prebuilt, frozen system-library cache, which is all this
# needs. Set EM_CACHE to use another one (it is then filled on first use, a few minutes).
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "usage: $0 OUT_DIR [simd] [scalar] [kernels-test] [package] [model=HEADER]..." >&2
  exit 2
fi
src=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
shift
parts=("$@")
[ ${#parts[@]} -eq 0 ] && parts=(simd scalar kernels-test package)

for tool in em++ emcmake wasm-opt cmake node; do
  command -v "$tool" > /dev/null || { echo "build.sh: $tool not found (apt-get install emscripten binaryen cmake)" >&2; exit 1; }
done
# Host flags must not leak into a cross build.
unset CFLAGS CXXFLAGS CPPFLAGS LDFLAGS CC CXX
jobs=${MOTE_WASM_JOBS:-$(nproc 2> /dev/null || echo 2)}  # MOTE_WASM_JOBS: build jobs (default: the cores)

# The exports: the whole C API of mote.h and text.h (the tokenizer), and the helpers of
# wasm/mote_wasm.cc. A module for known models (model=HEADER) leaves the tokenizer out unless one
# of them carries a vocabulary (MOTE_USE_TEXT in the header `mote convert --c-array` writes).
api=$(sed -n 's/^[A-Za-z0-9_ *]*[ *]\(mote_[a-z_]*\)(.*/_\1/p' "$src/runtime/include/mote/mote.h" "$src/runtime/include/mote/status.h")
text_api=$(sed -n 's/^[A-Za-z0-9_ *]*[ *]\(mote_[a-z_]*\)(.*/_\1/p' "$src/runtime/include/mote/text.h")
helpers=$(sed -n 's/^.*uint32_t \(mote_wasm_[a-z_]*\)(void).*/_\1/p' "$src/wasm/mote_wasm.cc")
uses_text() {  # [OP_CONFIG_HEADER]: true for the full modules, or when a model of the header has a vocabulary
  [ -z "${1:-}" ] || em++ -E -dM -x c++ -include "$1" /dev/null 2> /dev/null | grep -q '^#define MOTE_USE_TEXT 1$'
}
exports_for() {  # [OP_CONFIG_HEADER]
  local list="$api $helpers"
  if uses_text "${1:-}"; then list="$list $text_api"; fi
  echo $list | tr ' ' '\n' | sort -u | paste -sd, -
}
# The module built small (model-small=) exports only what wasm/mote.js calls of it (its
# SHORT_EXPORTS: not mote_status_str, whose names the glue has, mote_session_set_input, which
# the glue needs only for detail text, nor mote_model_find_input/output or mote_model_optimized),
# under short names (wasm/short_exports.mjs).
small_exports_for() {  # OP_CONFIG_HEADER
  local glue
  glue=$(node "$src/wasm/short_exports.mjs" --list | sed 's/^/_/')
  exports_for "$1" | tr , '\n' | grep -Fxf <(echo "$glue") | paste -sd, -
}

link_flags=(
  -sSTANDALONE_WASM --no-entry
  -sMALLOC=none -sFILESYSTEM=0 -sSUPPORT_ERRNO=0
  -sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=1MB -sTOTAL_STACK=256KB
  -sERROR_ON_UNDEFINED_SYMBOLS=1
)

build_runtime() {  # NAME ISA EXTRA_CXX_FLAGS OUTPUT HOT_LEVEL COLD_LEVEL [OP_CONFIG_HEADER [SIMD_LEVEL ROUTE_LEVEL [short]]]
  local name=$1 isa=$2 flags=$3 wasm=$4 level=$5 cold=$6 op_config=${7:-} simd_level=${8:-${MOTE_WASM_SIMD_LEVEL:--O3}} route_level=${9:-${MOTE_WASM_ROUTE_LEVEL:--O2}} short=${10:-}
  local dir="$out/build-$name"
  echo "== $name: runtime (MOTE_KERNEL_ISA=$isa${flags:+, $flags}${op_config:+, MOTE_OP_CONFIG=$op_config})"
  emcmake cmake -S "$src" -B "$dir" -DCMAKE_BUILD_TYPE=MinSizeRel -DMOTE_BUILD_HOST_TOOLS=OFF \
    -DMOTE_KERNEL_ISA="$isa" -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_CXX_FLAGS_MINSIZEREL="-DNDEBUG" \
    -DMOTE_OP_CONFIG="$op_config" \
    -DCMAKE_PROJECT_INCLUDE="$src/wasm/optimize_kernels.cmake" -DMOTE_WASM_REF_LEVEL="$level" -DMOTE_WASM_COLD_LEVEL="$cold" \
    -DMOTE_WASM_SIMD_LEVEL="$simd_level" -DMOTE_WASM_ROUTE_LEVEL="$route_level" \
    -DMOTE_WASM_SIMD_FLAGS="${MOTE_WASM_SIMD_FLAGS--fno-vectorize -fno-slp-vectorize}" > "$dir.log" 2>&1 ||
    { tail -30 "$dir.log" >&2; exit 1; }
  cmake --build "$dir" --target mote_runtime -j "$jobs" >> "$dir.log" 2>&1 ||
    { grep -E -A5 'error' "$dir.log" | head -60 >&2; exit 1; }
  echo "== $name: link $wasm"
  em++ -Oz $flags -std=c++17 -ffreestanding -fno-exceptions -fno-rtti -I"$src/runtime/include" \
    "$src/wasm/mote_wasm.cc" "$dir/lib/libmote_runtime.a" -o "$dir/linked.wasm" "${link_flags[@]}" \
    -sEXPORTED_FUNCTIONS="$(if [ -n "$short" ]; then small_exports_for "$op_config"; else exports_for "$op_config"; fi)"
  if [ -n "$short" ]; then
    node "$src/wasm/short_exports.mjs" "$dir/linked.wasm" "$dir/linked-short.wasm"
    mv "$dir/linked-short.wasm" "$dir/linked.wasm"
  fi
  local features=()
  [ "$isa" = wasm_simd128 ] && features=(--enable-simd)
  case " $flags " in *" -mbulk-memory "*) features+=(--enable-bulk-memory) ;; esac
  case " $flags " in *" -mnontrapping-fptoint "*) features+=(--enable-nontrapping-float-to-int) ;; esac
  case " $flags " in *" -msign-ext "*) features+=(--enable-sign-ext) ;; esac
  # The small module: binaryen's control flow rebuilt from a flat form first (--flatten
  # --rereloop), which its -Oz then shrinks 70 bytes further than -Oz alone.
  local passes=(-Oz)
  [ -n "$short" ] && passes=(--flatten --rereloop -Oz -Oz)
  wasm-opt "${passes[@]}" "${features[@]}" "$dir/linked.wasm" -o "$out/$wasm"
  if wasm-dis "$out/$wasm" 2> /dev/null | grep -q '^ *(import '; then
    echo "build.sh: $wasm imports something; the glue provides nothing:" >&2
    wasm-dis "$out/$wasm" | grep '^ *(import ' >&2
    exit 1
  fi
}

build_kernels_test() {
  # A test harness, not the runtime: emscripten's normal libc and heap are fine here. It links
  # the SIMD build's library, so it tests the kernels exactly as mote-simd.wasm carries them.
  local lib="$out/build-simd/lib/libmote_runtime.a"
  [ -f "$lib" ] || build_runtime simd wasm_simd128 "$simd_flags" mote-simd.wasm "$simd_ref_level" "$cold_level"
  echo "== kernels-test: tests/wasm/kernels_test.cc"
  # Compiled optimised, linked at -O0: the optimising link runs emscripten's JS minifier, which
  # needs Node's acorn module, and the harness's JS does not need minifying.
  em++ -O2 $simd_flags -std=c++17 -fno-exceptions -fno-rtti -I"$src/runtime/include" -I"$src/runtime/internal" -I"$src" \
    -c "$src/tests/wasm/kernels_test.cc" -o "$out/build-simd/kernels_test.o"
  # Synchronous instantiation: the asynchronous path of 3.1.6 calls fetch() on a file path,
  # which Node 18+ has but cannot use for files.
  em++ -O0 "$out/build-simd/kernels_test.o" "$lib" -sENVIRONMENT=node -sALLOW_MEMORY_GROWTH=1 -sEXIT_RUNTIME=1 \
    -sWASM_ASYNC_COMPILATION=0 \
    -o "$out/kernels_test.js"
}

stage_package() {
  echo "== package: $out/package"
  local f
  for f in mote.wasm mote-simd.wasm; do
    [ -f "$out/$f" ] || { echo "build.sh: package needs $f: build simd and scalar first" >&2; exit 1; }
  done
  rm -rf "$out/package"
  mkdir -p "$out/package"
  cp "$src/LICENSE" "$src/wasm/mote.js" "$src/wasm/mote-worker.js" "$src/wasm/mote.d.ts" "$src/wasm/README.md" "$src/wasm/package.json" \
    "$out/mote.wasm" "$out/mote-simd.wasm" "$out/package/"
  mkdir -p "$out/package/examples"
  cp "$src/wasm/examples/run.mjs" "$src/wasm/examples/npy.mjs" "$out/package/examples/"
}

# The all-ops SIMD128 module's features beyond SIMD128 (MOTE_WASM_SIMD_FEATURES; every engine
# with SIMD128 has them): bulk memory (memory.copy/fill for memcpy/memset), float-to-int
# conversions that saturate instead of trapping (no range checks around each conversion) and
# sign extension; -537 bytes. MOTE_SMALL_MATH: the reference kernels' double log, pow, exp,
# the DFT's sine and cosine and GridSample's fmod without the C library's (reference/small_exp.h,
# small_math.h; LogSoftmax, the log reductions, Pow, the DFT and GridSample then link neither
# `log`, `pow`, `exp`, `sin`/`cos` nor `fmod`, and none of their tables): 256,102 -> 249,605 bytes
# (gzip -9 113,513 -> 109,001), fmod -378 more; the seven torchvision models run none of them.
simd_flags="-msimd128 -DMOTE_SMALL_MATH ${MOTE_WASM_SIMD_FEATURES--mbulk-memory -mnontrapping-fptoint -msign-ext}"
# The hot reference kernels' level in the fast modules (see the header).
ref_level=${MOTE_WASM_REF_LEVEL:--Os}
# mote-simd.wasm's reference kernels, shape inference, loader and verifier (MOTE_WASM_REF_LEVEL,
# MOTE_WASM_COLD_LEVEL): -Oz with the inliner back for one-line functions (see the header),
# 294,139 -> 288,598 bytes against -Os, and the seven torchvision models no slower (the ops they
# run on reference kernels, Reshape, Concat, Transpose, ..., move memory; interleaved runs).
simd_oz="-Oz -finline-functions -mllvm -inline-threshold=0"
simd_ref_level=${MOTE_WASM_REF_LEVEL:-$simd_oz}
cold_level=${MOTE_WASM_COLD_LEVEL:-$simd_oz}
# The small builds' flags (mote.wasm, model-small=): see the header.
small_flags="-DMOTE_STRIP_ERROR_STRINGS -DMOTE_SMALL_CRC32 -DMOTE_SMALL_MATH -finline-functions -mllvm -inline-threshold=0"
# The per-model module (model=): Softmax's exp without the C library's (its 2 KB table and 0.5 KB
# of code; reference/small_exp.h, within 1e-14 of it in double before the float32 result).
model_flags="-DMOTE_SMALL_MATH"

for part in "${parts[@]}"; do
  case "$part" in
    simd) build_runtime simd wasm_simd128 "$simd_flags" mote-simd.wasm "$simd_ref_level" "$cold_level" ;;
    scalar) build_runtime scalar ref "$small_flags" mote.wasm -Oz -Oz ;;
    kernels-test) build_kernels_test ;;
    package) stage_package ;;
    model=* | model-small=*)
      header=${part#*=}
      [ -f "$header" ] || { echo "build.sh: $part: no such header" >&2; exit 2; }
      header=$(cd "$(dirname "$header")" && pwd)/$(basename "$header")
      name=$(basename "$header" .h)
      if [ "${part%%=*}" = model ]; then
        build_runtime "simd-$name" wasm_simd128 "-msimd128 $model_flags" "mote-simd-$name.wasm" "$ref_level" -Os "$header"
      else
        build_runtime "simd-small-$name" wasm_simd128 "$simd_flags -flto -DMOTE_WASM_SMALL_KERNELS=1 $small_flags" "mote-simd-small-$name.wasm" -Oz -Oz "$header" -Oz -Oz short
      fi ;;
    *) echo "build.sh: unknown part '$part' (simd, scalar, kernels-test, package, model=HEADER, model-small=HEADER)" >&2; exit 2 ;;
  esac
done

{
  for f in mote.wasm mote-simd.wasm $(cd "$out" && ls mote-simd-*.wasm 2> /dev/null); do
    [ -f "$out/$f" ] || continue
    printf '%-27s %7d bytes raw, %6d bytes gzip -9\n' "$f" "$(stat -c %s "$out/$f")" "$(gzip -9c "$out/$f" | wc -c)"
  done
} > "$out/sizes.txt"
cat "$out/sizes.txt"
