# CMake toolchain file: AArch64 Linux (glibc) with Debian's g++-aarch64-linux-gnu. Programs are
# linked statically so that qemu-aarch64 runs them without a target sysroot.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(MOTE_AARCH64_TRIPLE aarch64-linux-gnu)
find_program(MOTE_AARCH64_GCC ${MOTE_AARCH64_TRIPLE}-gcc REQUIRED)
find_program(MOTE_AARCH64_GXX ${MOTE_AARCH64_TRIPLE}-g++ REQUIRED)
set(CMAKE_C_COMPILER ${MOTE_AARCH64_GCC})
set(CMAKE_CXX_COMPILER ${MOTE_AARCH64_GXX})
set(CMAKE_ASM_COMPILER ${MOTE_AARCH64_GCC})
find_program(CMAKE_AR ${MOTE_AARCH64_TRIPLE}-ar REQUIRED)
find_program(CMAKE_RANLIB ${MOTE_AARCH64_TRIPLE}-ranlib REQUIRED)
find_program(CMAKE_OBJCOPY ${MOTE_AARCH64_TRIPLE}-objcopy)
find_program(CMAKE_SIZE ${MOTE_AARCH64_TRIPLE}-size)

set(CMAKE_C_FLAGS_INIT "-ffunction-sections -fdata-sections")
set(CMAKE_CXX_FLAGS_INIT "-ffunction-sections -fdata-sections")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -Wl,--gc-sections")

set(CMAKE_FIND_ROOT_PATH /usr/${MOTE_AARCH64_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# The optimised kernel set this CPU runs by default (runtime/CMakeLists.txt; -DMOTE_KERNEL_ISA=...
# overrides it, ref builds the portable kernels only).
set(MOTE_CPU_KERNEL_ISA neon)
