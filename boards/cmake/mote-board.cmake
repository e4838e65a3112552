# Board support for firmware projects. Include it after project() in a build configured with
# one of the boards' toolchain files (boards/<board>/toolchain.cmake), which set MOTE_BOARD and
# MOTE_BOARD_KIND; then
#
#   mote_board_executable(my_firmware main.c ...)
#
# adds an executable with the board's start-up code, linker script and platform layer
# (platform/baremetal, or platform/hosted for the Linux board), writes a link map with a cross
# reference table next to it (my_firmware.map) and, for bare-metal boards, prints its size.
if(NOT MOTE_BOARD)
  message(FATAL_ERROR "MOTE_BOARD is not set: configure with -DCMAKE_TOOLCHAIN_FILE=boards/<board>/toolchain.cmake")
endif()
get_filename_component(MOTE_BOARDS_DIR ${CMAKE_CURRENT_LIST_DIR}/.. ABSOLUTE)
get_filename_component(MOTE_ROOT_DIR ${MOTE_BOARDS_DIR}/.. ABSOLUTE)
set(MOTE_BOARD_DIR ${MOTE_BOARDS_DIR}/${MOTE_BOARD})
set(MOTE_BOARD_RUN ${MOTE_BOARD_DIR}/run.sh)

if(MOTE_BOARD_KIND STREQUAL "cortex-m")
  enable_language(ASM)
  set(_mote_board_sources ${MOTE_BOARDS_DIR}/common/cortex_m.c ${MOTE_BOARD_DIR}/startup.c)
  set(_mote_board_includes ${MOTE_BOARDS_DIR}/common)
elseif(MOTE_BOARD_KIND STREQUAL "cortex-a")
  enable_language(ASM)
  set(_mote_board_sources ${MOTE_BOARD_DIR}/startup.S ${MOTE_BOARD_DIR}/board.c)
  set(_mote_board_includes ${MOTE_BOARDS_DIR}/common)
elseif(MOTE_BOARD_KIND STREQUAL "linux")
  set(_mote_board_sources)
  set(_mote_board_includes)
else()
  message(FATAL_ERROR "unknown MOTE_BOARD_KIND '${MOTE_BOARD_KIND}'")
endif()

if(MOTE_BOARD_KIND STREQUAL "linux")
  if(NOT TARGET mote_platform_hosted)
    add_library(mote_platform_hosted STATIC ${MOTE_ROOT_DIR}/platform/hosted/platform.cc)
    target_include_directories(mote_platform_hosted PUBLIC ${MOTE_ROOT_DIR}/platform/include)
  endif()
  set(_mote_board_platform mote_platform_hosted)
else()
  if(NOT TARGET mote_platform_baremetal)
    add_subdirectory(${MOTE_ROOT_DIR}/platform/baremetal ${CMAKE_BINARY_DIR}/mote_platform_baremetal)
  endif()
  set(_mote_board_platform mote_platform_baremetal)
endif()

function(mote_board_executable target)
  add_executable(${target} ${ARGN} ${_mote_board_sources})
  target_include_directories(${target} PRIVATE ${_mote_board_includes})
  target_link_libraries(${target} PRIVATE ${_mote_board_platform})
  # Mangled names in the map, so the freestanding check matches them as it does nm output.
  target_link_options(${target} PRIVATE "LINKER:-Map,$<TARGET_FILE:${target}>.map,--cref,--no-demangle")
  if(MOTE_BOARD_KIND STREQUAL "cortex-m" OR MOTE_BOARD_KIND STREQUAL "cortex-a")
    set_target_properties(${target} PROPERTIES SUFFIX ".elf"
                          LINK_DEPENDS "${MOTE_BOARD_DIR}/link.ld;${MOTE_BOARDS_DIR}/common/cortex_m_sections.ld")
    if(CMAKE_SIZE)
      add_custom_command(TARGET ${target} POST_BUILD COMMAND ${CMAKE_SIZE} $<TARGET_FILE:${target}> VERBATIM)
    endif()
  endif()
endfunction()

