// Quantisation helpers shared by the ONNX quantized-op import and post-training quantisation.
#include <cmath>

#include "graph.h"

namespace mote {

void quantize_multiplier(double real, int32_t* multiplier, int32_t* shift) {
  if (!(real > 0.0) || !std::isfinite(real)) {
    *multiplier = 0;
    *shift = 0;
    return;
  }
  int exponent = 0;
  const double fraction = std::frexp(real, &exponent);  // real = fraction * 2^exponent, fraction in [0.5, 1)
  int64_t q = int64_t(std::llround(fraction * double(int64_t(1) << 31)));
  if (q == (int64_t(1) << 31)) {
    q /= 2;
    ++exponent;
  }
  // The runtime caps multipliers a little below 2^31 (MOTE_MAX_MULTIPLIER): the relative change
  // is below 2.4e-7, far under an int8 step.
  if (q > MOTE_MAX_MULTIPLIER) q = MOTE_MAX_MULTIPLIER;
  if (exponent < -31) {  // below 2^-32: every int32 accumulator rounds to 0
    q = 0;
    exponent = 0;
  }
  *multiplier = int32_t(q);
  *shift = exponent;
}

}  // namespace mote
