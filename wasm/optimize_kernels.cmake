# Included by wasm/build.sh (CMAKE_PROJECT_INCLUDE) into the runtime's emscripten build: the
# optimised kernels of MOTE_KERNEL_ISA compile with -O3, since speed is what they are for; the
# set's scratch function (run once per op, at load) with -Os; the runtime and the reference
# kernels at MOTE_WASM_REF_LEVEL (-Os for the small build, -O2 for the fast one). The level is set per source rather than by the build type, since em++ given
# "-Oz ... -O3" does not optimise as -O3 does.
# Deferred to the end of the configure step, when runtime/CMakeLists.txt has listed the sources.
function(mote_wasm_optimize_kernels)
  if(NOT MOTE_WASM_REF_LEVEL)
    set(MOTE_WASM_REF_LEVEL -Os)
  endif()
  get_target_property(sources mote_runtime SOURCES)
  foreach(source IN LISTS sources)
    if(NOT IS_ABSOLUTE "${source}")
      set(source ${CMAKE_SOURCE_DIR}/runtime/${source})
    endif()
    if(source MATCHES "/kernels/${MOTE_KERNEL_ISA}/scratch\\.cc$")
      set(level -Os)  # the set's scratch function: the verifier's, once per op at load
    elseif(source MATCHES "/kernels/${MOTE_KERNEL_ISA}/")
      set(level -O3)
    else()
      set(level ${MOTE_WASM_REF_LEVEL})
    endif()
    set_source_files_properties(${source} DIRECTORY ${CMAKE_SOURCE_DIR}/runtime PROPERTIES COMPILE_OPTIONS ${level})
  endforeach()
endfunction()
cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL mote_wasm_optimize_kernels)
