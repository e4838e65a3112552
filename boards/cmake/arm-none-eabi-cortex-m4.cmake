# CMake toolchain file: bare-metal Arm Cortex-M4F (ARMv7E-M, single-precision FPU, hard-float
# ABI) with the GNU Arm Embedded toolchain (arm-none-eabi-gcc, newlib headers).
#
#   cmake -S . -B build-cross-m4 -DCMAKE_TOOLCHAIN_FILE=boards/cmake/arm-none-eabi-cortex-m4.cmake \
#         -DCMAKE_BUILD_TYPE=MinSizeRel
#   cmake --build build-cross-m4 --target mote_runtime
#
# Cross builds configure only the freestanding runtime (MOTE_BUILD_HOST_TOOLS defaults to OFF).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(MOTE_ARM_TRIPLE arm-none-eabi)
find_program(MOTE_ARM_GCC ${MOTE_ARM_TRIPLE}-gcc REQUIRED)
find_program(MOTE_ARM_GXX ${MOTE_ARM_TRIPLE}-g++ REQUIRED)
set(CMAKE_C_COMPILER ${MOTE_ARM_GCC})
set(CMAKE_CXX_COMPILER ${MOTE_ARM_GXX})
set(CMAKE_ASM_COMPILER ${MOTE_ARM_GCC})
find_program(CMAKE_AR ${MOTE_ARM_TRIPLE}-ar REQUIRED)
find_program(CMAKE_RANLIB ${MOTE_ARM_TRIPLE}-ranlib REQUIRED)
find_program(CMAKE_OBJCOPY ${MOTE_ARM_TRIPLE}-objcopy)
find_program(CMAKE_SIZE ${MOTE_ARM_TRIPLE}-size)

# There is no OS to link a test program against: CMake's compiler checks build a static library.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(MOTE_CORTEX_M4_FLAGS "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -ffunction-sections -fdata-sections")
set(CMAKE_C_FLAGS_INIT "${MOTE_CORTEX_M4_FLAGS}")
set(CMAKE_CXX_FLAGS_INIT "${MOTE_CORTEX_M4_FLAGS}")
set(CMAKE_ASM_FLAGS_INIT "${MOTE_CORTEX_M4_FLAGS}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-specs=nano.specs -specs=nosys.specs -Wl,--gc-sections")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# The optimised kernel set this CPU runs by default (runtime/CMakeLists.txt; -DMOTE_KERNEL_ISA=...
# overrides it, ref builds the portable kernels only).
set(MOTE_CPU_KERNEL_ISA arm_dsp)
