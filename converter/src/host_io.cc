// Host file formats: numpy .npy tensors and the C-array header for firmware.
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "mote/blob_format.h"
#include "mote/converter.h"
#include "mote/kernel.h"
#include "mote/model_records.hpp"
#include "../../runtime/kernels/simd_route.h"

namespace mote {
namespace {

const char* npy_descr(int32_t dtype) {
  switch (dtype) {
    case MOTE_F32: return "<f4";
    case MOTE_I32: return "<i4";
    case MOTE_I64: return "<i8";
    case MOTE_I8: return "|i1";
    case MOTE_U8: return "|u1";
    case MOTE_BOOL: return "|b1";
    case MOTE_F16: return "<f2";
    default: return nullptr;
  }
}

int32_t dtype_from_descr(const std::string& d) {
  for (int32_t dt : {MOTE_F32, MOTE_I32, MOTE_I64, MOTE_I8, MOTE_U8, MOTE_BOOL, MOTE_F16}) {
    std::string want = npy_descr(dt);
    if (d == want || (want[0] == '|' && d == "<" + want.substr(1)) || (want[0] == '<' && d == "|" + want.substr(1))) return dt;
  }
  return 0;
}

// Value of 'key' in the header dict, e.g. "'descr': '<f4'".
std::string dict_value(const std::string& header, const std::string& key, const std::string& path) {
  size_t k = header.find("'" + key + "'");
  if (k == std::string::npos) throw ConvertError(path + ": .npy header lacks '" + key + "'");
  size_t colon = header.find(':', k);
  size_t start = header.find_first_not_of(' ', colon + 1);
  if (header[start] == '(') return header.substr(start, header.find(')', start) - start + 1);
  size_t end = header.find_first_of(",}", start);
  return header.substr(start, end - start);
}

}  // namespace

HostTensor read_npy(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw ConvertError(path + ": cannot open");
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string bytes = ss.str();
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) throw ConvertError(path + ": not a .npy file");
  const int major = uint8_t(bytes[6]);
  size_t header_len, header_at;
  if (major == 1) {
    header_len = uint8_t(bytes[8]) | (size_t(uint8_t(bytes[9])) << 8);
    header_at = 10;
  } else {
    if (bytes.size() < 12) throw ConvertError(path + ": truncated .npy header");
    header_len = uint8_t(bytes[8]) | (size_t(uint8_t(bytes[9])) << 8) | (size_t(uint8_t(bytes[10])) << 16) |
                 (size_t(uint8_t(bytes[11])) << 24);
    header_at = 12;
  }
  if (header_at + header_len > bytes.size()) throw ConvertError(path + ": truncated .npy header");
  const std::string header = bytes.substr(header_at, header_len);
  std::string descr = dict_value(header, "descr", path);
  descr = descr.substr(1, descr.size() - 2);
  HostTensor t;
  t.dtype = dtype_from_descr(descr);
  if (!t.dtype) throw ConvertError(path + ": dtype '" + descr + "' is not supported (use float32, float16, int8/uint8, int32, int64 or bool)");
  if (dict_value(header, "fortran_order", path).find("True") != std::string::npos) {
    throw ConvertError(path + ": Fortran-order arrays are not supported");
  }
  std::string shape = dict_value(header, "shape", path);
  std::stringstream sh(shape.substr(1, shape.size() - 2));
  std::string item;
  while (std::getline(sh, item, ',')) {
    if (item.find_first_not_of(' ') == std::string::npos) continue;
    t.shape.push_back(std::stoll(item));
  }
  const size_t want = size_t(t.numel()) * dtype_size(t.dtype);
  const size_t data_at = header_at + header_len;
  if (bytes.size() - data_at < want) throw ConvertError(path + ": data shorter than its shape says");
  t.data.assign(bytes.begin() + long(data_at), bytes.begin() + long(data_at + want));
  return t;
}

