# CMake toolchain file: bare-metal Arm Cortex-M55 (ARMv8.1-M with Helium: MVE integer and float,
# double-precision FPU, hard-float ABI) with arm-none-eabi-gcc. -mcpu=cortex-m55 turns on
# +mve.fp+fp.dp, so __ARM_FEATURE_MVE is 3. Builds the freestanding runtime; see arm-none-eabi.cmake.
#
# -fno-if-conversion2: GCC 12 may predicate a double-precision VCVT in an IT block, and the
# assembler (binutils 2.40) reads the resulting `vcvtne.f64.f32` as the MVE instruction VCVTN
# and rejects it. Not predicating after register allocation avoids that at little cost.
set(MOTE_ARM_CPU_FLAGS "-mcpu=cortex-m55 -mthumb -mfloat-abi=hard -fno-if-conversion2")
include(${CMAKE_CURRENT_LIST_DIR}/arm-none-eabi.cmake)
# The optimised kernel set this CPU runs by default (runtime/CMakeLists.txt; -DMOTE_KERNEL_ISA=...
# overrides it, ref builds the portable kernels only).
set(MOTE_CPU_KERNEL_ISA mve)
