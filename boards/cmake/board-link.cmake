# Included by the bare-metal boards' toolchain files (after MOTE_BOARD is set): firmware images
# link against newlib with semihosting I/O (rdimon) and the board's own start-up code instead of
# newlib's crt0 (-nostartfiles), using boards/<board>/link.ld. nano.specs keeps printf small;
# -u _printf_float lets it print floats.
set(MOTE_BOARDS_DIR ${CMAKE_CURRENT_LIST_DIR}/..)
set(CMAKE_EXE_LINKER_FLAGS_INIT
    "-specs=nano.specs -specs=rdimon.specs -nostartfiles -u _printf_float -Wl,--gc-sections -L${MOTE_BOARDS_DIR}/common -T${MOTE_BOARDS_DIR}/${MOTE_BOARD}/link.ld")
