/*
 * The temporary file is named with a leading dot and without FILE's
 * suffix, so node_exporter, which reads only *.prom, never reads it; it
 * is in FILE's own directory, so the rename is atomic (one filesystem).
 */
#include "output_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int kashim_output_open(struct kashim_output *o, const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dir_length = slash != NULL ? (size_t)(slash - path) + 1 : 0;
	size_t size = strlen(path) + sizeof "/..XXXXXX";
	int fd;

	o->path = path;
	o->stream = NULL;
	o->temporary = malloc(size);
	if (o->temporary == NULL) {
		perror("kashim-inspect");
		return -1;
	}
	snprintf(o->temporary, size, "%.*s.%s.XXXXXX", (int)dir_length, path, path + dir_length);
	fd = mkostemp(o->temporary, O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "kashim-inspect: cannot write beside %s: %s\n", path, strerror(errno));
		free(o->temporary);
		o->temporary = NULL;
		return -1;
	}
	/* mkostemp makes it 0600; the collector runs as another user */
	if (fchmod(fd, 0644) != 0 || (o->stream = fdopen(fd, "w")) == NULL) {
		fprintf(stderr, "kashim-inspect: %s: %s\n", o->temporary, strerror(errno));
		close(fd);
		unlink(o->temporary);
		free(o->temporary);
		o->temporary = NULL;
		return -1;
	}
	return 0;
}

int kashim_output_close(struct kashim_output *o, int failed)
{
	int error = 0;

	if (fflush(o->stream) != 0 || ferror(o->stream) || fsync(fileno(o->stream)) != 0)
		error = errno != 0 ? errno : EIO;
	if (fclose(o->stream) != 0 && error == 0)
		error = errno;
	if (!failed && error == 0 && rename(o->temporary, o->path) != 0)
		error = errno;
	if (failed || error != 0)
		unlink(o->temporary);
	if (!failed && error != 0)
		fprintf(stderr, "kashim-inspect: cannot write %s: %s\n", o->path, strerror(error));
	free(o->temporary);
	o->temporary = NULL;
	o->stream = NULL;
	return failed || error != 0 ? -1 : 0;
}
