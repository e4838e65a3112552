// Which op families a runtime build links. A runtime built for known models
// (-DMOTE_OP_CONFIG='"model.h"': the header `mote convert --c-array` writes, or one including
// several) keeps only the families they use: MOTE_FAMILY_ON(family) is then a constant the op
// table (runtime/src/op_table.cc) and every kernel set's routing test before they name a
// kernel, so nothing references the kernels of the other families and the linker's
// --gc-sections drops them. Without MOTE_OP_CONFIG every family is in. A header that lacks a
// family (written before the family was added) fails to compile: convert the model again.
#ifndef MOTE_OP_CONFIG_H
#define MOTE_OP_CONFIG_H

//
// Within a family, a kernel set may also leave out a kernel variant the models do not need
// (MOTE_KERNEL_ON(variant)): the op then runs on the reference kernel, which the family links
// anyway. The header names the variants its model uses (MOTE_USE_KERNEL_*); a header written
// before a variant was added leaves it in.
//
// MOTE_TEXT_ON is false when the header says no model carries a vocabulary (MOTE_USE_TEXT 0):
// the loader then leaves a VOCAB section unchecked (nothing reads it unless the program opens
// it with mote_model_vocab, which checks it then), so the vocabulary verifier (Vocab::open, about
// 1.3 KB on a Cortex-M4) is not linked.
#ifdef MOTE_OP_CONFIG
#include MOTE_OP_CONFIG
#define MOTE_FAMILY_ON(family) (MOTE_USE_FAMILY_##family != 0)
#ifndef MOTE_USE_KERNEL_conv_depthwise
#define MOTE_USE_KERNEL_conv_depthwise 1
#endif
#ifndef MOTE_USE_KERNEL_qconv_depthwise
#define MOTE_USE_KERNEL_qconv_depthwise 1
#endif
#ifndef MOTE_USE_KERNEL_max_pool_int8
#define MOTE_USE_KERNEL_max_pool_int8 1
#endif
#ifndef MOTE_USE_KERNEL_int8_weights
#define MOTE_USE_KERNEL_int8_weights 1
#endif
#ifndef MOTE_USE_KERNEL_winograd
#define MOTE_USE_KERNEL_winograd 1
#endif
#ifndef MOTE_USE_KERNEL_max_pool_3x3s2
#define MOTE_USE_KERNEL_max_pool_3x3s2 1
#endif
#ifndef MOTE_USE_KERNEL_conv_3x3s2
#define MOTE_USE_KERNEL_conv_3x3s2 1
#endif
#ifndef MOTE_USE_KERNEL_pool_int8
#define MOTE_USE_KERNEL_pool_int8 1
#endif
#ifndef MOTE_USE_KERNEL_pool_general
#define MOTE_USE_KERNEL_pool_general 1
#endif
#ifndef MOTE_USE_KERNEL_act_clip
#define MOTE_USE_KERNEL_act_clip 1
#endif
#ifndef MOTE_USE_KERNEL_conv_3d
#define MOTE_USE_KERNEL_conv_3d 1
#endif
// The SIMD sets' routes and forms (kernels/simd_route.h, route_linked): a float Conv on the 1x1
// route (conv_pointwise) or the im2col GEMM (conv_im2col), a Gemm without or with trans_b
// (gemm_nn, gemm_nt), a GEMM whose rows are not all in blocks of 4 (gemm_row_tail: the row-by-row
// tail of the SIMD128 f32_gemm_nn), and the SIMD128 float MaxPool band's horizontal strides
// (max_pool_s1, max_pool_s2, max_pool_sn: any other; the 3x3 stride-2 window is max_pool_3x3s2).
#ifndef MOTE_USE_KERNEL_conv_pointwise
#define MOTE_USE_KERNEL_conv_pointwise 1
#endif
#ifndef MOTE_USE_KERNEL_conv_im2col
#define MOTE_USE_KERNEL_conv_im2col 1
#endif
#ifndef MOTE_USE_KERNEL_gemm_nn
#define MOTE_USE_KERNEL_gemm_nn 1
#endif
#ifndef MOTE_USE_KERNEL_gemm_nt
#define MOTE_USE_KERNEL_gemm_nt 1
#endif
#ifndef MOTE_USE_KERNEL_gemm_row_tail
#define MOTE_USE_KERNEL_gemm_row_tail 1
#endif
#ifndef MOTE_USE_KERNEL_max_pool_s1
#define MOTE_USE_KERNEL_max_pool_s1 1
#endif
#ifndef MOTE_USE_KERNEL_max_pool_s2
#define MOTE_USE_KERNEL_max_pool_s2 1
#endif
#ifndef MOTE_USE_KERNEL_max_pool_sn
#define MOTE_USE_KERNEL_max_pool_sn 1
#endif
#define MOTE_KERNEL_ON(variant) (MOTE_USE_KERNEL_##variant != 0)
// A header that lists its models' ops (MOTE_USE_OPS, MOTE_USE_OP_<OP> 0/1) also leaves out the
// other ops of their families: MOTE_OP_ON(CONV) tests one (its MOTE_OP_ suffix). A header written
// before the list leaves every op of its families in.
#ifdef MOTE_USE_OPS
#define MOTE_OP_ON(op) (MOTE_USE_OP_##op != 0)
#else
#define MOTE_OP_ON(op) true
#endif
#if defined(MOTE_USE_TEXT) && !MOTE_USE_TEXT
#define MOTE_TEXT_ON false
#else
#define MOTE_TEXT_ON true
#endif
#else
#define MOTE_FAMILY_ON(family) true
#define MOTE_KERNEL_ON(variant) true
#define MOTE_OP_ON(op) true
#define MOTE_TEXT_ON true
#endif

// MOTE_REFERENCE_ON(family) is false in a WebAssembly SIMD128 build for known models when the
// header says the SIMD128 kernels take every op of that family in its models (the blob planned
// for them: MOTE_REFERENCE_WASM_SIMD128_<family> 0, written by `mote convert --c-array`): the
// family's reference kernel is then not linked, only its shape inference (the verifier's). The
// loader refuses a blob with an op of such a family that the SIMD128 kernels do not take (or
// that is not planned for them), naming the op, so no run ever asks for the missing kernel.
#include "mote/blob_format.h"
#if defined(MOTE_OP_CONFIG) && defined(MOTE_KERNEL_SET_BIT) && defined(MOTE_OPTIMIZED_COVERS_WASM_SIMD128)
#if MOTE_KERNEL_SET_BIT == MOTE_SET_WASM_SIMD128
#define MOTE_REFERENCE_SELECTIVE 1
#if defined(MOTE_WASM_SMALL_KERNELS) && MOTE_WASM_SMALL_KERNELS
// The small build (wasm/build.sh model-small=) runs MaxPool on the reference kernel, not the
// SIMD128 band (wasm_simd128::Tiles::maxpool_shape), so it links the pools' reference kernel.
#undef MOTE_REFERENCE_WASM_SIMD128_pool
#define MOTE_REFERENCE_WASM_SIMD128_pool 1
#endif
#define MOTE_REFERENCE_ON(family) (MOTE_REFERENCE_WASM_SIMD128_##family != 0)
#endif
#endif
#ifndef MOTE_REFERENCE_ON
#define MOTE_REFERENCE_ON(family) true
#endif

#endif  // MOTE_OP_CONFIG_H
