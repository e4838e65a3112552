/* Mote's op set: one flat enum shared by the blob, the converter and the runtime, and the
 * fixed parameter record each op carries in the blob.
 *
 * Op codes are stable: append new ops at the end of MOTE_OP_TABLE, never reorder. Each row is the
 * op's record (below); ops of one family share the shape-inference/checking function and the
 * kernel dispatcher (runtime/src/op_table.cc), which switch on the code.
 *
 * All parameter records are plain structs of 32-bit fields, stored little-endian and 4-byte
 * aligned in the blob's PARAMS section. Spatial arrays hold up to MOTE_MAX_SPATIAL dims. */
#ifndef MOTE_OPS_H
#define MOTE_OPS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MOTE_MAX_RANK 8
#define MOTE_MAX_SPATIAL 3
#define MOTE_MAX_OP_INPUTS 16
#define MOTE_MAX_OP_OUTPUTS 16
/* Inputs and outputs together (Concat: 16 and 1; Split: 1 and 16): the runtime builds an op's
 * operand views in one array of this many on the stack. */
#define MOTE_MAX_OP_OPERANDS 17

/* Element types; the numbers are ONNX's TensorProto.DataType values. */
typedef enum mote_dtype {
  MOTE_DTYPE_UNDEFINED = 0,
  MOTE_F32 = 1,
  MOTE_U8 = 2,
  MOTE_I8 = 3,
  MOTE_I32 = 6,
  MOTE_I64 = 7,
  MOTE_BOOL = 9,
  MOTE_F16 = 10 /* IEEE half: stored only (inputs, outputs, weights); Cast widens it to float32,
                   every other op refuses it */
} mote_dtype;

/* The op records: every fact about an op sits in its row of MOTE_OP_TABLE,
 *   R(X, ENUM_SUFFIX, "Name", family, alias, int8, fuse, macs)
 * and everything else (the enum, the runtime's op table, the planner, PTQ, fusion, the CLI's MAC
 * counts) reads them from here. docs/adding-an-op.md says what each column means for a new op.
 *
 *   family  shape inference and kernel dispatch: infer_<family>/run_<family> in the runtime.
 *   alias   whether output 0 may share an input's bytes (mote_op_alias below: VIEW, IN_PLACE,
 *           VIEW_ALLOWED, IN_PLACE_ALLOWED or NONE). The runtime's verifier accepts any alias
 *           but NONE; the planner makes the VIEW and IN_PLACE ones.
 *   int8    what post-training quantisation does with the float op (converter only):
 *           KERNEL  rewritten to an int8 kernel of its own (QConv, QMatMul, QAdd, ...);
 *           LUT     a one-input op that becomes a 256-entry table (Lut) built from its float kernel;
 *           PASS    data movement: the same op on int8, its output keeps its input's parameters;
 *           NONE    stays as it is (float).
 *   fuse    activation fusion (converter only): SLOT_CONV / SLOT_GEMM / SLOT_MATMUL / SLOT_BINARY
 *           for an op whose params (mote_conv_params, mote_gemm_params, mote_matmul_params,
 *           mote_binary_params) carry a `mote_act` that absorbs a following activation;
 *           ACT_RELU / ACT_CLIP / ACT_LEAKY_RELU for the activations it absorbs; else NONE.
 *   macs    how the CLI counts multiply-accumulates: CONV, CONV_TRANSPOSE, GEMM, MATMUL,
 *           CONV_WINOGRAD (the 3x3 Conv's count for W [16, M, C]), EXPAND_DW (the 1x1's and the
 *           depthwise's of ConvExpandDepthwise) or NONE.
 *
 * MOTE_OP_RECORDS(X) expands X(ENUM_SUFFIX, "Name", family, alias, int8, fuse, macs) per op;
 * MOTE_OP_LIST(X) expands X(ENUM_SUFFIX, "Name", family), the columns the kernels need.
 * Columns the runtime does not read cost it nothing: a macro column is compiled only where a
 * table is expanded from it. */
