# Board: AArch64 Linux user mode (qemu-aarch64 -cpu max), glibc, static.
include(${CMAKE_CURRENT_LIST_DIR}/../cmake/aarch64-linux-gnu.cmake)
set(MOTE_BOARD aarch64)
set(MOTE_BOARD_KIND linux)
# qemu-aarch64 runs the programs with -cpu max, which has the Armv8.2-A dot product: built for it
# (__ARM_FEATURE_DOTPROD), the NEON int8 kernels multiply with SDOT. virt-a15 (32-bit NEON)
# keeps the VMULL/VPADAL path covered.
string(APPEND CMAKE_C_FLAGS_INIT " -march=armv8.2-a+dotprod")
string(APPEND CMAKE_CXX_FLAGS_INIT " -march=armv8.2-a+dotprod")
