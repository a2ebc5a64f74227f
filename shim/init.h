/*
 * What libkashim.so does once, at its start (shim.c's kashim_init): find
 * each real libc function, and read the configuration.
 */
#ifndef KASHIM_INIT_H
#define KASHIM_INIT_H

#include "core/config/config.h"

/*
 * Find name in the next library (libc); self is our own function of that
 * name. Sets *libc_ahead when libc was preloaded ahead of us; aborts when
 * there is no real function to call.
 */
void *kashim_bind(const char *name, const void *self, int *libc_ahead);

/*
 * Fill cfg, all zeros, from /etc/kashim.conf and the environment, warning
 * about bad values; libc_ahead is kashim_bind's finding, worth a warning.
 * *selected is set to whether KASHIM_PROGRAMS selects this program.
 * Returns 1 in a set-user-ID or file-capability program (AT_SECURE): its
 * environment was not read, and must not be (cfg comes from the file
 * alone, or stays zeros: keepalive off). Else 0.
 */
int kashim_load_config(struct kashim_config *cfg, int libc_ahead, int *selected);

#endif