# The example firmware's defaults (boards/firmware, boards/speech): MinSizeRel unless a build
# type is given, C++17; and mote_board_require_files(VAR...) stops the configuration when a
# variable does not name an existing file.
if(NOT CMAKE_BUILD_TYPE)
  set(CMAKE_BUILD_TYPE MinSizeRel CACHE STRING "Build type" FORCE)
endif()
if(NOT CMAKE_CXX_STANDARD)
  set(CMAKE_CXX_STANDARD 17)
  set(CMAKE_CXX_STANDARD_REQUIRED ON)
  set(CMAKE_CXX_EXTENSIONS OFF)
endif()
function(mote_board_require_files)
  foreach(v ${ARGN})
    if(NOT EXISTS "${${v}}")
      message(FATAL_ERROR "${v}: '${${v}}' does not exist")
    endif()
  endforeach()
endfunction()

# mote_board_model_runtime(MODEL_HEADER OP_CONFIG STRIP_ERRORS): adds the runtime (mote_runtime)
# built with the board's toolchain, linking only the op families OP_CONFIG's model(s) use when
# OP_CONFIG is not empty (MOTE_OP_CONFIG), with MOTE_STRIP_ERROR_STRINGS when STRIP_ERRORS is
# true; and sets MOTE_MODEL_SYM / MOTE_MODEL_SYM_UPPER in the caller to the names of
# MODEL_HEADER's symbols, named after its file as `mote convert --c-array` names them
# (digits.h: digits_blob, DIGITS_ARENA_BYTES).
#
# The runtime's sources include OP_CONFIG for its MOTE_USE_* macros only: when it is a header
# from `mote convert --c-array`, they get a copy in the build directory whose blob array is
# emptied (`= {0}`): the same macros without the blob's text (a 320 KB blob, 2 MB of text, costs
# each source file about 0.4 s of the Cortex-M compiler), the same objects. The firmware's own
# sources include the header itself.
function(mote_board_model_runtime model_header op_config strip_errors)
  add_subdirectory(${MOTE_ROOT_DIR}/runtime ${CMAKE_BINARY_DIR}/mote_runtime)
  if(op_config)
    file(READ ${op_config} _text)
    string(FIND "${_text}" "MOTE_BLOB_SECTION static const uint8_t " _at)
    if(_at GREATER -1)
      string(SUBSTRING "${_text}" ${_at} -1 _tail)
      string(FIND "${_tail}" "] = {" _open)
      string(FIND "${_tail}" "};" _close)
      if(_open GREATER -1 AND _close GREATER _open)
        math(EXPR _head_len "${_at} + ${_open} + 5")
        math(EXPR _end_at "${_at} + ${_close}")
        string(SUBSTRING "${_text}" 0 ${_head_len} _head)
        string(SUBSTRING "${_text}" ${_end_at} -1 _end)
        get_filename_component(_name ${op_config} NAME)
        set(_macros ${CMAKE_BINARY_DIR}/mote_op_config/${_name})
        file(WRITE ${_macros}.new "${_head}0${_end}")
        configure_file(${_macros}.new ${_macros} COPYONLY)  # rewritten only when it changes
        file(REMOVE ${_macros}.new)
        set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${op_config})
        set(op_config ${_macros})
      endif()
    endif()
    target_compile_definitions(mote_runtime PRIVATE "MOTE_OP_CONFIG=\"${op_config}\"")
  endif()
  if(strip_errors)
    target_compile_definitions(mote_runtime PRIVATE MOTE_STRIP_ERROR_STRINGS)
  endif()
  get_filename_component(_name ${model_header} NAME)
  string(REGEX REPLACE "\\..*$" "" _sym "${_name}")
  string(MAKE_C_IDENTIFIER "${_sym}" _sym)
  if(_sym MATCHES "^[0-9]")
    set(_sym "model_${_sym}")
  endif()
  string(TOUPPER "${_sym}" _SYM)
  set(MOTE_MODEL_SYM ${_sym} PARENT_SCOPE)
  set(MOTE_MODEL_SYM_UPPER ${_SYM} PARENT_SCOPE)
endfunction()
