/* virt-a15 start-up (ARMv7-A, ARM state): the exception vectors, the stacks, VFP/NEON on, then
 * C (board.c). Semihosting SVCs never reach the vectors: QEMU handles them at the trap. */
    .syntax unified
    .arm

    .section .vectors, "ax"
    .align 5                        /* VBAR needs 32-byte alignment */
    .global _vectors
_vectors:
    b _start
    b undef_entry
    b svc_entry
    b prefetch_abort_entry
    b data_abort_entry
    b unused_entry
    b irq_entry
    b fiq_entry

    .global _start
    .type _start, %function
_start:
    cpsid aif
    ldr r0, =_vectors
    mcr p15, 0, r0, c12, c0, 0      /* VBAR */
    cps #0x17                       /* abort mode: its own stack for fault reports */
    ldr sp, =__abort_stack_top__
    cps #0x1b                       /* undefined mode: shares the abort stack (one fault is fatal) */
    ldr sp, =__abort_stack_top__
    cps #0x12                       /* IRQ mode */
    ldr sp, =__abort_stack_top__
    cps #0x13                       /* supervisor mode: where the program runs */
    ldr sp, =__stack_top__
    /* CPACR: CP10 and CP11 (VFP and Advanced SIMD) full access; then FPEXC.EN. */
    mrc p15, 0, r0, c1, c0, 2
    orr r0, r0, #(0xF << 20)
    mcr p15, 0, r0, c1, c0, 2
    isb
    mov r0, #0x40000000
    vmsr fpexc, r0
    ldr r12, =cortex_a_start        /* Thumb C code: interworking branch */
    bx r12

/* Every exception but reset is fatal: pass its kind and the return address to C. */
    .macro fatal kind
    mov r0, #\kind
    mov r1, lr
    ldr r12, =cortex_a_fault
    bx r12
    .endm
undef_entry:          fatal 1
svc_entry:            fatal 2
prefetch_abort_entry: fatal 3
data_abort_entry:     fatal 4
unused_entry:         fatal 5
irq_entry:            fatal 6
fiq_entry:            fatal 7
    .ltorg