#define MOTE_OP_TABLE(X, R) \
  R(X, COPY,                "Copy",                  copy,           VIEW_ALLOWED,     NONE,   NONE,           NONE)           \
  R(X, RESHAPE,             "Reshape",               reshape,        VIEW,             PASS,   NONE,           NONE)           \
  R(X, RELU,                "Relu",                  unary,          IN_PLACE,         LUT,    ACT_RELU,       NONE)           \
  R(X, LEAKY_RELU,          "LeakyRelu",             unary,          IN_PLACE,         LUT,    ACT_LEAKY_RELU, NONE)           \
  R(X, SIGMOID,             "Sigmoid",               unary,          IN_PLACE,         LUT,    NONE,           NONE)           \
  R(X, TANH,                "Tanh",                  unary,          IN_PLACE,         LUT,    NONE,           NONE)           \
  R(X, HARD_SIGMOID,        "HardSigmoid",           unary,          IN_PLACE,         LUT,    NONE,           NONE)           \
  R(X, HARD_SWISH,          "HardSwish",             unary,          IN_PLACE,         LUT,    NONE,           NONE)           \
  R(X, ELU,                 "Elu",                   unary,          IN_PLACE,         LUT,    NONE,           NONE)           \
  R(X, SELU,                "Selu",                  unary,          IN_PLACE,         LUT,    NONE,           NONE)           \
  R(X, SOFTPLUS,            "Softplus",              unary,          IN_PLACE,         LUT,    NONE,           NONE)           \
  R(X, SOFTSIGN,            "Softsign",              unary,          IN_PLACE,         LUT,    NONE,           NONE)           \
  R(X, ERF,                 "Erf",                   unary,          IN_PLACE,         LUT,    NONE,           NONE)           \
  R(X, CLIP,                "Clip",                  unary,          IN_PLACE,         LUT,    ACT_CLIP,       NONE)           \
  R(X, EXP,                 "Exp",                   unary,          IN_PLACE,         LUT,    NONE,           NONE)           \
  R(X, LOG,                 "Log",                   unary,          IN_PLACE,         LUT,    NONE,           NONE)           \
  R(X, SQRT,                "Sqrt",                  unary,          IN_PLACE,         LUT,    NONE,           NONE)           \
  R(X, ABS,                 "Abs",                   unary,          IN_PLACE,         LUT,    NONE,           NONE)           \
  R(X, NEG,                 "Neg",                   unary,          IN_PLACE,         LUT,    NONE,           NONE)           \
  R(X, RECIPROCAL,          "Reciprocal",            unary,          IN_PLACE,         LUT,    NONE,           NONE)           \
  R(X, FLOOR,               "Floor",                 unary,          IN_PLACE,         LUT,    NONE,           NONE)           \
  R(X, CEIL,                "Ceil",                  unary,          IN_PLACE,         LUT,    NONE,           NONE)           \
  R(X, ROUND,               "Round",                 unary,          IN_PLACE,         LUT,    NONE,           NONE)           \
  R(X, SIGN,                "Sign",                  unary,          IN_PLACE,         LUT,    NONE,           NONE)           \
  R(X, SIN,                 "Sin",                   unary,          IN_PLACE,         LUT,    NONE,           NONE)           \
  R(X, COS,                 "Cos",                   unary,          IN_PLACE,         LUT,    NONE,           NONE)           \
  R(X, NOT,                 "Not",                   unary,          IN_PLACE_ALLOWED, NONE,   NONE,           NONE)           \
  R(X, ADD,                 "Add",                   binary,         IN_PLACE,         KERNEL, SLOT_BINARY,    NONE)           \
  R(X, SUB,                 "Sub",                   binary,         IN_PLACE,         KERNEL, SLOT_BINARY,    NONE)           \
  R(X, MUL,                 "Mul",                   binary,         IN_PLACE,         KERNEL, SLOT_BINARY,    NONE)           \
  R(X, DIV,                 "Div",                   binary,         IN_PLACE,         KERNEL, NONE,           NONE)           \
  R(X, POW,                 "Pow",                   binary,         IN_PLACE,         KERNEL, NONE,           NONE)           \
  R(X, MAX,                 "Max",                   binary,         IN_PLACE,         KERNEL, NONE,           NONE)           \
  R(X, MIN,                 "Min",                   binary,         IN_PLACE,         KERNEL, NONE,           NONE)           \
  R(X, PRELU,               "PRelu",                 binary,         IN_PLACE,         KERNEL, NONE,           NONE)           \
  R(X, EQUAL,               "Equal",                 binary,         IN_PLACE_ALLOWED, NONE,   NONE,           NONE)           \
  R(X, LESS,                "Less",                  binary,         IN_PLACE_ALLOWED, NONE,   NONE,           NONE)           \
  R(X, GREATER,             "Greater",               binary,         IN_PLACE_ALLOWED, NONE,   NONE,           NONE)           \
  R(X, LESS_OR_EQUAL,       "LessOrEqual",           binary,         IN_PLACE_ALLOWED, NONE,   NONE,           NONE)           \
  R(X, GREATER_OR_EQUAL,    "GreaterOrEqual",        binary,         IN_PLACE_ALLOWED, NONE,   NONE,           NONE)           \
  R(X, AND,                 "And",                   binary,         IN_PLACE_ALLOWED, NONE,   NONE,           NONE)           \
  R(X, OR,                  "Or",                    binary,         IN_PLACE_ALLOWED, NONE,   NONE,           NONE)           \
  R(X, XOR,                 "Xor",                   binary,         IN_PLACE_ALLOWED, NONE,   NONE,           NONE)           \
  R(X, WHERE,               "Where",                 where,          NONE,             NONE,   NONE,           NONE)           \
  R(X, CAST,                "Cast",                  cast,           NONE,             NONE,   NONE,           NONE)           \
  R(X, CONV,                "Conv",                  conv,           NONE,             KERNEL, SLOT_CONV,      CONV)           \
  R(X, CONV_TRANSPOSE,      "ConvTranspose",         conv_transpose, NONE,             NONE,   SLOT_CONV,      CONV_TRANSPOSE) \
  R(X, GEMM,                "Gemm",                  gemm,           NONE,             KERNEL, SLOT_GEMM,      GEMM)           \
  R(X, MATMUL,              "MatMul",                matmul,         NONE,             KERNEL, SLOT_MATMUL,    MATMUL)         \
  R(X, MAX_POOL,            "MaxPool",               pool,           NONE,             PASS,   NONE,           NONE)           \
  R(X, AVERAGE_POOL,        "AveragePool",           pool,           NONE,             PASS,   NONE,           NONE)           \
  R(X, GLOBAL_AVERAGE_POOL, "GlobalAveragePool",     global_pool,    NONE,             PASS,   NONE,           NONE)           \
  R(X, GLOBAL_MAX_POOL,     "GlobalMaxPool",         global_pool,    NONE,             PASS,   NONE,           NONE)           \
  R(X, BATCH_NORM,          "BatchNormalization",    norm,           NONE,             NONE,   NONE,           NONE)           \
  R(X, LAYER_NORM,          "LayerNormalization",    norm,           NONE,             KERNEL, NONE,           NONE)           \
  R(X, INSTANCE_NORM,       "InstanceNormalization", norm,           NONE,             NONE,   NONE,           NONE)           \
  R(X, SOFTMAX,             "Softmax",               softmax,        NONE,             KERNEL, NONE,           NONE)           \
  R(X, LOG_SOFTMAX,         "LogSoftmax",            softmax,        NONE,             NONE,   NONE,           NONE)           \
  R(X, TRANSPOSE,           "Transpose",             transpose,      NONE,             PASS,   NONE,           NONE)           \
  R(X, CONCAT,              "Concat",                concat,         NONE,             KERNEL, NONE,           NONE)           \
  R(X, SPLIT,               "Split",                 split,          NONE,             PASS,   NONE,           NONE)           \
  R(X, SLICE,               "Slice",                 slice,          NONE,             PASS,   NONE,           NONE)           \
  R(X, GATHER,              "Gather",                gather,         NONE,             PASS,   NONE,           NONE)           \
  R(X, PAD,                 "Pad",                   pad,            NONE,             PASS,   NONE,           NONE)           \
  R(X, TILE,                "Tile",                  tile,           NONE,             PASS,   NONE,           NONE)           \
  R(X, EXPAND,              "Expand",                expand,         NONE,             PASS,   NONE,           NONE)           \
  R(X, RESIZE,              "Resize",                resize,         NONE,             PASS,   NONE,           NONE)           \
  R(X, DEPTH_TO_SPACE,      "DepthToSpace",          depth_space,    NONE,             PASS,   NONE,           NONE)           \
  R(X, SPACE_TO_DEPTH,      "SpaceToDepth",          depth_space,    NONE,             PASS,   NONE,           NONE)           \
  R(X, REDUCE_MEAN,         "ReduceMean",            reduce,         NONE,             PASS,   NONE,           NONE)           \
  R(X, REDUCE_SUM,          "ReduceSum",             reduce,         NONE,             NONE,   NONE,           NONE)           \
  R(X, REDUCE_MAX,          "ReduceMax",             reduce,         NONE,             PASS,   NONE,           NONE)           \
  R(X, REDUCE_MIN,          "ReduceMin",             reduce,         NONE,             PASS,   NONE,           NONE)           \
  R(X, REDUCE_PROD,         "ReduceProd",            reduce,         NONE,             NONE,   NONE,           NONE)           \
  R(X, REDUCE_L2,           "ReduceL2",              reduce,         NONE,             NONE,   NONE,           NONE)           \
  R(X, REDUCE_LOG_SUM_EXP,  "ReduceLogSumExp",       reduce,         NONE,             NONE,   NONE,           NONE)           \
  R(X, REDUCE_L1,           "ReduceL1",              reduce,         NONE,             NONE,   NONE,           NONE)           \
  R(X, REDUCE_SUM_SQUARE,   "ReduceSumSquare",       reduce,         NONE,             NONE,   NONE,           NONE)           \
  R(X, REDUCE_LOG_SUM,      "ReduceLogSum",          reduce,         NONE,             NONE,   NONE,           NONE)           \
  R(X, ARG_MAX,             "ArgMax",                arg_reduce,     NONE,             NONE,   NONE,           NONE)           \
  R(X, ARG_MIN,             "ArgMin",                arg_reduce,     NONE,             NONE,   NONE,           NONE)           \
  R(X, MOD,                 "Mod",                   binary,         IN_PLACE_ALLOWED, NONE,   NONE,           NONE)           \
  R(X, TAN,                 "Tan",                   unary,          IN_PLACE_ALLOWED, NONE,   NONE,           NONE)           \
  R(X, ASIN,                "Asin",                  unary,          IN_PLACE_ALLOWED, NONE,   NONE,           NONE)           \
  R(X, ACOS,                "Acos",                  unary,          IN_PLACE_ALLOWED, NONE,   NONE,           NONE)           \
  R(X, ATAN,                "Atan",                  unary,          IN_PLACE_ALLOWED, NONE,   NONE,           NONE)           \
  R(X, SINH,                "Sinh",                  unary,          IN_PLACE_ALLOWED, NONE,   NONE,           NONE)           \
  R(X, COSH,                "Cosh",                  unary,          IN_PLACE_ALLOWED, NONE,   NONE,           NONE)           \
  R(X, ASINH,               "Asinh",                 unary,          IN_PLACE_ALLOWED, NONE,   NONE,           NONE)           \
  R(X, ACOSH,               "Acosh",                 unary,          IN_PLACE_ALLOWED, NONE,   NONE,           NONE)           \
  R(X, ATANH,               "Atanh",                 unary,          IN_PLACE_ALLOWED, NONE,   NONE,           NONE)           \
  R(X, THRESHOLDED_RELU,    "ThresholdedRelu",       unary,          IN_PLACE_ALLOWED, LUT,    NONE,           NONE)           \
  R(X, CELU,                "Celu",                  unary,          IN_PLACE_ALLOWED, LUT,    NONE,           NONE)           \
  R(X, GELU,                "Gelu",                  unary,          IN_PLACE,         LUT,    NONE,           NONE)           \
  R(X, MISH,                "Mish",                  unary,          IN_PLACE,         LUT,    NONE,           NONE)           \
  R(X, IDENTITY,            "Identity",              unary,          IN_PLACE_ALLOWED, NONE,   NONE,           NONE)           \
  R(X, IS_NAN,              "IsNaN",                 unary,          IN_PLACE_ALLOWED, NONE,   NONE,           NONE)           \
  R(X, IS_INF,              "IsInf",                 unary,          IN_PLACE_ALLOWED, NONE,   NONE,           NONE)           \
  R(X, GATHER_ELEMENTS,     "GatherElements",        gather,         NONE,             NONE,   NONE,           NONE)           \
  R(X, HARDMAX,             "Hardmax",               softmax,        NONE,             NONE,   NONE,           NONE)           \
  R(X, LP_NORM,             "LpNormalization",       norm,           NONE,             NONE,   NONE,           NONE)           \
  R(X, CUM_SUM,             "CumSum",                cum_sum,        NONE,             NONE,   NONE,           NONE)           \
  R(X, QUANTIZE,            "QuantizeLinear",        quantize,       NONE,             NONE,   NONE,           NONE)           \
  R(X, DEQUANTIZE,          "DequantizeLinear",      quantize,       NONE,             NONE,   NONE,           NONE)           \
  R(X, DYNAMIC_QUANTIZE,    "DynamicQuantizeLinear", quantize,       NONE,             NONE,   NONE,           NONE)           \
  R(X, FLIP_SIGN,           "FlipSign",              quantize,       NONE,             NONE,   NONE,           NONE)           \
  R(X, REQUANTIZE,          "Requantize",            quantize,       IN_PLACE,         NONE,   NONE,           NONE)           \
  R(X, LUT,                 "Lut",                   quantize,       IN_PLACE,         NONE,   NONE,           NONE)           \
  R(X, QCONV,               "QConv",                 qconv,          NONE,             NONE,   NONE,           CONV)           \
  R(X, QMATMUL,             "QMatMul",               qmatmul,        NONE,             NONE,   NONE,           MATMUL)         \
  R(X, QADD,                "QAdd",                  qbinary,        IN_PLACE,         NONE,   NONE,           NONE)           \
  R(X, QMUL,                "QMul",                  qbinary,        IN_PLACE,         NONE,   NONE,           NONE)           \
  R(X, QSOFTMAX,            "QSoftmax",              qsoftmax,       NONE,             NONE,   NONE,           NONE)           \
  R(X, TRILU,               "Trilu",                 trilu,          NONE,             NONE,   NONE,           NONE)           \
  R(X, RNN,                 "RNN",                   recurrent,      NONE,             NONE,   NONE,           NONE)           \
  R(X, GRU,                 "GRU",                   recurrent,      NONE,             NONE,   NONE,           NONE)           \
  R(X, LSTM,                "LSTM",                  recurrent,      NONE,             NONE,   NONE,           NONE)           \
  R(X, DFT,                 "DFT",                   spectral,       NONE,             NONE,   NONE,           NONE)           \
  R(X, STFT,                "STFT",                  spectral,       NONE,             NONE,   NONE,           NONE)           \
  R(X, SILU,                "SiLU",                  unary,          IN_PLACE,         LUT,    NONE,           NONE)           \
  R(X, TOP_K,               "TopK",                  topk,           NONE,             NONE,   NONE,           NONE)           \
  R(X, ONE_HOT,             "OneHot",                onehot,         NONE,             NONE,   NONE,           NONE)           \
  R(X, GATHER_ND,           "GatherND",              gather_scatter, NONE,             PASS,   NONE,           NONE)           \
  R(X, SCATTER_ELEMENTS,    "ScatterElements",       gather_scatter, NONE,             NONE,   NONE,           NONE)           \
  R(X, SCATTER_ND,          "ScatterND",             gather_scatter, NONE,             NONE,   NONE,           NONE)           \
  R(X, REVERSE_SEQUENCE,    "ReverseSequence",       reverse_sequence, NONE,           PASS,   NONE,           NONE)           \
  R(X, SHRINK,              "Shrink",                unary,          IN_PLACE,         LUT,    NONE,           NONE)           \
  R(X, LRN,                 "LRN",                   lrn,            NONE,             NONE,   NONE,           NONE)           \
  R(X, DET,                 "Det",                   det,            NONE,             NONE,   NONE,           NONE)           \
  R(X, GRID_SAMPLE,         "GridSample",            grid_sample,    NONE,             NONE,   NONE,           NONE)           \
  R(X, EINSUM,              "Einsum",                einsum,         NONE,             NONE,   NONE,           NONE)           \
  R(X, MAX_POOL_INDICES,    "MaxPoolWithIndices",    pool,           NONE,             NONE,   NONE,           NONE)           \
  R(X, MAX_UNPOOL,          "MaxUnpool",             max_unpool,     NONE,             NONE,   NONE,           NONE)           \
  R(X, NON_MAX_SUPPRESSION, "NonMaxSuppression",     nms,            NONE,             NONE,   NONE,           NONE)           \
  R(X, QSUB,                "QSub",                  qbinary,        IN_PLACE,         NONE,   NONE,           NONE)           \
  R(X, QMAX,                "QMax",                  qbinary,        IN_PLACE,         NONE,   NONE,           NONE)           \
  R(X, QMIN,                "QMin",                  qbinary,        IN_PLACE,         NONE,   NONE,           NONE)           \
  R(X, QPRELU,              "QPRelu",                qbinary,        IN_PLACE,         NONE,   NONE,           NONE)           \
  R(X, QLAYER_NORM,         "QLayerNorm",            qlayer_norm,    NONE,             NONE,   NONE,           NONE)           \
  R(X, QDIV,                "QDiv",                  qbinary,        IN_PLACE,         NONE,   NONE,           NONE)           \
  R(X, CONV_W8,             "ConvW8",                conv,           NONE,             NONE,   SLOT_CONV,      CONV)           \
  R(X, CONV_TRANSPOSE_W8,   "ConvTransposeW8",       conv_transpose, NONE,             NONE,   SLOT_CONV,      CONV_TRANSPOSE) \
  R(X, GEMM_W8,             "GemmW8",                gemm,           NONE,             NONE,   SLOT_GEMM,      GEMM)           \
  R(X, MATMUL_W8,           "MatMulW8",              matmul,         NONE,             NONE,   SLOT_MATMUL,    MATMUL)         \
  R(X, RNN_W8,              "RNNW8",                 recurrent,      NONE,             NONE,   NONE,           NONE)           \
  R(X, GRU_W8,              "GRUW8",                 recurrent,      NONE,             NONE,   NONE,           NONE)           \
  R(X, LSTM_W8,             "LSTMW8",                recurrent,      NONE,             NONE,   NONE,           NONE)           \
  R(X, CONV_WINOGRAD,       "ConvWinograd",          conv,           NONE,             NONE,   SLOT_CONV,      CONV_WINOGRAD)  \
  R(X, CONV_EXPAND_DW,      "ConvExpandDepthwise",   expand_dw,      NONE,             NONE,   NONE,           EXPAND_DW)

