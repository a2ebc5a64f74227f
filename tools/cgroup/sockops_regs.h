/* The registers of kashim's sock_ops program: its builder and its reader. */
#ifndef KASHIM_SOCKOPS_REGS_H
#define KASHIM_SOCKOPS_REGS_H

/* The registers kashim's program uses. */
#define R0 0
#define R1 1
#define R2 2
#define R3 3
#define R4 4
#define R5 5
#define R6 6  /* the context, kept across calls */
#define R10 10 /* frame pointer */

#endif
