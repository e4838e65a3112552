# Board: AArch64 Linux user mode (qemu-aarch64 -cpu max), glibc, static.
include(${CMAKE_CURRENT_LIST_DIR}/../cmake/aarch64-linux-gnu.cmake)
set(MOTE_BOARD aarch64)
set(MOTE_BOARD_KIND linux)