#define MOTE_OP_RECORD_ALL(X, ...) X(__VA_ARGS__)
#define MOTE_OP_RECORD_FAMILY(X, e, name, family, ...) X(e, name, family)
#define MOTE_OP_RECORDS(X) MOTE_OP_TABLE(X, MOTE_OP_RECORD_ALL)
#define MOTE_OP_LIST(X) MOTE_OP_TABLE(X, MOTE_OP_RECORD_FAMILY)

typedef enum mote_op_code {
#define MOTE_X_ENUM(e, name, family) MOTE_OP_##e,
  MOTE_OP_LIST(MOTE_X_ENUM)
#undef MOTE_X_ENUM
  MOTE_OP_COUNT
} mote_op_code;

/* An op's alias column: may output 0 share bytes with one of the op's inputs? */
typedef enum mote_op_alias {
  MOTE_ALIAS_NONE = 0,         /* never: output 0 has bytes of its own */
  MOTE_ALIAS_VIEW = 1,         /* output 0 is input 0's bytes, unchanged (Reshape); planned */
  MOTE_ALIAS_IN_PLACE = 2,     /* output 0 may be written over a same-sized input that dies at
                                  this op (never a graph input); planned */
  MOTE_ALIAS_VIEW_ALLOWED = 3, /* a legal view the planner does not make (Copy exists to give a
                                  graph output a tensor of its own) */
  MOTE_ALIAS_IN_PLACE_ALLOWED = 4 /* legal in place (the kernel allows it, the verifier accepts
                                     it); the planner does not make it */
} mote_op_alias;

