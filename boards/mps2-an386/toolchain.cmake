# Board: QEMU's mps2-an386 (Arm MPS2, AN386 FPGA image, Cortex-M4F, 25 MHz).
#   cmake -S boards/firmware -B build-fw -DCMAKE_TOOLCHAIN_FILE=boards/mps2-an386/toolchain.cmake ...
include(${CMAKE_CURRENT_LIST_DIR}/../cmake/arm-none-eabi-cortex-m4.cmake)
set(MOTE_BOARD mps2-an386)
set(MOTE_BOARD_KIND cortex-m)
set(MOTE_BOARD_CPU_HZ 25000000)
include(${CMAKE_CURRENT_LIST_DIR}/../cmake/board-link.cmake)
