# Included by wasm/build.sh (CMAKE_PROJECT_INCLUDE) into the runtime's emscripten build: each
# source gets its optimisation level here rather than from the build type, since em++ given
# "-Oz ... -O3" does not optimise as -O3 does.
#
#   the optimised kernels of MOTE_KERNEL_ISA        MOTE_WASM_SIMD_LEVEL (default -O3), since
#                                                   speed is what they are for (-Os only in a
#                                                   module the user asked small: model-small=;
#                                                   -Os halves them and the seven torchvision
#                                                   models ran 2-3 times slower; -O2 saved 19 KB,
#                                                   all of it in the int8 convolutions, which ran
#                                                   some 15% slower); but
#                                                   the element-wise binary rows (45 short
#                                                   loops, one per op, broadcast and fused
#                                                   activation) and the int8 element-wise ops
#                                                   at MOTE_WASM_ROUTE_LEVEL
#                                                   (default -O2): -O3 unrolls and
#                                                   vectorises every scalar tail loop, five
#                                                   times the code (95 KB), and the rows ran no
#                                                   faster; the unary ops (one streaming loop
#                                                   per op) and the routing at that level
#                                                   without loop unrolling, half their code
#                                                   (mote-simd.wasm -4.6 KB; SiLU, HardSwish no
#                                                   slower). Not the int8 element-wise ops: their
#                                                   lookup-table and QMul loops ran 3 times slower
#   the set's scratch function (once per op, load)  -Os
#   the set's routing (dispatch.cc, once per op)    MOTE_WASM_COLD_LEVEL
#   the hot reference kernels and the run loop      MOTE_WASM_REF_LEVEL: the ops a model runs at
#                                                   full tensor size without a SIMD128 kernel
#                                                   (layout, softmax and normalisation,
#                                                   reductions, pooling, element-wise, Conv and
#                                                   ConvTranspose, Gemm, Resize, recurrent):
#                                                   -Os in the fast builds (-O2 on request: 51 KB
#                                                   more, and no faster on the torchvision
#                                                   models), -Oz in the small ones
#   everything else                                 MOTE_WASM_COLD_LEVEL (default -Os): the
#                                                   loader and blob verifier, the error text, the
#                                                   C API, the other sets' scratch functions (the
#                                                   converter's), and the reference kernels of
#                                                   the rare or small ops (einsum, gather and
#                                                   scatter, quantisation, top-k, spectral, ...)
#
# The optimised kernels' sources also get MOTE_WASM_SIMD_FLAGS (default: -fno-vectorize
# -fno-slp-vectorize). They are written in SIMD128 intrinsics already; what LLVM's vectorisers
# found to vectorise was their scalar tails and remainders, each turned into a vector loop with
# its own checks and tail again (with unrolling, 2-5 times the code of the loop): the SIMD128
# kernels' objects 255 -> 180 KB all at -O3 (the binary rows 95 -> 48 KB); mote-simd.wasm
# 313,965 -> 288,445 bytes, the same outputs bit for bit, and the seven torchvision models,
# float and int8, within 2% either way (interleaved runs). Empty: the vectorisers back.
# The float depthwise and pooling kernels and the int8 general and 1x1 convolutions also get no
# partial or runtime-count loop unrolling (-mllvm -unroll-runtime=false -unroll-allow-partial=false;
# loops of a fixed count, the register tiles, are still unrolled whole): mote-simd.wasm
# 288,598 -> 278,323 bytes, the same outputs bit for bit, the torchvision models' medians within
# 2% (interleaved runs). Not the float GEMM or convolutions: without it SqueezeNet ran 1.5 times
# slower. -fno-unroll-loops on all the SIMD128 kernels (no unrolling at all) would save 23 KB and
# run the float models 1.5-2.9 times slower. The float binary rows and the int8 element-wise ops
# (at MOTE_WASM_ROUTE_LEVEL) likewise: 278,323 -> 274,295 bytes; per op (model.profile, best of 4)
# QAdd 1.005, Mul 0.96, Add 0.97 times the time before.
# Deferred to the end of the configure step, when runtime/CMakeLists.txt has listed the sources.
function(mote_wasm_optimize_kernels)
  if(NOT DEFINED MOTE_WASM_SIMD_FLAGS)
    set(MOTE_WASM_SIMD_FLAGS "-fno-vectorize -fno-slp-vectorize")
  endif()
  foreach(level_default REF=-Os COLD=-Os SIMD=-O3 ROUTE=-O2)  # the levels build.sh did not set
    string(REPLACE "=" ";" pair ${level_default})
    list(GET pair 0 part)
    list(GET pair 1 default)
    if(NOT MOTE_WASM_${part}_LEVEL)
      set(MOTE_WASM_${part}_LEVEL ${default})
    endif()
  endforeach()
  set(hot_reference conv elementwise gemm layout norm pool reduce resize recurrent)
  list(JOIN hot_reference "|" hot)
  # The kernels whose loops LLVM unrolls only partially or by a runtime count (fixed-count loops,
  # the register tiles, are still unrolled whole): see the header.
  set(no_partial_unroll f32_dwconv2d f32_pool2d s8_conv2d s8_conv2d_1x1)
  list(JOIN no_partial_unroll "|" partial)
  set(whole_unroll_only "-mllvm -unroll-runtime=false -mllvm -unroll-allow-partial=false")
  get_target_property(sources mote_runtime SOURCES)
  foreach(source IN LISTS sources)
    if(NOT IS_ABSOLUTE "${source}")
      set(source ${CMAKE_SOURCE_DIR}/runtime/${source})
    endif()
    if(source MATCHES "/kernels/${MOTE_KERNEL_ISA}/scratch\\.cc$")
      set(level -Os)  # the set's scratch function: the verifier's, once per op at load
    elseif(source MATCHES "/kernels/${MOTE_KERNEL_ISA}/dispatch\\.cc$")
      set(level ${MOTE_WASM_COLD_LEVEL})  # the routing, once per op and run: -689 bytes against -O2
    elseif(source MATCHES "/kernels/${MOTE_KERNEL_ISA}/f32_unary__.*\\.cc$")
      set(level "${MOTE_WASM_ROUTE_LEVEL} -fno-unroll-loops")  # see above: streaming loops
    elseif(source MATCHES "/kernels/${MOTE_KERNEL_ISA}/(f32_binary__.*|s8_eltwise__.*)\\.cc$")
      set(level "${MOTE_WASM_ROUTE_LEVEL} ${whole_unroll_only}")
    elseif(source MATCHES "/kernels/${MOTE_KERNEL_ISA}/(${partial})__")
      set(level "${MOTE_WASM_SIMD_LEVEL} ${whole_unroll_only}")
    elseif(source MATCHES "/kernels/${MOTE_KERNEL_ISA}/")
      set(level ${MOTE_WASM_SIMD_LEVEL})
    elseif(source MATCHES "/kernels/reference/(${hot})\\.cc$" OR source MATCHES "/src/(session|op_table|crc32)\\.cc$")
      set(level ${MOTE_WASM_REF_LEVEL})
    else()
      set(level ${MOTE_WASM_COLD_LEVEL})
    endif()
    if(source MATCHES "/kernels/${MOTE_KERNEL_ISA}/")
      string(APPEND level " ${MOTE_WASM_SIMD_FLAGS}")
    endif()
    separate_arguments(level UNIX_COMMAND "${level}")
    set_source_files_properties(${source} DIRECTORY ${CMAKE_SOURCE_DIR}/runtime PROPERTIES COMPILE_OPTIONS "${level}")
  endforeach()
endfunction()
cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL mote_wasm_optimize_kernels)
