#!/usr/bin/env bash
# Freestanding proof for the Mote runtime.
#
# Builds the mote_runtime library (runtime/ sources only) for bare-metal Arm Cortex-M4F with
# arm-none-eabi-g++ and for WebAssembly with em++, then inspects the produced archives:
#
#   * no undefined symbol that would pull in the heap, C++ exceptions/RTTI, thread-safe statics,
#     stdio, abort/exit, libstdc++ or static destructors;
#   * no static constructors (.init_array/.ctors sections; wasm InitFunctions);
#   * (Cortex-M4) no mutable global state: .data and .bss are empty;
#   * (Cortex-M4) no function under runtime/kernels has a stack frame above 512 bytes (the build
#     has the board's kernel set, arm_dsp, and -fstack-usage -fcallgraph-info=su:
#     tools/stack_report.py, which also prints the largest frames and the deepest call chains
#     below mote_model_load and mote_session_run, C library frames included).
#
# Usage: check_freestanding.sh SOURCE_DIR BUILD_ROOT [TARGET...]
#   TARGET: cortex-m4, wasm (default: both), or one of the other boards' CPUs: cortex-m7,
#   cortex-m55, cortex-a15 (arm-none-eabi-g++) and aarch64 (aarch64-linux-gnu-g++), built with
#   the toolchain files in boards/cmake; or x86: the x86 kernel set built for the host with the
#   host g++ at -O3, its kernel frames checked (tests/freestanding/x86_frames.txt). Each target builds in BUILD_ROOT/TARGET; em++ gets a
#   private cache in BUILD_ROOT/em-cache (the first run installs its system headers there).
#        check_freestanding.sh --link-map MAP...
#   checks final firmware link maps (written with -Wl,-Map,FILE,--cref) instead: no symbol of
#   the forbidden kinds below may be referenced by a member of libmote_runtime.a (the program
#   around the runtime, e.g. a test harness's printf, may use them).
# Extra CMake arguments for both cross builds (e.g. -DMOTE_KERNEL_ISA=...) may be given in
# MOTE_FREESTANDING_CMAKE_ARGS.
# Exit status: 0 if every check passed, 1 if any failed, 77 if no target's toolchain was found.
set -u

