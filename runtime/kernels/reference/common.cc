#include "common.h"

namespace mote {
namespace ref {

Status broadcast_shapes(const OpArgs& a, const TensorView* const* shapes, int32_t count, TensorView* out) {
  int32_t rank = 0;
  for (int32_t k = 0; k < count; ++k) rank = shapes[k]->rank > rank ? shapes[k]->rank : rank;
  out->rank = rank;
  for (int32_t d = 0; d < rank; ++d) {
    int32_t dim = 1;
    for (int32_t k = 0; k < count; ++k) {
      const TensorView& s = *shapes[k];
      int32_t sd = d - (rank - s.rank);
      if (sd < 0) continue;
      int32_t v = s.dims[sd];
      if (v == dim || v == 1) continue;
      if (dim != 1) {
        return Fail(a.diag, Status::kBadParams).s("shapes ").dims(shapes[0]->dims, shapes[0]->rank).s(" and ")
            .dims(s.dims, s.rank).s(" do not broadcast");
      }
      dim = v;
    }
    out->dims[d] = dim;
  }
  return Status::kOk;
}

void broadcast_strides(const TensorView& in, const TensorView& out, int64_t* strides) {
  int64_t stride = 1;
  for (int32_t d = out.rank - 1; d >= 0; --d) {
    int32_t sd = d - (out.rank - in.rank);
    if (sd < 0 || in.dims[sd] == 1) {
      strides[d] = 0;
    } else {
      strides[d] = stride;
    }
    if (sd >= 0) stride *= in.dims[sd];
  }
}

}  // namespace ref
}  // namespace mote
