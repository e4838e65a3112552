# Board: QEMU's mps3-an547 (Arm MPS3, AN547 FPGA image, Cortex-M55 with Helium, 32 MHz).
include(${CMAKE_CURRENT_LIST_DIR}/../cmake/arm-none-eabi-cortex-m55.cmake)
set(MOTE_BOARD mps3-an547)
set(MOTE_BOARD_KIND cortex-m)
set(MOTE_BOARD_CPU_HZ 32000000)
include(${CMAKE_CURRENT_LIST_DIR}/../cmake/board-link.cmake)
