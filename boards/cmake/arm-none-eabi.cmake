# Shared part of the bare-metal Arm toolchain files (GNU Arm Embedded: arm-none-eabi-gcc and
# newlib). A CPU file sets MOTE_ARM_CPU_FLAGS and includes this one:
#
#   set(MOTE_ARM_CPU_FLAGS "-mcpu=cortex-m7 -mthumb -mfloat-abi=hard -mfpu=fpv5-d16")
#   include(${CMAKE_CURRENT_LIST_DIR}/arm-none-eabi.cmake)
#
# On their own these files build the freestanding runtime (MOTE_BUILD_HOST_TOOLS defaults to
# OFF when cross-compiling); boards/<board>/toolchain.cmake adds what a firmware image needs.
if(NOT MOTE_ARM_CPU_FLAGS)
  message(FATAL_ERROR "set MOTE_ARM_CPU_FLAGS before including arm-none-eabi.cmake")
endif()
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

set(CMAKE_C_FLAGS_INIT "${MOTE_ARM_CPU_FLAGS} -ffunction-sections -fdata-sections")
set(CMAKE_CXX_FLAGS_INIT "${MOTE_ARM_CPU_FLAGS} -ffunction-sections -fdata-sections")
set(CMAKE_ASM_FLAGS_INIT "${MOTE_ARM_CPU_FLAGS}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-specs=nano.specs -specs=nosys.specs -Wl,--gc-sections")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
