#!/usr/bin/env bash
# The runtime's stack on the Cortex-M4: builds mote_runtime as the mps2-an386 board does
# (boards/cmake/arm-none-eabi-cortex-m4.cmake, MOTE_KERNEL_ISA=arm_dsp, MinSizeRel: -Os) with
# -fstack-usage -fcallgraph-info=su (MOTE_STACK_USAGE=ON), then tools/stack_report.py lists the
# largest frames and the deepest call chains below mote_model_load and mote_session_run, with the
# frames of the C library, libm and libgcc functions they reach (read from the archives the
# firmware links). Fails if a function under runtime/kernels has a frame above 512 bytes: kernels
# take their working memory from the op's scratch in the arena plan, not from the stack.
#
# Usage: stack_report.sh SOURCE_DIR BUILD_DIR [stack_report.py options, e.g. --top 30]
# Exit status: 0 if every kernel frame is at most 512 bytes, 1 if not, 2 on a build error,
# 77 if arm-none-eabi-g++ is not installed. (The freestanding test runs the same check on its
# own Cortex-M4 build.)
set -u
if [ $# -lt 2 ]; then
  echo "usage: $0 SOURCE_DIR BUILD_DIR [--top N] [--limit BYTES]" >&2
  exit 2
fi
SRC=$(cd "$1" && pwd) || exit 2
mkdir -p "$2" || exit 2
BUILD=$(cd "$2" && pwd) || exit 2
shift 2
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
unset CFLAGS CXXFLAGS CPPFLAGS LDFLAGS CC CXX
command -v arm-none-eabi-g++ >/dev/null 2>&1 || { echo "stack_report: arm-none-eabi-g++ not found"; exit 77; }

if ! cmake -S "$SRC" -B "$BUILD" -DCMAKE_TOOLCHAIN_FILE="$SRC/boards/cmake/arm-none-eabi-cortex-m4.cmake" \
     -DCMAKE_BUILD_TYPE=MinSizeRel -DMOTE_BUILD_HOST_TOOLS=OFF -DMOTE_KERNEL_ISA=arm_dsp -DMOTE_STACK_USAGE=ON \
     >"$BUILD.log" 2>&1 ||
   ! cmake --build "$BUILD" --target mote_runtime -j "$(nproc 2>/dev/null || echo 2)" >>"$BUILD.log" 2>&1; then
  echo "stack_report: building the runtime failed (see $BUILD.log)"
  exit 2
fi
# The archives a Cortex-M4 firmware links (boards/cmake/board-link.cmake: nano.specs).
flags=(-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16)
libs=()
for lib in "$(arm-none-eabi-gcc "${flags[@]}" -print-file-name=libm.a)" \
           "$(arm-none-eabi-gcc "${flags[@]}" -specs=nano.specs -print-file-name=libc_nano.a)" \
           "$(arm-none-eabi-gcc "${flags[@]}" -print-libgcc-file-name)"; do
  [ -f "$lib" ] && libs+=(--lib "$lib")
done
exec "$PY" "$SRC/tools/stack_report.py" "$BUILD" "$SRC" "${libs[@]}" "$@"