/* Activation fused into the op that produces a tensor (Conv, Gemm, MatMul, Add, ...). */
typedef enum mote_act_kind {
  MOTE_ACT_NONE = 0,
  MOTE_ACT_RELU = 1,
  MOTE_ACT_CLIP = 2,       /* min = alpha, max = beta */
  MOTE_ACT_LEAKY_RELU = 3  /* slope = alpha */
} mote_act_kind;

typedef struct mote_act {
  int32_t kind;
  float alpha;
  float beta;
} mote_act;

/* Unary: LeakyRelu/Elu/Celu/ThresholdedRelu alpha; Selu alpha, gamma = beta;
 * HardSigmoid alpha, beta; Clip min = alpha, max = beta; IsInf detect_negative = alpha != 0,
 * detect_positive = beta != 0; Gelu tanh approximation when gamma != 0; Shrink lambd = alpha,
 * bias = beta (x < -lambd: x + bias; x > lambd: x - bias; else 0). */
typedef struct mote_unary_params {
  float alpha;
  float beta;
  float gamma;
} mote_unary_params;

typedef struct mote_binary_params {
  mote_act act;
  int32_t fmod; /* Mod: C fmod semantics when 1, Python (sign of divisor) when 0 */
} mote_binary_params;

/* Conv and ConvTranspose, 1-D, 2-D or 3-D (spatial_rank 1 to 3), NCW / NCHW / NCDHW tensors.
 * Weights: Conv [M, C/group, k...], ConvTranspose [C, M/group, k...]. The optimised kernel sets
 * take 1-D and 2-D only; 3-D runs on the reference kernels. */
typedef struct mote_conv_params {
  int32_t spatial_rank;
  int32_t group;
  int32_t kernel[MOTE_MAX_SPATIAL];
  int32_t stride[MOTE_MAX_SPATIAL];
  int32_t dilation[MOTE_MAX_SPATIAL];
  int32_t pad_begin[MOTE_MAX_SPATIAL];
  int32_t pad_end[MOTE_MAX_SPATIAL];
  int32_t output_padding[MOTE_MAX_SPATIAL]; /* ConvTranspose only */
  mote_act act;
} mote_conv_params;

/* ConvExpandDepthwise: a 1x1 Conv (group 1, stride 1, unpadded) and the depthwise Conv that
 * reads its output (the expanded tensor, read by nothing else), as one op (--target x86 float
 * blobs; converter/src/expand_dw.cc). Inputs X [N, C, H, W], W1 [E, C, 1, 1], B1 [E],
 * W2 [E, 1, kH, kW], B2 [E]; output Y [N, E, OH, OW] = dw(expand_act(W1 X + B1)). The kernels
 * compute Y band_rows output rows at a time: the expanded rows a band reads (all E channels)
 * go to the op's scratch, so the expanded tensor never exists in full. */
typedef struct mote_expand_dw_params {
  mote_conv_params dw;  /* the depthwise Conv: 2-D, group = E; dw.act is its activation */
  mote_act expand_act;  /* the 1x1's activation */
  int32_t expand_op;    /* 0, or MOTE_OP_SILU / MOTE_OP_HARD_SWISH: the 1x1's activation op (after
                           expand_act) where it has no mote_act form */
  int32_t band_rows;    /* output rows per band, >= 1 */
} mote_expand_dw_params;

/* Y = alpha * op(A) * op(B) + beta * C; C optional and unidirectionally broadcast to [M, N]. */
typedef struct mote_gemm_params {
  float alpha;
  float beta;
  int32_t trans_a;
  int32_t trans_b;
  mote_act act;
} mote_gemm_params;

typedef struct mote_matmul_params {
  mote_act act;
} mote_matmul_params;

