/*
 * The exit statuses of kashim and kashim-inspect, each defined here once;
 * the EXIT STATUS sections of kashim(1) and kashim-inspect(1) say what
 * they mean to a user.
 */
#ifndef KASHIM_EXIT_STATUS_H
#define KASHIM_EXIT_STATUS_H

/* kashim, as env(1) and timeout(1) have them; otherwise COMMAND's own. */
#define KASHIM_EXIT_OK 0
#define KASHIM_EXIT_INCOMPLETE 1  /* --pid: some process not reached or not
                                     fully configured; kashim-inspect:
                                     something could not be read */
#define KASHIM_EXIT_FAILURE 125   /* kashim itself failed: COMMAND never ran */
#define KASHIM_EXIT_CANNOT_RUN 126
#define KASHIM_EXIT_NOT_FOUND 127

/* kashim-inspect's usage error (kashim's is KASHIM_EXIT_FAILURE). */
#define KASHIM_EXIT_USAGE 2

/* kashim-inspect --missing. */
#define KASHIM_MISSING_NONE 0
#define KASHIM_MISSING_FOUND 1
#define KASHIM_MISSING_UNREADABLE 3

#endif