void write_npy(const std::string& path, const HostTensor& t) {
  const char* descr = npy_descr(t.dtype);
  if (!descr) throw ConvertError(path + ": cannot write dtype " + std::to_string(t.dtype));
  std::string shape = "(";
  for (size_t k = 0; k < t.shape.size(); ++k) shape += std::to_string(t.shape[k]) + (t.shape.size() == 1 || k + 1 < t.shape.size() ? "," : "");
  shape += ")";
  std::string header = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  while ((10 + header.size() + 1) % 64) header += ' ';
  header += '\n';
  std::ofstream f(path, std::ios::binary);
  if (!f) throw ConvertError(path + ": cannot write");
  const char magic[8] = {'\x93', 'N', 'U', 'M', 'P', 'Y', 1, 0};
  f.write(magic, 8);
  const uint16_t len = uint16_t(header.size());
  const char lenb[2] = {char(len & 0xFF), char(len >> 8)};
  f.write(lenb, 2);
  f.write(header.data(), std::streamsize(header.size()));
  f.write(reinterpret_cast<const char*>(t.data.data()), std::streamsize(t.data.size()));
  if (!f) throw ConvertError(path + ": write failed");
}

std::string blob_to_c_header(const std::vector<uint8_t>& blob, const std::string& symbol) {
  Model model;
  std::vector<uint8_t> aligned(blob.size() + 16);
  uint8_t* base = aligned.data() + (16 - reinterpret_cast<uintptr_t>(aligned.data()) % 16) % 16;
  std::memcpy(base, blob.data(), blob.size());
  if (model.load(base, blob.size()) != Status::kOk) throw ConvertError(std::string("blob does not verify: ") + model.error());
  std::string up;
  for (char c : symbol) up += char(std::toupper(static_cast<unsigned char>(c)));
  std::ostringstream o;
  o << "/* Generated by mote convert: a Mote blob and its sizes. Do not edit. */\n";
  o << "#ifndef " << up << "_MOTE_H\n#define " << up << "_MOTE_H\n\n#include <stdint.h>\n\n";
  o << "#define " << up << "_BLOB_BYTES " << blob.size() << "u\n";
  o << "#define " << up << "_ARENA_BYTES " << model.arena_bytes() << "u\n";
  o << "#define " << up << "_NUM_INPUTS " << model.num_inputs() << "u\n";
  o << "#define " << up << "_NUM_OUTPUTS " << model.num_outputs() << "u\n";
  for (uint32_t k = 0; k < model.num_inputs(); ++k) {
    TensorInfo info;
    (void)model.input_info(k, &info);
    o << "#define " << up << "_INPUT" << k << "_BYTES " << info.bytes << "u /* " << info.name << " */\n";
    if (info.scale > 0) {
      o << "#define " << up << "_INPUT" << k << "_SCALE " << std::setprecision(9) << info.scale << "f\n";
      o << "#define " << up << "_INPUT" << k << "_ZERO_POINT (" << info.zero_point << ")\n";
    }
  }
  for (uint32_t k = 0; k < model.num_outputs(); ++k) {
    TensorInfo info;
    (void)model.output_info(k, &info);
    o << "#define " << up << "_OUTPUT" << k << "_BYTES " << info.bytes << "u /* " << info.name << " */\n";
    if (info.scale > 0) {
      o << "#define " << up << "_OUTPUT" << k << "_SCALE " << std::setprecision(9) << info.scale << "f\n";
      o << "#define " << up << "_OUTPUT" << k << "_ZERO_POINT (" << info.zero_point << ")\n";
    }
  }
  // Op list, so firmware can see which kernels the model uses.
  bool used[MOTE_OP_COUNT] = {false};
  for (uint32_t k = 0; k < model.num_ops(); ++k) used[model.op(k).code] = true;
  o << "#define " << up << "_OPS \"";
  bool first = true;
  for (int c = 0; c < MOTE_OP_COUNT; ++c) {
    if (!used[c]) continue;
    o << (first ? "" : ",") << op_name(c);
    first = false;
  }
  o << "\"\n\n";
  // Op families (MOTE_OP_LIST's third column) for a runtime built with -DMOTE_OP_CONFIG naming
  // this header (or one including several models' headers: a family any of them uses stays on).
  struct Family {
    const char* name;
    int32_t code;
  };
  static const Family kFamilies[] = {
#define MOTE_X_FAMILY(e, name, family) {#family, MOTE_OP_##e},
      MOTE_OP_LIST(MOTE_X_FAMILY)
#undef MOTE_X_FAMILY
  };
  std::vector<std::string> families;
  std::vector<bool> family_used;
  for (const Family& f : kFamilies) {
    size_t k = 0;
    while (k < families.size() && families[k] != f.name) ++k;
    if (k == families.size()) families.push_back(f.name), family_used.push_back(false);
    if (used[f.code]) family_used[k] = true;
  }
  // One flag per family: 1 wins over 0 when a header includes several models' headers.
  auto family_flags = [&](const char* prefix, const std::vector<bool>& on) {
    for (size_t k = 0; k < families.size(); ++k) {
      const std::string m = prefix + families[k];
      if (on[k]) {
        o << "#undef " << m << "\n#define " << m << " 1\n";
      } else {
        o << "#ifndef " << m << "\n#define " << m << " 0\n#endif\n";
      }
    }
  };
  o << "/* Op families the model uses: with -DMOTE_OP_CONFIG='\"" << symbol
    << ".h\"' the runtime links only their kernels. */\n";
  family_flags("MOTE_USE_FAMILY_", family_used);
  // And the ops themselves (MOTE_OP_ON in mote/op_config.h): a family's other ops are refused at
  // load and their paths in the family's kernels left out (Softmax without LogSoftmax's log).
  o << "/* Ops the model uses (MOTE_USE_OPS: a header that lists them). */\n#define MOTE_USE_OPS 1\n";
  static const char* const kOpEnums[] = {
#define MOTE_X_ENUM_NAME(e, name, family) #e,
      MOTE_OP_LIST(MOTE_X_ENUM_NAME)
#undef MOTE_X_ENUM_NAME
  };
  for (int c = 0; c < MOTE_OP_COUNT; ++c) {
    const std::string m = std::string("MOTE_USE_OP_") + kOpEnums[c];
    if (used[c]) {
      o << "#undef " << m << "\n#define " << m << " 1\n";
    } else {
      o << "#ifndef " << m << "\n#define " << m << " 0\n#endif\n";
    }
  }
  // The families whose every op the SIMD128 kernels take, in a blob planned for them: a SIMD128
  // module built for these models (wasm/build.sh model=) leaves their reference kernels out
  // (mote/op_config.h, MOTE_REFERENCE_ON). A family some model needs the reference of stays in.
  std::vector<bool> family_ref(families.size(), false);
  const bool simd128_planned = (model.meta().kernel_sets & MOTE_SET_WASM_SIMD128) != 0;
  // The SIMD sets' float routes and forms the ops take (simd::route_linked, mote/op_config.h):
  // a runtime built for these models leaves the others out.
  bool conv_pointwise = false, conv_im2col = false, gemm_nn = false, gemm_nt = false, gemm_row_tail = false;
  for (uint32_t n = 0; n < model.num_ops(); ++n) {
    const mote_op_record& op = model.op(n);
    TensorView views[MOTE_MAX_OP_OPERANDS];
    for (uint32_t k = 0; k < op.num_inputs + op.num_outputs; ++k) {
      const uint32_t t = model.operand(op.operands + k);
      views[k] = t == MOTE_NONE ? TensorView{nullptr, MOTE_DTYPE_UNDEFINED, 0, {0}} : model.view(t, nullptr);
    }
    const OpArgs args{op.code, model.params(op), op.params_size, views, op.num_inputs, views + op.num_inputs,
                      op.num_outputs, nullptr, op.scratch_bytes, nullptr};
    const simd::Route r = simd::route(args, simd::Features{true, true});
    conv_pointwise = conv_pointwise || r.kernel == simd::Kernel::kConvPointwise;
    conv_im2col = conv_im2col || r.kernel == simd::Kernel::kConv;
    gemm_nn = gemm_nn || r.kernel == simd::Kernel::kGemmNN;
    gemm_nt = gemm_nt || r.kernel == simd::Kernel::kGemmNT;
    gemm_row_tail = gemm_row_tail || simd::route_row_tail(r);
    if (op.code == MOTE_OP_CONV_WINOGRAD) gemm_row_tail = true;  // its GEMMs: the output channels' rows
    if (simd128_planned && wasm_simd128::covers(args)) continue;
    for (size_t k = 0; k < families.size(); ++k) {
      if (families[k] == kFamilies[op.code].name) family_ref[k] = true;
    }
  }
  o << "/* Families whose reference kernels a SIMD128 module for this model needs (1): the SIMD128\n"
       "   kernels take every op of the others. */\n#define MOTE_OPTIMIZED_COVERS_WASM_SIMD128 1\n";
  family_flags("MOTE_REFERENCE_WASM_SIMD128_", family_ref);
  // The tokenizer (mote/text.h): a WebAssembly module built for this model (wasm/build.sh
  // model=) exports it only when some model of the build carries a vocabulary (--vocab).
  o << "/* The blob carries a WordPiece vocabulary (mote convert --vocab): the tokenizer is needed. */\n";
  if (model.has_vocab()) {
    o << "#undef MOTE_USE_TEXT\n#define MOTE_USE_TEXT 1\n";
  } else {
    o << "#ifndef MOTE_USE_TEXT\n#define MOTE_USE_TEXT 0\n#endif\n";
  }
  // Kernel variants within a family that a kernel set links only when a model needs them
  // (mote/op_config.h): depthwise convolution (group == C == M), float and int8, and int8
  // MaxPool, float MaxPool 3x3 at stride 2 (an unrolled SIMD128 form), float Conv 3x3 at stride 2
  // over few channels (a direct SIMD128 form). Without them such an op
  // would still run, on the reference kernel (or the set's general one). The int8-weight
  // ops (--quantize int8-weights) share their float ops' families and kernels; a runtime built
  // without the variant refuses them at load. So does one built without the reference pools on
  // int8 and uint8 (MaxPool, AveragePool): a float model's runtime leaves them out; and one
  // built without the general reference pools (AveragePool, MaxPoolWithIndices, 1-D and 3-D
  // pools: pool_general), when every pool of its models is a float 2-D MaxPool; and one built
  // without the reference Conv's depth axis (conv_3d), when no Conv (ConvW8) of its models is 3-D.
  bool conv_3d = false;
  bool depthwise = false, qdepthwise = false, max_pool_int8 = false, int8_weights = false, winograd = false;
  bool max_pool_3x3s2 = false, conv_3x3s2 = false, pool_int8 = false, pool_general = false, act_clip = false;
  bool max_pool_s1 = false, max_pool_s2 = false, max_pool_sn = false;
  for (uint32_t k = 0; k < model.num_ops(); ++k) {
    const mote_op_record& op = model.op(k);
    // A Clip: the op, or an activation fused into the ops whose params end in one (act_clip:
    // without it the runtime refuses a Clip at load, and leaves out the text of its bounds).
    const std::string family = kFamilies[op.code].name;
    size_t act_at = 0, params_need = 0;
    if (family == "conv" || family == "conv_transpose") {
      act_at = offsetof(mote_conv_params, act), params_need = sizeof(mote_conv_params);
    } else if (family == "gemm") {
      act_at = offsetof(mote_gemm_params, act), params_need = sizeof(mote_gemm_params);
    } else if (family == "matmul") {
      act_at = offsetof(mote_matmul_params, act), params_need = sizeof(mote_matmul_params);
    } else if (family == "binary") {
      act_at = offsetof(mote_binary_params, act), params_need = sizeof(mote_binary_params);
    }
    if (op.code == MOTE_OP_CLIP) act_clip = true;
    if (params_need) {
      mote_act act{};
      if (op.params_size >= params_need) std::memcpy(&act, static_cast<const uint8_t*>(model.params(op)) + act_at, sizeof act);
      if (op.params_size < params_need || act.kind == MOTE_ACT_CLIP) act_clip = true;
    }
    if (op_weights_int8(op.code)) int8_weights = true;
    if (op.code == MOTE_OP_CONV_WINOGRAD) winograd = true;
    if (op.code == MOTE_OP_MAX_POOL && op.num_inputs >= 1 &&
        model.tensor(model.operand(op.operands)).dtype == MOTE_I8) {
      max_pool_int8 = true;
    }
    if ((op.code == MOTE_OP_MAX_POOL || op.code == MOTE_OP_AVERAGE_POOL || op.code == MOTE_OP_MAX_POOL_INDICES) &&
        op.num_inputs >= 1 && model.tensor(model.operand(op.operands)).dtype != MOTE_F32) {
      pool_int8 = true;
    }
    if (op.code == MOTE_OP_AVERAGE_POOL || op.code == MOTE_OP_MAX_POOL_INDICES ||
        (op.code == MOTE_OP_MAX_POOL &&
         (op.params_size < sizeof(mote_pool_params) || op.num_inputs < 1 ||
          model.tensor(model.operand(op.operands)).dtype != MOTE_F32 ||
          static_cast<const mote_pool_params*>(model.params(op))->spatial_rank != 2))) {
      pool_general = true;
    }
    if (op.code == MOTE_OP_MAX_POOL && op.params_size >= sizeof(mote_pool_params)) {
      const mote_pool_params& p = *static_cast<const mote_pool_params*>(model.params(op));
      if (p.spatial_rank == 2 && p.kernel[0] == 3 && p.kernel[1] == 3 && p.stride[0] == 2 && p.stride[1] == 2) {
        max_pool_3x3s2 = true;
      } else if (p.spatial_rank >= 1 && p.spatial_rank <= MOTE_MAX_SPATIAL) {
        // The SIMD128 band's rows by horizontal stride (wasm_simd128::Tiles::pool_form_linked).
        const int32_t sw = p.stride[p.spatial_rank - 1];
        (sw == 1 ? max_pool_s1 : sw == 2 ? max_pool_s2 : max_pool_sn) = true;
      } else {
        max_pool_s1 = max_pool_s2 = max_pool_sn = true;
      }
    }
    if ((op.code == MOTE_OP_CONV || op.code == MOTE_OP_CONV_W8) &&
        (op.params_size < sizeof(mote_conv_params) || static_cast<const mote_conv_params*>(model.params(op))->spatial_rank == 3)) {
      conv_3d = true;
    }
    if ((op.code != MOTE_OP_CONV && op.code != MOTE_OP_QCONV) || op.num_inputs < 2) continue;
    const mote_conv_params& p = *static_cast<const mote_conv_params*>(model.params(op));
    const mote_tensor_record& w = model.tensor(model.operand(op.operands + 1));
    // Float Conv 3x3 at stride 2, ungrouped, over few channels (an image network's stem): a
    // direct SIMD128 form (wasm_simd128::Tiles::conv_s2_shape).
    if (op.code == MOTE_OP_CONV && p.spatial_rank == 2 && p.group == 1 && p.kernel[0] == 3 && p.kernel[1] == 3 &&
        p.stride[0] == 2 && p.stride[1] == 2 && w.rank == 4 && w.dims[1] <= 4) {
      conv_3x3s2 = true;
    }
    // W's channels per group: W[1] (NCHW) or W[rank - 1] (an NHWC QConv).
    const bool nhwc = op.code == MOTE_OP_QCONV && op.params_size >= sizeof(mote_qconv_params) &&
                      static_cast<const mote_qconv_params*>(model.params(op))->layout == MOTE_LAYOUT_NHWC;
    if (w.rank < 2 || w.dims[nhwc ? w.rank - 1 : 1] != 1 || w.dims[0] != p.group) continue;  // C = group * W[1], M = W[0]
    if (op.code == MOTE_OP_CONV) depthwise = true;
    if (op.code == MOTE_OP_QCONV && p.group > 1) qdepthwise = true;
  }
  const struct {
    const char* name;
    bool used;
  } kKernels[] = {{"conv_depthwise", depthwise}, {"qconv_depthwise", qdepthwise}, {"max_pool_int8", max_pool_int8},
                  {"int8_weights", int8_weights}, {"winograd", winograd}, {"max_pool_3x3s2", max_pool_3x3s2},
                  {"conv_3x3s2", conv_3x3s2}, {"pool_int8", pool_int8},
                  {"pool_general", pool_general}, {"act_clip", act_clip}, {"conv_3d", conv_3d},
                  {"conv_pointwise", conv_pointwise}, {"conv_im2col", conv_im2col}, {"gemm_nn", gemm_nn},
                  {"gemm_nt", gemm_nt}, {"gemm_row_tail", gemm_row_tail}, {"max_pool_s1", max_pool_s1},
                  {"max_pool_s2", max_pool_s2}, {"max_pool_sn", max_pool_sn}};
  for (const auto& v : kKernels) {
    const std::string m = std::string("MOTE_USE_KERNEL_") + v.name;
    if (v.used) {
      o << "#undef " << m << "\n#define " << m << " 1\n";
    } else {
      o << "#ifndef " << m << "\n#define " << m << " 0\n#endif\n";
    }
  }
  o << "\n";
  // The includer may place the blob, e.g. in a section: #define MOTE_BLOB_SECTION before it.
  o << "#ifndef MOTE_BLOB_SECTION\n#define MOTE_BLOB_SECTION\n#endif\n";
  o << "#if defined(__GNUC__)\n__attribute__((aligned(64)))\n#endif\n";
  o << "MOTE_BLOB_SECTION static const uint8_t " << symbol << "_blob[" << blob.size() << "] = {";
  for (size_t k = 0; k < blob.size(); ++k) {
    if (k % 16 == 0) o << "\n ";
    char buf[8];
    std::snprintf(buf, sizeof buf, " 0x%02x,", blob[k]);
    o << buf;
  }
  o << "\n};\n\n#endif\n";
  return o.str();
}

}  // namespace mote