/* MaxPool and AveragePool over 1, 2 or 3 spatial axes (NCW, NCHW, NCDHW); the optimised kernel
 * sets take 1-D and 2-D only. */
typedef struct mote_pool_params {
  int32_t spatial_rank;
  int32_t kernel[MOTE_MAX_SPATIAL];
  int32_t stride[MOTE_MAX_SPATIAL];
  int32_t dilation[MOTE_MAX_SPATIAL];
  int32_t pad_begin[MOTE_MAX_SPATIAL];
  int32_t pad_end[MOTE_MAX_SPATIAL];
  int32_t ceil_mode;
  int32_t count_include_pad;
  float p; /* reserved for LpPool */
} mote_pool_params;

/* MaxPool with its second output, Indices (float32 X only): int64, shaped as Y, the flattened
 * index into X of each window's maximum (the first one on ties). With storage_order 0 the index
 * of X[n][c][h][w] is ((n * C + c) * H + h) * W + w, with 1 it is (n * C + c) * H * W + h + w * H
 * (1-D pooling: H = 1; 3-D pooling: row-major ((n * C + c) * D + d) * H * W + h * W + w, with 1
 * column-major (n * C + c) * D * H * W + d + h * D + w * D * H). */
typedef struct mote_max_pool_indices_params {
  mote_pool_params pool;
  int32_t storage_order; /* 0 or 1 */
} mote_max_pool_indices_params;

/* BatchNormalization (inference form: X, scale, B, mean, var), LayerNormalization (X, scale,
 * optional B; normalises over [axis, rank)), InstanceNormalization (X, scale, B),
 * LpNormalization (p in {1,2} stored in `p`). */
typedef struct mote_norm_params {
  float epsilon;
  int32_t axis;
  int32_t p;
} mote_norm_params;

/* Softmax/LogSoftmax/Hardmax. flatten = 1 is the opset < 13 form: the input is seen as 2-D
 * [prod(dims[:axis]), prod(dims[axis:])] and normalised along the second dimension. */
typedef struct mote_softmax_params {
  int32_t axis;
  int32_t flatten;
} mote_softmax_params;

typedef struct mote_reshape_params {
  int32_t rank;
  int32_t dims[MOTE_MAX_RANK];
} mote_reshape_params;

typedef struct mote_transpose_params {
  int32_t perm[MOTE_MAX_RANK];
} mote_transpose_params;

typedef struct mote_axis_params {
  int32_t axis;
} mote_axis_params;

/* Concat, Gather and GatherElements: one axis (negative counts from the end). */
typedef mote_axis_params mote_concat_params;
typedef mote_axis_params mote_gather_params;

/* Split: output k takes sizes[k] elements along `axis`; the sizes sum to the input's dim. */
typedef struct mote_split_params {
  int32_t axis;
  int32_t sizes[MOTE_MAX_OP_OUTPUTS];
} mote_split_params;

/* Slice: output[i] = input[start + i * step] on each axis, output dims = size; every index read
 * lies inside the input (step may be negative, never 0). */
typedef struct mote_slice_params {
  int32_t start[MOTE_MAX_RANK];
  int32_t step[MOTE_MAX_RANK];
  int32_t size[MOTE_MAX_RANK];
} mote_slice_params;

typedef enum mote_pad_mode {
  MOTE_PAD_CONSTANT = 0,
  MOTE_PAD_REFLECT = 1,
  MOTE_PAD_EDGE = 2,
  MOTE_PAD_WRAP = 3
} mote_pad_mode;

/* Pad: X, then optionally the constant mode's fill value computed at run time (one element of
 * X's dtype), which replaces `value`. */
typedef struct mote_pad_params {
  int32_t mode;
  float value; /* the fill value (constant mode) converted to X's dtype, unless input 1 gives it */
  int32_t begin[MOTE_MAX_RANK]; /* may be negative (crop) */
  int32_t end[MOTE_MAX_RANK];
} mote_pad_params;

typedef struct mote_tile_params {
  int32_t repeats[MOTE_MAX_RANK];
} mote_tile_params;

/* Expand: the input broadcasts (numpy rules) to this output shape. */
typedef mote_reshape_params mote_expand_params;

typedef enum mote_resize_mode {
  MOTE_RESIZE_NEAREST = 0,
  MOTE_RESIZE_LINEAR = 1,
  MOTE_RESIZE_CUBIC = 2
} mote_resize_mode;

typedef enum mote_resize_coord {
  MOTE_COORD_HALF_PIXEL = 0,
  MOTE_COORD_ASYMMETRIC = 1,
  MOTE_COORD_PYTORCH_HALF_PIXEL = 2,
  MOTE_COORD_ALIGN_CORNERS = 3,
  MOTE_COORD_TF_CROP_AND_RESIZE = 4,
  MOTE_COORD_HALF_PIXEL_SYMMETRIC = 5,
  MOTE_COORD_TF_HALF_PIXEL_FOR_NN = 6
} mote_resize_coord;

typedef enum mote_resize_nearest {
  MOTE_NEAREST_ROUND_PREFER_FLOOR = 0,
  MOTE_NEAREST_ROUND_PREFER_CEIL = 1,
  MOTE_NEAREST_FLOOR = 2,
  MOTE_NEAREST_CEIL = 3
} mote_resize_nearest;

/* Resize: output dims are out_dims; `scale` is the per-axis scale used by the coordinate
 * transform (output / input unless the model gave explicit scales); roi is used by
 * tf_crop_and_resize only. */
typedef struct mote_resize_params {
  int32_t mode;
  int32_t coord;
  int32_t nearest;
  float cubic_coeff;
  int32_t exclude_outside;
  float extrapolation_value;
  float scale[MOTE_MAX_RANK];
  float roi_start[MOTE_MAX_RANK];
  float roi_end[MOTE_MAX_RANK];
  int32_t out_dims[MOTE_MAX_RANK];
} mote_resize_params;

/* DepthToSpace (mode 0 = DCR, 1 = CRD) and SpaceToDepth. */
typedef struct mote_depth_space_params {
  int32_t blocksize;
  int32_t mode;
} mote_depth_space_params;

/* Reductions: bit i of axes_mask reduces axis i; keepdims keeps reduced axes as size 1. */
typedef struct mote_reduce_params {
  uint32_t axes_mask;
  int32_t keepdims;
} mote_reduce_params;

typedef struct mote_arg_reduce_params {
  int32_t axis;
  int32_t keepdims;
  int32_t select_last_index;
} mote_arg_reduce_params;

typedef struct mote_cast_params {
  int32_t to; /* mote_dtype */
} mote_cast_params;

typedef struct mote_cum_sum_params {
  int32_t axis;
  int32_t exclusive;
  int32_t reverse;
} mote_cum_sum_params;

/* Trilu: in every matrix of the last two dims, element (i, j) stays when j - i >= k (upper = 1)
 * or j - i <= k (upper = 0) and becomes zero otherwise. */
typedef struct mote_trilu_params {
  int32_t upper;
  int32_t k;
} mote_trilu_params;

