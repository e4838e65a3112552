# CMake toolchain file: bare-metal Arm Cortex-M7 (ARMv7E-M, FPv5 double-precision FPU, hard-float
# ABI) with arm-none-eabi-gcc. Builds the freestanding runtime; see arm-none-eabi.cmake.
set(MOTE_ARM_CPU_FLAGS "-mcpu=cortex-m7 -mthumb -mfloat-abi=hard -mfpu=fpv5-d16")
include(${CMAKE_CURRENT_LIST_DIR}/arm-none-eabi.cmake)
# The optimised kernel set this CPU runs by default (runtime/CMakeLists.txt; -DMOTE_KERNEL_ISA=...
# overrides it, ref builds the portable kernels only).
set(MOTE_CPU_KERNEL_ISA arm_dsp)
