/*
 * The host-wide configuration file, /etc/kashim.conf (its path is fixed
 * at build time: kashim_conf_path). KASHIM_NAME=value lines, # comments
 * and [program] sections, read once with open/read/close into a buffer
 * the caller owns: no stdio, no allocation, so the library reads it from
 * its constructor. What each variable accepts stays the table's: the file
 * only says which text each variable gets, and kashim_config_load parses
 * it as it parses the environment.
 */
#ifndef KASHIM_CONFFILE_H
#define KASHIM_CONFFILE_H

#include "config.h"

#include <stddef.h>

/* The file kashim reads: SYSCONFDIR/kashim.conf, from the Makefile. */
extern const char kashim_conf_path[];

/* Bytes of the file read at most; a longer file is ignored, with a line. */
#define KASHIM_CONF_MAX 8192

/* kashim_conffile_read's results. */
#define KASHIM_CONF_ABSENT 0  /* no such file: nothing said, nothing read */
#define KASHIM_CONF_IGNORED 1 /* there but not trusted or not readable; warned */
#define KASHIM_CONF_READ 2    /* read; value[] holds what applies */

struct kashim_conffile {
	const char *path;
	int state;                            /* KASHIM_CONF_* */
	const char *value[KASHIM_VAR_COUNT];  /* text for this program, or NULL */
	unsigned line[KASHIM_VAR_COUNT];      /* where value[] was read */
	char text[KASHIM_CONF_MAX + 1];       /* the file, lines cut in place */
};

/*
 * Read path into f and keep, for each variable, the value that applies to
 * who (NULL: this process, whose names are read only when the file has a
 * section): the last one in a [section] that selects who, else the last
 * one before the first section. The file is trusted only when it is a
 * regular file owned by root that neither group nor others may write;
 * anything else is ignored and said in one line through warn, as is each
 * line that is not a comment, a section or a variable (naming path and
 * line). A missing file costs one failed open and says nothing. Returns
 * f->state. Keeps errno.
 */
int kashim_conffile_read(struct kashim_conffile *f, const char *path,
			 const struct kashim_identity *who, void (*warn)(const char *message));

/*
 * The parsing half of kashim_conffile_read, over length bytes already in
 * f->text (tests and the fuzz target). f->path names the file in messages.
 */
void kashim_conffile_parse(struct kashim_conffile *f, size_t length,
			   const struct kashim_identity *who, void (*warn)(const char *message));

/*
 * The text var gets: the environment's (env(name), when env is not NULL)
 * over the file's (when file is not NULL and was read). *line is set to
 * the file's line when the value came from the file, else 0.
 */
const char *kashim_layered_value(const struct kashim_conffile *file,
				 const char *(*env)(const char *name), enum kashim_var var,
				 unsigned *line);

/*
 * kashim_config_load over the environment (env, or NULL to read none: a
 * setuid program's) layered over file (NULL, or as kashim_conffile_read
 * left it): each variable takes env's value, else the file's. The
 * settings are for the program who (NULL: this process, whose names are
 * read only when there is a KASHIM_PROGRAMS): returns whether
 * KASHIM_PROGRAMS selects it (kashim_programs_select), and warn hears
 * nothing when it does not; else warn hears about each bad value, about
 * a file's with "PATH:LINE: " before the message.
 */
int kashim_config_load_layered(struct kashim_config *cfg, const struct kashim_conffile *file,
			       const char *(*env)(const char *name), kashim_warn_fn *warn,
			       const struct kashim_identity *who,
			       const struct kashim_system_timers *system);

#endif