/* RNN, GRU and LSTM as ONNX defines them (float32). Inputs, MOTE_NONE where absent: X [seq,
 * batch, input] ([batch, seq, input] with layout 1), W [dirs, G*hidden, input], R [dirs,
 * G*hidden, hidden], B [dirs, 2*G*hidden], sequence_lens int32 [batch] (values outside [0, seq]
 * are clamped; steps past a batch entry's length leave zeros in Y), initial_h [dirs, batch,
 * hidden] ([batch, dirs, hidden] with layout 1), and for LSTM initial_c (as initial_h) and P
 * [dirs, 3*hidden]. G is 1 (RNN), 3 (GRU: gates z, r, h) or 4 (LSTM: i, o, f, c). Outputs, those
 * whose bit is in `outputs`, in this order: Y [seq, dirs, batch, hidden] ([batch, seq, dirs,
 * hidden] with layout 1), Y_h and (LSTM) Y_c shaped as initial_h.
 * Each direction d uses act[3 d .. 3 d + 2] as f, g, h (RNN uses f, GRU f and g). With clip > 0,
 * every gate's pre-activation (biases and peepholes added) is clamped to [-clip, clip]. */
typedef enum mote_rnn_act_kind {
  MOTE_RNN_RELU = 0,
  MOTE_RNN_TANH = 1,
  MOTE_RNN_SIGMOID = 2,
  MOTE_RNN_AFFINE = 3,           /* alpha * x + beta */
  MOTE_RNN_LEAKY_RELU = 4,       /* x >= 0 ? x : alpha * x */
  MOTE_RNN_THRESHOLDED_RELU = 5, /* x > alpha ? x : 0 */
  MOTE_RNN_SCALED_TANH = 6,      /* alpha * tanh(beta * x) */
  MOTE_RNN_HARD_SIGMOID = 7,     /* max(0, min(1, alpha * x + beta)) */
  MOTE_RNN_ELU = 8,              /* x >= 0 ? x : alpha * (exp(x) - 1) */
  MOTE_RNN_SOFTSIGN = 9,         /* x / (1 + |x|) */
  MOTE_RNN_SOFTPLUS = 10,        /* log(1 + exp(x)) */
  MOTE_RNN_ACT_COUNT = 11
} mote_rnn_act_kind;

typedef struct mote_rnn_act {
  int32_t kind; /* mote_rnn_act_kind */
  float alpha;
  float beta;
} mote_rnn_act;

#define MOTE_RNN_OUT_Y 1
#define MOTE_RNN_OUT_Y_H 2
#define MOTE_RNN_OUT_Y_C 4

typedef struct mote_recurrent_params {
  int32_t hidden_size;
  int32_t direction; /* 0 forward, 1 reverse, 2 bidirectional */
  int32_t layout;    /* 0 or 1, as ONNX */
  int32_t linear_before_reset; /* GRU */
  int32_t input_forget;        /* LSTM: f = 1 - i */
  int32_t outputs;             /* MOTE_RNN_OUT_* bits: the outputs the op has, in order */
  float clip;                  /* 0: none */
  mote_rnn_act act[6];
} mote_recurrent_params;

/* DFT along `axis` of X [..., 1 (real) or 2 (complex)] (axis counts the dims before the last):
 * the signal zero-padded or cut to `length`; Y [..., 2] with `length` bins along the axis, or
 * length / 2 + 1 with `onesided`; `inverse` computes the inverse transform (scaled by 1/length).
 * STFT: SIGNAL [batch, samples, 1 or 2], WINDOW [frame_length] (optional) -> Y [batch, frames,
 * bins, 2], frames = (samples - frame_length) / frame_step + 1, bins = frame_length / 2 + 1
 * with `onesided`, else frame_length: the DFT of every frame times the window. */
typedef struct mote_spectral_params {
  int32_t axis;     /* DFT */
  int32_t inverse;  /* DFT */
  int32_t onesided;
  int32_t length;   /* DFT: the transform length; STFT: frame_length */
  int32_t step;     /* STFT: frame_step */
} mote_spectral_params;

/* TopK along `axis` (0..rank-1): output 0 holds the k largest (largest = 1) or smallest
 * (largest = 0) elements of every slice along the axis, in the input's dtype (float32, int32,
 * int64), output 1 their positions along the axis (int64). Both come best first whatever
 * `sorted` says (ONNX leaves the order free when sorted = 0); equal values come in the order of
 * their index, the lower first, and NaN ranks above every number (first when largest = 1, last
 * when largest = 0). 0 <= k <= the axis's size. */
typedef struct mote_topk_params {
  int32_t axis;
  int32_t k;
  int32_t largest;
  int32_t sorted;
} mote_topk_params;

/* NonMaxSuppression: BOXES [B, N, 4] and SCORES [B, C, N] (float32), then optional
 * IOU_THRESHOLD and SCORE_THRESHOLD (float32, one value each, read at run time; a missing one
 * means 0 and no score threshold). Boxes are corners [y1, x1, y2, x2] (either diagonal) with
 * center_point_box 0, [x_center, y_center, width, height] with 1. For every batch b and class c,
 * the boxes whose score is above SCORE_THRESHOLD (never a NaN score) are taken best score first
 * (equal scores: the lower box index first); one is selected unless its IoU with a box already
 * selected for that (b, c) is above IOU_THRESHOLD, until max_per_class are selected.
 * Outputs: SELECTED, int64 [B * C * max_per_class, 3], rows (b, c, box) ordered by b, then c,
 * then selection; its output has the static maximum of rows (max_per_class is the constant
 * max_output_boxes_per_class clamped to [0, N]) and the rows past the selection are -1.
 * COUNT, int64 [1]: the number of selected rows. */
typedef struct mote_nms_params {
  int32_t max_per_class;
  int32_t center_point_box; /* 0 or 1 */
} mote_nms_params;

/* OneHot: INDICES (float32, int8, uint8, int32 or int64, any values) and VALUES [2] = [off, on]
 * (any dtype) -> the indices' shape with a new axis of `depth` (>= 1) entries inserted at `axis`
 * (0..rank of indices), VALUES' dtype. An entry is `on` where its position along the new axis
 * equals the index (a negative index counts from depth: index + depth) and `off` elsewhere; an
 * index outside [-depth, depth) gives an all-off row. Float indices are truncated toward zero
 * first (as a cast to int64); NaN and values beyond the int64 range are out of range. */
typedef struct mote_onehot_params {
  int32_t depth;
  int32_t axis;
} mote_onehot_params;

typedef enum mote_scatter_reduction {
  MOTE_SCATTER_NONE = 0, /* the update replaces the element */
  MOTE_SCATTER_ADD = 1,
  MOTE_SCATTER_MUL = 2,
  MOTE_SCATTER_MAX = 3,
  MOTE_SCATTER_MIN = 4
} mote_scatter_reduction;

/* GatherND (batch_dims), ScatterElements (axis, reduction) and ScatterND (reduction), as ONNX
 * defines them; indices int32 or int64, a negative index counting from the end of its axis.
 * Index values are data: the kernel checks every one against its axis before it writes anything,
 * and an index outside [-dim, dim) fails the op with MOTE_ERR_RUNTIME (as Gather does), leaving
 * the output unwritten. The scatters copy DATA to the output, then apply the updates in the
 * order of the indices (row-major), so of duplicate indices the last update wins without a
 * reduction, and every one is combined with one. A reduction needs float32, int32 or int64 data
 * (integers wrap); without one any dtype works. Scatter (opset 9-10) is ScatterElements without
 * a reduction. */
