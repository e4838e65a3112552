/* Mote status codes: the one error policy of the runtime.
 *
 * Every entry point returns a mote_status. MOTE_OK is zero; everything else names a class of
 * failure, and the object that failed (model or session) keeps a one-line detail text saying
 * what and where (see mote_model_error / mote_session_error). */
#ifndef MOTE_STATUS_H
#define MOTE_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum mote_status {
  MOTE_OK = 0,
  MOTE_ERR_INVALID_ARGUMENT = 1, /* a null pointer, an index out of range, an unknown name */
  MOTE_ERR_BAD_MAGIC = 2,        /* the buffer is not a Mote blob */
  MOTE_ERR_VERSION = 3,          /* the blob's format version is not one this runtime reads */
  MOTE_ERR_TRUNCATED = 4,        /* the buffer is shorter than the blob says it is */
  MOTE_ERR_CHECKSUM = 5,         /* CRC32 mismatch: the blob was corrupted */
  MOTE_ERR_MALFORMED = 6,        /* an offset, size, index or record is out of bounds */
  MOTE_ERR_UNSUPPORTED_OP = 7,   /* an op code this runtime build does not have */
  MOTE_ERR_BAD_PARAMS = 8,       /* an op's parameters or operand shapes/dtypes are invalid */
  MOTE_ERR_ARENA_TOO_SMALL = 9,  /* the caller's arena is smaller than the plan needs */
  MOTE_ERR_ALIGNMENT = 10,       /* the blob or arena is not aligned as required */
  MOTE_ERR_SHAPE = 11,           /* input data of the wrong size, dtype or shape */
  MOTE_ERR_NOT_READY = 12,       /* the model or session was not successfully initialised */
  MOTE_ERR_RUNTIME = 13,         /* a kernel failed while running (e.g. index out of range) */
  MOTE_STATUS_COUNT = 14
} mote_status;

/* A short constant name for a status, e.g. "arena too small". Never null. */
const char* mote_status_str(mote_status status);

#ifdef __cplusplus
}
#endif

#endif /* MOTE_STATUS_H */
