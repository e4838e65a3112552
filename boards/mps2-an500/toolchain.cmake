# Board: QEMU's mps2-an500 (Arm MPS2, AN500 FPGA image, Cortex-M7, 25 MHz).
include(${CMAKE_CURRENT_LIST_DIR}/../cmake/arm-none-eabi-cortex-m7.cmake)
set(MOTE_BOARD mps2-an500)
set(MOTE_BOARD_KIND cortex-m)
set(MOTE_BOARD_CPU_HZ 25000000)
include(${CMAKE_CURRENT_LIST_DIR}/../cmake/board-link.cmake)
