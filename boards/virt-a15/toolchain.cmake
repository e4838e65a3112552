# Board: QEMU's virt machine with a Cortex-A15 (ARMv7-A, VFPv4 + NEON), bare metal.
include(${CMAKE_CURRENT_LIST_DIR}/../cmake/arm-none-eabi-cortex-a15.cmake)
set(MOTE_BOARD virt-a15)
set(MOTE_BOARD_KIND cortex-a)
include(${CMAKE_CURRENT_LIST_DIR}/../cmake/board-link.cmake)
