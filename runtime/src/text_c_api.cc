// The text C API: the C++ Vocab placed in caller storage, and thin forwarding.
#include <new>  // placement new only: no allocation

#include "mote/text.h"
#include "mote/text.hpp"

static_assert(sizeof(mote::Vocab) <= MOTE_VOCAB_STORAGE_BYTES, "grow MOTE_VOCAB_STORAGE_BYTES");
static_assert(alignof(mote::Vocab) <= alignof(mote_vocab), "mote_vocab storage under-aligned");

namespace {
const mote::Vocab* as_vocab(const mote_vocab* v) { return reinterpret_cast<const mote::Vocab*>(v->storage.bytes); }
const mote::Model* as_model(const mote_model* m) { return reinterpret_cast<const mote::Model*>(m->storage.bytes); }
mote_status c(mote::Status s) { return static_cast<mote_status>(s); }
}  // namespace

extern "C" {

mote_status mote_vocab_open(mote_vocab* vocab, const void* data, size_t size) {
  if (!vocab) return MOTE_ERR_INVALID_ARGUMENT;
  return c((new (vocab->storage.bytes) mote::Vocab())->open(data, size));
}

mote_status mote_model_vocab(const mote_model* model, mote_vocab* vocab) {
  if (!vocab) return MOTE_ERR_INVALID_ARGUMENT;
  mote::Vocab* v = new (vocab->storage.bytes) mote::Vocab();
  if (!model) return MOTE_ERR_INVALID_ARGUMENT;
  return c(as_model(model)->vocab(v));
}

const char* mote_vocab_error(const mote_vocab* vocab) { return vocab ? as_vocab(vocab)->error() : ""; }
uint32_t mote_vocab_size(const mote_vocab* vocab) { return vocab ? as_vocab(vocab)->size() : 0; }
uint32_t mote_vocab_max_length(const mote_vocab* vocab) { return vocab ? as_vocab(vocab)->max_length() : 0; }
int32_t mote_vocab_lower_case(const mote_vocab* vocab) { return vocab && as_vocab(vocab)->lower_case() ? 1 : 0; }
int32_t mote_vocab_strip_accents(const mote_vocab* vocab) { return vocab && as_vocab(vocab)->strip_accents() ? 1 : 0; }

int32_t mote_vocab_special(const mote_vocab* vocab, mote_special_token which) {
  if (!vocab || which < MOTE_TOKEN_UNK || which > MOTE_TOKEN_MASK) return -1;
  return as_vocab(vocab)->special(static_cast<mote::SpecialToken>(which));
}

const char* mote_vocab_token(const mote_vocab* vocab, uint32_t id, uint32_t* bytes) {
  if (!vocab) {
    if (bytes) *bytes = 0;
    return nullptr;
  }
  return as_vocab(vocab)->token(id, bytes);
}

int32_t mote_vocab_find(const mote_vocab* vocab, const char* token, size_t bytes) {
  return vocab ? as_vocab(vocab)->find(token, bytes) : -1;
}

mote_status mote_vocab_tokenize(const mote_vocab* vocab, const char* text, size_t text_bytes, uint32_t max_length,
                                uint32_t flags, int32_t* ids, int32_t* attention_mask, int32_t* token_type_ids,
                                uint32_t capacity, uint32_t* count, uint32_t* needed) {
  if (!vocab) return MOTE_ERR_INVALID_ARGUMENT;
  return c(as_vocab(vocab)->tokenize(text, text_bytes, max_length, flags, ids, attention_mask, token_type_ids, capacity,
                                     count, needed));
}

}  // extern "C"