LINK_MAPS=()
if [ "${1:-}" = "--link-map" ]; then
  shift
  LINK_MAPS=("$@")
  [ ${#LINK_MAPS[@]} -eq 0 ] && { echo "usage: $0 --link-map MAP..." >&2; exit 2; }
else
  if [ $# -lt 2 ]; then
    echo "usage: $0 SOURCE_DIR BUILD_ROOT [cortex-m4|wasm|cortex-m7|cortex-m55|cortex-a15|aarch64|x86]..." >&2
    echo "       $0 --link-map MAP..." >&2
    exit 2
  fi
  SRC=$(cd "$1" && pwd) || exit 2
  mkdir -p "$2" || exit 2
  ROOT=$(cd "$2" && pwd) || exit 2
  shift 2
  TARGETS=("$@")
  [ ${#TARGETS[@]} -eq 0 ] && TARGETS=(cortex-m4 wasm)
fi

JOBS=$(nproc 2>/dev/null || echo 2)
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
# Host flags from the environment must not leak into the cross builds.
unset CFLAGS CXXFLAGS CPPFLAGS LDFLAGS CC CXX

# Undefined symbols the runtime must never need (extended regular expressions over mangled
# names, matched against the whole symbol).
FORBIDDEN=(
  # heap
  'malloc|calloc|realloc|free|aligned_alloc|posix_memalign|memalign|valloc|pvalloc|sbrk|_sbrk|_?_malloc_r|_?_calloc_r|_?_realloc_r|_?_free_r'
  # operator new / new[] / delete / delete[] (all overloads: sized, aligned, nothrow)
  '_Zn[wa][mj].*|_Zd[la]Pv.*'
  # exceptions and unwinding
  '__cxa_(allocate|free)_exception|__cxa_throw|__cxa_rethrow|__cxa_(begin|end)_catch|__cxa_end_cleanup|__cxa_call_unexpected|__cxa_throw_bad_array_new_length|__gxx_personality.*|_Unwind_.*|__aeabi_unwind_cpp_pr[0-9]'
  # thread-safe function-local statics
  '__cxa_guard_(acquire|release|abort)'
  # RTTI and virtual-call traps
  '__dynamic_cast|__cxa_bad_(cast|typeid)|_ZTI.*|_ZTS.*|__cxa_pure_virtual|__cxa_deleted_virtual'
  # stdio
  '(v?[fs]?n?i?printf)|_?_?(v?[fs]?n?i?printf)_r|puts|putchar|fputs|fputc|putc|fwrite|fflush|fopen|fclose|fread|perror|stdout|stderr|stdin|_impure_ptr|_global_impure_ptr|__stdout_used|__stderr_used|__stdoutp|__stderrp'
  # process termination, assertions, static destructors
  'abort|exit|_exit|_Exit|atexit|__cxa_atexit|__aeabi_atexit|__cxa_finalize|__dso_handle|__assert_fail|__assert_func|__assert|_assert'
  # the C++ standard library proper (std::terminate, std::__throw_*, ...)
  '_ZSt.*|_ZNSt.*|_ZNKSt.*|_ZGVZ.*'
  # errno and thread-local storage
  'errno|__errno|__errno_location|__tls_get_addr|__aeabi_read_tp'
)
FORBIDDEN_RE="^($(IFS='|'; echo "${FORBIDDEN[*]}"))\$"
# Functions compilers emit for static initialisers and destructors of globals.
CTOR_RE='^(_GLOBAL__sub_I_.*|_GLOBAL__I_.*|_GLOBAL__sub_D_.*|__cxx_global_var_init.*|__cxx_global_array_dtor.*|_Z41__static_initialization_and_destruction_0ii)$'

TOTAL_PASS=0
TOTAL_FAIL=0
RAN=0

pass() { echo "  PASS  $*"; PASSED=$((PASSED + 1)); }
fail() { echo "  FAIL  $*"; FAILED=$((FAILED + 1)); }

# Prints words in columns, indented.
columns() {
  sed '/^$/d' | awk '{ printf "%s%-36s", (NR % 3 == 1 ? "          " : ""), $0; if (NR % 3 == 0) printf "\n" }
                     END { if (NR % 3 != 0) printf "\n" }' | sed 's/ *$//'
}

# Link-map mode: GNU ld's cross-reference table lists each symbol with the file defining it
# first, then every file referencing it (a long symbol name puts the definer on the next line).
if [ ${#LINK_MAPS[@]} -gt 0 ]; then
  maps_failed=0
  for map in "${LINK_MAPS[@]}"; do
    if ! grep -q '^Cross Reference Table' "$map" 2>/dev/null; then
      echo "  FAIL  $map: no cross reference table (link with -Wl,-Map,FILE,--cref)"
      maps_failed=$((maps_failed + 1))
      continue
    fi
    bad=$(awk '/^Cross Reference Table/ { on = 1; next }
               on && /^[^ \t]/ { sym = $1; seen = (NF >= 2); next }
               on && NF == 1 { if (seen) print sym "\t" $1; else seen = 1 }' "$map" |
          awk -F'\t' '$2 ~ /libmote_runtime\.a\(/ { print $1 }' | grep -E "$FORBIDDEN_RE" | sort -u || true)
    if ! grep -q 'libmote_runtime\.a(' "$map"; then
      echo "  FAIL  $map: no libmote_runtime.a member in the link"
      maps_failed=$((maps_failed + 1))
    elif [ -z "$bad" ]; then
      echo "  PASS  $map: the runtime's objects reference no heap, exception, RTTI, guard, stdio or exit symbol"
    else
      echo "  FAIL  $map: the runtime's objects reference:"
      echo "$bad" | columns
      maps_failed=$((maps_failed + 1))
    fi
  done
  echo "link maps: $((${#LINK_MAPS[@]} - maps_failed)) passed, $maps_failed failed"
  [ "$maps_failed" -eq 0 ]
  exit
fi

# External undefined symbols of an archive: undefined in some member, defined in none.
external_undefined() {  # NM ARCHIVE
  local nm=$1 lib=$2
  comm -23 <("$nm" -u "$lib" 2>/dev/null | awk 'NF == 2 && $1 == "U" { print $2 }' | sort -u) \
           <("$nm" --defined-only "$lib" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u)
}

check_symbols() {  # NM ARCHIVE
  local nm=$1 lib=$2
  local undef bad ctors
  undef=$(external_undefined "$nm" "$lib")
  echo "  undefined symbols ($(echo "$undef" | sed '/^$/d' | wc -l)), resolved by the C library, libm and compiler runtime:"
  echo "$undef" | columns
  bad=$(echo "$undef" | grep -E "$FORBIDDEN_RE" || true)
  if [ -z "$bad" ]; then
    pass "no heap, exception, RTTI, guard, stdio, abort/exit, atexit or libstdc++ symbols"
  else
    fail "forbidden undefined symbols:"
    echo "$bad" | columns
  fi
  ctors=$("$nm" --defined-only "$lib" 2>/dev/null | awk 'NF == 3 { print $3 }' | grep -E "$CTOR_RE" || true)
  if [ -z "$ctors" ]; then
    pass "no static initialiser/destructor functions"
  else
    fail "static initialiser/destructor functions:"
    echo "$ctors" | columns
  fi
}

configure_and_build() {  # NAME BUILD_DIR CMAKE_COMMAND...
  local name=$1 dir=$2
  shift 2
  local log="$dir.log"
  local t0 t1
  t0=$(date +%s)
  # shellcheck disable=SC2086  # word splitting of the extra arguments is intended
  if ! "$@" -S "$SRC" -B "$dir" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-MinSizeRel}" -DMOTE_BUILD_HOST_TOOLS=OFF \
       ${MOTE_FREESTANDING_CMAKE_ARGS:-} >"$log" 2>&1; then
    fail "$name: configure (see $log)"
    tail -20 "$log" | sed 's/^/        /'
    return 1
  fi
  if ! cmake --build "$dir" --target mote_runtime -j "$JOBS" >>"$log" 2>&1; then
    fail "$name: build mote_runtime (see $log)"
    grep -E 'error|Error' "$log" | head -20 | sed 's/^/        /'
    return 1
  fi
  t1=$(date +%s)
  pass "$name: configured and built mote_runtime in $((t1 - t0)) s"
  return 0
}

target_cortex_m4() {
  local dir="$ROOT/cortex-m4"
  local lib="$dir/lib/libmote_runtime.a"
  echo "== cortex-m4: arm-none-eabi-g++ -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -Os, arm_dsp kernels"
  # Not through a compiler cache (the tests' CMAKE_<LANG>_COMPILER_LAUNCHER=ccache): a cached
  # object would come without the .ci call graph -fcallgraph-info writes beside it.
  configure_and_build cortex-m4 "$dir" env -u CMAKE_C_COMPILER_LAUNCHER -u CMAKE_CXX_COMPILER_LAUNCHER \
    cmake -DCMAKE_TOOLCHAIN_FILE="$SRC/boards/cmake/arm-none-eabi-cortex-m4.cmake" \
    -DMOTE_KERNEL_ISA=arm_dsp -DMOTE_STACK_USAGE=ON ||
    return
  check_symbols arm-none-eabi-nm "$lib"

  local secs
  secs=$(arm-none-eabi-objdump -h "$lib" | awk '$2 ~ /^\.(init_array|ctors|fini_array|dtors|preinit_array)/ { print $2 }' | sort -u)
  if [ -z "$secs" ]; then
    pass "no .init_array/.ctors/.fini_array/.dtors sections"
  else
    fail "constructor/destructor sections present: $(echo "$secs" | tr "\n" " ")"
  fi

  echo "  size (arm-none-eabi-size -t, per member, before --gc-sections):"
  arm-none-eabi-size -t "$lib" | sed -e "s| (ex $lib)||" -e 's/^/          /'
  local data bss
  read -r _ data bss _ < <(arm-none-eabi-size -t "$lib" | tail -1)
  if [ "$data" = 0 ] && [ "$bss" = 0 ]; then
    pass "no mutable global state (.data = 0, .bss = 0)"
  else
    fail "mutable global state: .data = $data, .bss = $bss bytes"
    arm-none-eabi-nm -S --size-sort "$lib" | awk '$3 ~ /^[bBdD]$/' | sed 's/^/          /'
  fi

  # Stack frames, from the build's call graphs, with the frames of the archives a firmware links.
  local flags=(-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16) libs=() l report
  for l in "$(arm-none-eabi-gcc "${flags[@]}" -print-file-name=libm.a)" \
           "$(arm-none-eabi-gcc "${flags[@]}" -specs=nano.specs -print-file-name=libc_nano.a)" \
           "$(arm-none-eabi-gcc "${flags[@]}" -print-libgcc-file-name)"; do
    [ -f "$l" ] && libs+=(--lib "$l")
  done
  # The limits Mote promises (mote info prints them).
  local budget="$SRC/runtime/internal/mote/stack_budget.h" frame_limit chain_limit
  frame_limit=$(sed -n 's/^#define MOTE_KERNEL_FRAME_LIMIT_BYTES \([0-9]*\)$/\1/p' "$budget")
  chain_limit=$(sed -n 's/^#define MOTE_CORTEX_M4_STACK_BYTES \([0-9]*\)$/\1/p' "$budget")
  if report=$("$PY" "$SRC/tools/stack_report.py" "$dir" "$SRC" --top 8 --limit "${frame_limit:?}" \
      --chain-limit "${chain_limit:?}" "${libs[@]}" 2>&1); then
    pass "stack: $(echo "$report" | tail -1 | sed 's/^PASS: //')"
  else
    fail "stack: $(echo "$report" | grep -E '^(FAIL|stack_report)' | head -1)"
  fi
  echo "$report" | sed -e '$d' -e 's/^/          /'
}

# The other boards' CPUs (boards/cmake toolchain files): the same symbol, section and global
# state checks as for the Cortex-M4.
target_cross() {  # NAME TOOLCHAIN_FILE TOOL_PREFIX
  local name=$1 toolchain=$2 prefix=$3
  local dir="$ROOT/$name"
  local lib="$dir/lib/libmote_runtime.a"
  echo "== $name: ${prefix}g++ with $(basename "$toolchain") -Os"
  configure_and_build "$name" "$dir" cmake -DCMAKE_TOOLCHAIN_FILE="$toolchain" || return
  check_symbols "${prefix}nm" "$lib"
  local secs
  secs=$("${prefix}objdump" -h "$lib" | awk '$2 ~ /^\.(init_array|ctors|fini_array|dtors|preinit_array)/ { print $2 }' | sort -u)
  if [ -z "$secs" ]; then
    pass "no .init_array/.ctors/.fini_array/.dtors sections"
  else
    fail "constructor/destructor sections present: $(echo "$secs" | tr "\n" " ")"
  fi
  local text data bss
  read -r text _ _ _ < <("${prefix}size" -t "$lib" | tail -1)
  # Writable data, leaving out .data.rel.ro: position-independent code (AArch64 Linux defaults to
  # PIE) keeps constant tables of pointers there, read-only once relocated.
  data=0
  bss=0
  local kind hex
  while read -r kind hex; do
    if [ "$kind" = d ]; then data=$((data + 16#$hex)); else bss=$((bss + 16#$hex)); fi
  done < <("${prefix}objdump" -h "$lib" | awk '
      $2 ~ /^\.(s?data|tdata)/ && $2 !~ /^\.data\.rel\.ro/ { print "d", $3 }
      $2 ~ /^\.(s?bss|tbss)/ { print "b", $3 }')
  echo "  size (before --gc-sections): text $text, writable data $data, bss $bss"
  if [ "$data" = 0 ] && [ "$bss" = 0 ]; then
    pass "no mutable global state (.data = 0, .bss = 0)"
  else
    fail "mutable global state: .data = $data, .bss = $bss bytes"
    "${prefix}nm" -S --size-sort "$lib" | awk '$3 ~ /^[bBdD]$/' | sed 's/^/          /'
  fi
}

target_wasm() {
  local dir="$ROOT/wasm"
  local lib="$dir/lib/libmote_runtime.a"
  echo "== wasm: em++ $(em++ --version 2>/dev/null | head -1 | sed 's/.*) \([0-9.]*\).*/\1/') -Os"
  # A private, writable emscripten cache: the system one is frozen (FROZEN_CACHE) and may not
  # be writable. Compiling a static library only needs the system headers installed in it.
  export EM_CACHE="$ROOT/em-cache"
  export EM_FROZEN_CACHE=
  local nm
  nm=$(command -v llvm-nm || command -v emnm)
  # em++ is not a compiler for the tests' compiler cache (CMAKE_<LANG>_COMPILER_LAUNCHER).
  configure_and_build wasm "$dir" env -u CMAKE_C_COMPILER_LAUNCHER -u CMAKE_CXX_COMPILER_LAUNCHER emcmake cmake || return
  check_symbols "$nm" "$lib"

  local readobj inits
  readobj=$(command -v llvm-readobj || true)
  if [ -n "$readobj" ]; then
    inits=$("$readobj" --sections "$lib" 2>/dev/null | grep -c 'InitFunctions' || true)
    if [ "$inits" = 0 ]; then
      pass "no wasm InitFunctions (static constructors)"
    else
      fail "$inits object(s) carry wasm InitFunctions (static constructors)"
    fi
  fi

  local size
  size=$(command -v llvm-size || true)
  if [ -n "$size" ]; then
    echo "  size (llvm-size -t: CODE / DATA sections):"
    "$size" -t "$lib" | tail -1 | sed 's/^/          /'
  fi
}

# The x86 kernel set's host objects (the host g++, Release as the CLI and the benches build
# them, every level): no function under runtime/kernels/x86 may have a frame above the limit but
# those tests/freestanding/x86_frames.txt lists, each held to the frame it names there.
target_x86() {
  local dir="$ROOT/x86"
  echo "== x86: $(g++ --version | head -1) -O3 (Release), x86 kernels (SSE4.1, AVX2, AVX-512)"
  # Position-independent as in the build the CLI, the Python module and the benches link.
  BUILD_TYPE=Release configure_and_build x86 "$dir" cmake -DMOTE_KERNEL_ISA=x86 -DMOTE_STACK_USAGE=ON \
    -DCMAKE_POSITION_INDEPENDENT_CODE=ON || return
  local budget="$SRC/runtime/internal/mote/stack_budget.h" frame_limit report
  frame_limit=$(sed -n 's/^#define MOTE_KERNEL_FRAME_LIMIT_BYTES \([0-9]*\)$/\1/p' "$budget")
  if report=$("$PY" "$SRC/tools/stack_report.py" "$dir/runtime" "$SRC" --top 8 --limit "${frame_limit:?}" \
      --kernels runtime/kernels/x86 --known "$SRC/tests/freestanding/x86_frames.txt" 2>&1); then
    pass "stack: $(echo "$report" | tail -1 | sed 's/^PASS: //')"
  else
    fail "stack: $(echo "$report" | grep -E '^(FAIL|stack_report)' | head -1)"
  fi
  echo "$report" | sed -e '$d' -e 's/^/          /'
}

have() { command -v "$1" >/dev/null 2>&1; }

for t in "${TARGETS[@]}"; do
  PASSED=0
  FAILED=0
  case "$t" in
    cortex-m4)
      if ! have arm-none-eabi-g++ || ! have arm-none-eabi-nm; then
        echo "== cortex-m4: SKIPPED (arm-none-eabi-g++ not found)"
        continue
      fi
      target_cortex_m4
      ;;
    wasm)
      if ! have em++ || ! have emcmake || { ! have llvm-nm && ! have emnm; }; then
        echo "== wasm: SKIPPED (em++/emcmake/llvm-nm not found)"
        continue
      fi
      target_wasm
      ;;
    cortex-m7|cortex-m55|cortex-a15)
      if ! have arm-none-eabi-g++ || ! have arm-none-eabi-nm; then
        echo "== $t: SKIPPED (arm-none-eabi-g++ not found)"
        continue
      fi
      target_cross "$t" "$SRC/boards/cmake/arm-none-eabi-$t.cmake" arm-none-eabi-
      ;;
    aarch64)
      if ! have aarch64-linux-gnu-g++ || ! have aarch64-linux-gnu-nm; then
        echo "== aarch64: SKIPPED (aarch64-linux-gnu-g++ not found)"
        continue
      fi
      target_cross aarch64 "$SRC/boards/cmake/aarch64-linux-gnu.cmake" aarch64-linux-gnu-
      ;;
    x86)
      if ! have g++ || ! g++ -dumpmachine | grep -qE '^(x86_64|amd64)'; then
        echo "== x86: SKIPPED (no x86-64 g++)"
        continue
      fi
      target_x86
      ;;
    *)
      echo "unknown target '$t' (cortex-m4, wasm, cortex-m7, cortex-m55, cortex-a15, aarch64, x86)" >&2
      exit 2
      ;;
  esac
  RAN=$((RAN + 1))
  echo "$t: $PASSED passed, $FAILED failed"
  TOTAL_PASS=$((TOTAL_PASS + PASSED))
  TOTAL_FAIL=$((TOTAL_FAIL + FAILED))
done

echo "freestanding: $TOTAL_PASS passed, $TOTAL_FAIL failed ($RAN of ${#TARGETS[@]} targets built)"
[ "$RAN" -eq 0 ] && exit 77
[ "$TOTAL_FAIL" -eq 0 ]
