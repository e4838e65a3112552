# CMake toolchain file: bare-metal Arm Cortex-A15 (ARMv7-A with VFPv4 and NEON, hard-float ABI,
# Thumb-2 code, which selects newlib's v7ve+simd multilib) with arm-none-eabi-gcc. Builds the
# freestanding runtime; see arm-none-eabi.cmake.
set(MOTE_ARM_CPU_FLAGS "-mcpu=cortex-a15 -mthumb -mfloat-abi=hard -mfpu=neon-vfpv4")
include(${CMAKE_CURRENT_LIST_DIR}/arm-none-eabi.cmake)
# The optimised kernel set this CPU runs by default (runtime/CMakeLists.txt; -DMOTE_KERNEL_ISA=...
# overrides it, ref builds the portable kernels only).
set(MOTE_CPU_KERNEL_ISA neon)
