// The stack Mote's own calls need on a Cortex-M4 (the arm_dsp build at -Os), beyond the caller's
// frames: the deepest chain of calls below mote_model_load and below mote_session_run, every
// kernel reachable through the op table and the newlib, libm and libgcc functions they call
// included. No kernel frame is above MOTE_KERNEL_FRAME_LIMIT_BYTES: kernels take their working
// memory from the op's scratch in the arena plan.
//
// Figures, not guesses: the freestanding test (tests/freestanding/check_freestanding.sh, through
// tools/stack_report.py) measures both on every run and fails if a chain is deeper or a kernel
// frame larger than these. `mote info` prints them; docs/porting.md explains the chains.
#ifndef MOTE_STACK_BUDGET_H
#define MOTE_STACK_BUDGET_H

#define MOTE_KERNEL_FRAME_LIMIT_BYTES 512
#define MOTE_CORTEX_M4_STACK_BYTES 2304

#endif  // MOTE_STACK_BUDGET_H