typedef struct mote_gather_scatter_params {
  int32_t axis;       /* ScatterElements, -rank..rank-1 */
  int32_t batch_dims; /* GatherND */
  int32_t reduction;  /* ScatterElements, ScatterND: mote_scatter_reduction */
} mote_gather_scatter_params;

/* ReverseSequence: X (rank >= 2, any dtype) and SEQUENCE_LENS (int32 or int64, [batch]): for
 * every batch entry b (along batch_axis), the first len(b) steps along time_axis come reversed
 * and the rest unchanged; len(b) is SEQUENCE_LENS[b] clamped to [0, the time axis's size].
 * batch_axis and time_axis are 0 and 1 in either order. */
typedef struct mote_reverse_sequence_params {
  int32_t batch_axis;
  int32_t time_axis;
} mote_reverse_sequence_params;

/* LRN over the channels (dim 1) of X [N, C, ...] (float32): with the window of channels
 * [c - (size - 1) / 2, c + size / 2] clipped to [0, C), y = x / (bias + alpha / size * sum of
 * the window's x^2)^beta. size >= 1. */
typedef struct mote_lrn_params {
  float alpha;
  float beta;
  float bias;
  int32_t size;
} mote_lrn_params;

/* Det has no parameters: X [..., M, M] float32 -> Y [...], the determinant of each matrix (LU
 * with partial pivoting on a copy in the op's scratch, M * M floats; an empty matrix gives 1). */

typedef enum mote_grid_sample_mode {
  MOTE_GRID_LINEAR = 0,   /* ONNX "bilinear" (opset 16) / "linear" */
  MOTE_GRID_NEAREST = 1,  /* rounds half to even */
  MOTE_GRID_CUBIC = 2     /* ONNX "bicubic" / "cubic": Keys' kernel with a = -0.75, 4 x 4 taps */
} mote_grid_sample_mode;

typedef enum mote_grid_sample_padding {
  MOTE_GRID_ZEROS = 0,      /* taps outside the input read 0 */
  MOTE_GRID_BORDER = 1,     /* coordinates and taps clamped to the edge */
  MOTE_GRID_REFLECTION = 2  /* coordinates and taps reflected at the borders (the pixel edges,
                               or the outer pixel centres with align_corners) */
} mote_grid_sample_padding;

/* GridSample (2-D): X [N, C, H, W] float32, GRID [N, H_out, W_out, 2] float32 holding (x, y) in
 * [-1, 1] -> Y [N, C, H_out, W_out]. -1 and 1 are the outer pixel edges, or the outer pixel
 * centres with align_corners. The grid is run-time data: a NaN coordinate samples as -1 would,
 * and coordinates are clamped to a few pixels outside the input before sampling (where zeros
 * padding reads only zeros, as it would any farther out), so every tap stays defined. */
typedef struct mote_grid_sample_params {
  int32_t mode;           /* mote_grid_sample_mode */
  int32_t padding;        /* mote_grid_sample_padding */
  int32_t align_corners;  /* 0 or 1 */
} mote_grid_sample_params;

/* Einsum, its equation resolved at conversion into loop indices ("labels"): axis d of input k
 * runs over label label[k][d] (an input repeating a label reads the diagonal), output axis j runs
 * over label j (labels 0 .. out_rank - 1 are the output's, in its order), and the labels from
 * out_rank to num_labels - 1 are summed over. A label's extent is the largest dim of the axes
 * carrying it; each of those axes has that dim or 1 (broadcast). Inputs share one dtype: float32,
 * int32 or int64. */
#define MOTE_EINSUM_MAX_LABELS 16
typedef struct mote_einsum_params {
  int32_t num_labels;
  int32_t out_rank;
  int32_t label[MOTE_MAX_OP_INPUTS][MOTE_MAX_RANK];
} mote_einsum_params;

/* MaxUnpool: Y, of shape dims[0 .. rank - 1] (rank = X's), is zero but for X's elements: I (int64,
 * shaped as X) holds for each element of X a flattened index into a tensor of shape index_dims
 * (the unpooled shape MaxPool's indices refer to; index_dims[d] <= dims[d]), and the element goes
 * to the same coordinates in Y (an output_shape larger than the unpooled shape pads each axis at
 * its end). Index values are checked as the kernel runs, before it writes: one outside
 * [0, numel(index_dims)) fails the run. Later elements win where indices repeat. */
typedef struct mote_max_unpool_params {
  int32_t rank;
  int32_t dims[MOTE_MAX_RANK];
  int32_t index_dims[MOTE_MAX_RANK];
} mote_max_unpool_params;

/* ---- int8 (docs/quantization.md is the normative description) ----------------------------
 * real = scale * (q - zero_point). Requantisation multiplies an int32 accumulator by a Q31
 * multiplier in [2^30, MOTE_MAX_MULTIPLIER] (or 0) and shifts by [-31, 30]: requantize() in
 * kernels/reference/quant.h. The cap keeps a requantised value 511 away from the int32 limits,
 * so adding a zero point is defined on every target. */
#define MOTE_MAX_MULTIPLIER 2147483136 /* 2^31 - 512 */

/* QuantizeLinear: x float32, scale float32 (scalar or [C] along axis), zero point (optional,
 * int8/uint8, scalar or [C]) -> int8/uint8 (out_dtype). DequantizeLinear: x int8/uint8/int32 ->
 * float32. DynamicQuantizeLinear: x float32 -> (y uint8, scale float32 scalar, zp uint8 scalar).
 * FlipSign: uint8 <-> int8 by flipping the top bit (zero point moves by 128).
 * Requantize: int8 -> int8 with (in_zp, out_zp, mult, shift).
 * Lut: int8 -> int8 through a 256-entry int8 table input, y = table[x + 128]. */
typedef struct mote_quantize_params {
  int32_t axis;
  int32_t out_dtype;
  int32_t in_zp;
  int32_t out_zp;
  int32_t mult;
  int32_t shift;
} mote_quantize_params;

/* Tensor layouts of QConv (mote_qconv_params.layout, blob 1.4): NCHW, W [M, C/group, k...]
 * (ONNX's), or NHWC (channels last: X [N, H, W, C], W [M, kH, kW, C/group], Y [N, H', W', M];
 * 2-D and 1-D, where it is [N, W, C]), which `mote convert` picks for int8 convolution chains
 * on targets whose kernels want it (docs/blob-format.md, "Layouts"). A record without the field
 * (blobs before 1.4, 4 bytes shorter) is NCHW. */
#define MOTE_LAYOUT_NCHW 0
#define MOTE_LAYOUT_NHWC 1

