/*
 * kashim-inspect --output FILE: the output written whole or not at all,
 * so that a reader (node_exporter's textfile collector, every scrape)
 * never sees half a file: a temporary file in FILE's directory, renamed
 * over FILE once complete.
 */
#ifndef KASHIM_OUTPUT_FILE_H
#define KASHIM_OUTPUT_FILE_H

#include <stdio.h>

struct kashim_output {
	const char *path;  /* FILE */
	char *temporary;   /* malloc'd: ".FILE.XXXXXX" beside it */
	FILE *stream;
};

/*
 * Open the temporary file for path, mode 0644. Returns 0, or -1 after
 * saying why on stderr.
 */
int kashim_output_open(struct kashim_output *o, const char *path);

/*
 * Flush, sync and rename the temporary file over path; when failed is set
 * or anything goes wrong, remove it and leave path as it was. Returns 0,
 * or -1 (said on stderr, unless failed was set).
 */
int kashim_output_close(struct kashim_output *o, int failed);

#endif
