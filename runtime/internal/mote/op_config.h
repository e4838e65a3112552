// Which op families a runtime build links. A runtime built for known models
// (-DMOTE_OP_CONFIG='"model.h"': the header `mote convert --c-array` writes, or one including
// several) keeps only the families they use: MOTE_FAMILY_ON(family) is then a constant the op
// table (runtime/src/op_table.cc) and every kernel set's routing test before they name a
// kernel, so nothing references the kernels of the other families and the linker's
// --gc-sections drops them. Without MOTE_OP_CONFIG every family is in. A header that lacks a
// family (written before the family was added) fails to compile: convert the model again.
#ifndef MOTE_OP_CONFIG_H
#define MOTE_OP_CONFIG_H

#ifdef MOTE_OP_CONFIG
#include MOTE_OP_CONFIG
#define MOTE_FAMILY_ON(family) (MOTE_USE_FAMILY_##family != 0)
#else
#define MOTE_FAMILY_ON(family) true
#endif

#endif  // MOTE_OP_CONFIG_H