/* QConv: X int8 NCHW (or NHWC: layout), W int8 [M, C/group, kH, kW], B int32 [M] (optional), MULT int32 [M] and
 * SHIFT int32 [M] (optional together: absent = int32 accumulators out, as ConvInteger), WZP
 * int32 [M] or [1] (optional weight zero points; 0 when absent), NEG_MULT and NEG_SHIFT int32
 * [M] or [1] (optional together, with MULT/SHIFT: a fused LeakyRelu/PRelu, the multiplier of a
 * negative accumulator).
 * acc = B[m] + sum (x - in_zp) * (w - wzp[m]); y = clamp(requant(acc, MULT[m], SHIFT[m]) +
 * out_zp, act_min, act_max), with NEG_MULT[m]/NEG_SHIFT[m] instead when acc < 0.
 * START int32 [M] (input 8, blob 1.5, optional: the folded start, instead of B and without
 * WZP): acc = START[m] + sum over every tap of x * w, a tap in the padding reading in_zp.
 * `mote convert` writes START = B - in_zp * sum w (exact in int32, else it keeps B), so acc is
 * the same integer as above and the kernels take no weight sums at run time. */
#define MOTE_QCONV_START 8 /* the input index of QConv's and QMatMul's folded start */
typedef struct mote_qconv_params {
  mote_conv_params conv;
  int32_t in_zp;
  int32_t out_zp;
  int32_t act_min;
  int32_t act_max;
  int32_t layout; /* MOTE_LAYOUT_NCHW or MOTE_LAYOUT_NHWC (1.4) */
} mote_qconv_params;

/* QMatMul: A int8 [..., M, K], B int8 [..., K, N] (batch dims broadcast), BIAS int32 [N]
 * (optional), MULT/SHIFT int32 [N] or [1] (optional: absent = int32 out, as MatMulInteger),
 * BZP int32 [N] or [1] (optional), NEG_MULT/NEG_SHIFT int32 [N] or [1] (optional, as QConv's).
 * acc = BIAS[n] + sum_k (a - a_zp) * (b - BZP[n]).
 * START int32 [N] (input 8, blob 1.5, optional: instead of BIAS and without BZP, as QConv's):
 * acc = START[n] + sum_k a * b; `mote convert` writes START = BIAS - a_zp * sum_k B[k, n]. */
typedef struct mote_qmatmul_params {
  int32_t a_zp;
  int32_t out_zp;
  int32_t act_min;
  int32_t act_max;
  int32_t b_layout; /* (1.4) MOTE_B_KN: B [..., K, N]; MOTE_B_NK: B [N, K] (rank 2, one row of
                       weights per output column, as a fully connected layer's), which `mote
                       convert` writes for the Cortex-M boards. A record without the field (before
                       1.4, 4 bytes shorter) is MOTE_B_KN. */
} mote_qmatmul_params;
#define MOTE_B_KN 0
#define MOTE_B_NK 1

/* QAdd / QSub / QMul / QMax / QMin / QPRelu / QDiv on int8 with numpy broadcasting.
 * QAdd: a' = requant((a - a_zp) << left_shift, a_mult, a_shift), b' likewise,
 *       y = clamp(requant(a' + b', out_mult, out_shift) + out_zp).
 * QSub: as QAdd with a' - b'.
 * QMul: y = clamp(requant((a - a_zp) * (b - b_zp), out_mult, out_shift) + out_zp).
 * QMax / QMin: y = clamp(max / min(requant(a - a_zp, a_mult, a_shift),
 *                                  requant(b - b_zp, b_mult, b_shift)) + out_zp).
 * QPRelu (b = the slopes): y = clamp(requant(a - a_zp, a_mult, a_shift) + out_zp) where
 *       a >= a_zp, else clamp(requant((a - a_zp) * (b - b_zp), out_mult, out_shift) + out_zp).
 * QDiv (a third input: T int32 [256], |T| <= 2^23, the scaled reciprocals of b's codes):
 *       y = clamp(requant((a - a_zp) * T[b + 128], out_mult, out_shift) + out_zp). */
typedef struct mote_qbinary_params {
  int32_t a_zp, b_zp, out_zp;
  int32_t a_mult, a_shift, b_mult, b_shift;
  int32_t out_mult, out_shift;
  int32_t left_shift;
  int32_t act_min, act_max;
} mote_qbinary_params;

/* QSoftmax along `axis` (int8 in, int8 out with scale 1/256 and zero point -128): with
 * d = max - x (0..255) and the converter's table E[d] = round(2^16 * exp(-s_in * d)) (int32
 * [256] input), y = clamp((256 * E[d] + S / 2) / S - 128, -128, 127) where S = sum of E. */
typedef struct mote_qsoftmax_params {
  int32_t axis;
} mote_qsoftmax_params;

/* QLayerNorm over the trailing axes from `axis` (n elements a row, n <= 32768): X int8, G int32
 * [n] (|G| <= 2^30), B int64 [n] (|B| <= 2^61). Per row, with d = x - in_zp:
 * S1 = sum d, S2 = sum d^2, V = n S2 - S1^2 + eps (eps = eps_lo | eps_hi << 32, 0..2^61),
 * t = n d - S1, u = t * 2^16 / sqrt(V) (integer square root and reciprocal,
 * docs/quantization.md), y = clamp(round(u G + B) / 2^frac_bits) + out_zp), frac_bits 0..40. */
typedef struct mote_qlayer_norm_params {
  int32_t axis;
  int32_t in_zp;
  int32_t out_zp;
  int32_t frac_bits;
  int32_t eps_lo;
  int32_t eps_hi;
} mote_qlayer_norm_params;

/* ---- int8 weights, float activations (mote convert --quantize int8-weights) ---------------
 * ConvW8, ConvTransposeW8, GemmW8, MatMulW8, RNNW8, GRUW8 and LSTMW8 are their float ops (same
 * params, same float32 activations in and out) with the weights stored int8, symmetric, one
 * float32 scale per output channel: w = scale[c] * q, q in [-128, 127] (the converter writes
 * [-127, 127]). Each output channel accumulates x * (float)q in float and multiplies the sum by
 * its scale before the bias and the fused activation: y[c] = act(scale[c] * sum x q + bias[c]).
 * The weights stay int8 in the blob (flash); nothing is dequantised into the arena.
 *   ConvW8:          X, W int8 [M, C/group, k...], B (optional, MOTE_NONE), SCALE float32 [M].
 *   ConvTransposeW8: X, W int8 [C, M/group, k...], B (optional), SCALE float32 [M]
 *                    (output channel g * M/group + j reads W[c, j] of the channels c of group g).
 *   GemmW8:          A, B int8 [K, N] (trans_b 0: the converter transposes), C (optional),
 *                    SCALE float32 [N];
 *                    Y = act(alpha * scale[n] * sum_k A q + beta * C).
 *   MatMulW8:        A [..., M, K], B int8 [K, N] (rank 2), SCALE float32 [N].
 *   RNNW8 / GRUW8 / LSTMW8: the ten inputs X, W int8, R int8, B, sequence_lens, initial_h,
 *                    initial_c, P, W_SCALE float32 [dirs, G*hidden], R_SCALE float32
 *                    [dirs, G*hidden] (MOTE_NONE where absent; RNN and GRU never have initial_c
 *                    or P): the gate row r of W and R is scaled by W_SCALE[r] and R_SCALE[r]. */

#ifdef __cplusplus
}
#endif

#endif /* MOTE_OPS_H */
