/* A usage error, said as every command of kashim's says it. */
#ifndef KASHIM_USAGE_H
#define KASHIM_USAGE_H

/*
 * The command's name in its messages ("kashim") and its exit status for a
 * usage error: each program defines both once, beside its main.
 */
extern const char kashim_command_name[];
extern const int kashim_usage_status;

/*
 * Say "NAME: MESSAGE" and "Try 'NAME --help' for more information." on
 * stderr, and exit with kashim_usage_status.
 */
__attribute__((noreturn, format(printf, 1, 2)))
void kashim_usage_error(const char *fmt, ...);

#endif
