/*
 * What libkashim.so does once, at its start: find each real libc function,
 * and read the configuration from /etc/kashim.conf and the environment.
 * shim.c's kashim_init calls both, once, before any interposer does its
 * work.
 */
#include "init.h"
#include "core/config/conffile.h"
#include "core/config/config.h"
#include "core/log.h"
#include "core/notice.h"
#include "core/report.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <unistd.h>

/* /etc/kashim.conf as read at load: its 8 KiB of text are touched only
 * when the file is there. */
static struct kashim_conffile kashim_file;

/*
 * Find name in the next library (libc). When libc itself was preloaded
 * ahead of us, nothing after us defines it, but then the global lookup
 * finds libc's, ahead of ours, and *libc_ahead is set: the program's own
 * calls then go straight to libc and never reach kashim. Aborts only when
 * both lookups fail: carrying on would mean calling NULL, or ourselves.
 */
void *kashim_bind(const char *name, const void *self, int *libc_ahead)
{
	void *real = dlsym(RTLD_NEXT, name);

	if (real == NULL || real == self) {
		real = dlsym(RTLD_DEFAULT, name);
		*libc_ahead = 1;
	}
	if (real == NULL || real == self) {
		kashim_log("cannot find the real %s() (%s); aborting", name,
			   real == NULL ? "dlsym found none" : "dlsym returned kashim's own");
		abort();
	}
	return real;
}

/*
 * A warning about the configuration: given even without KASHIM_DEBUG, but
 * held until the process has a TCP socket (core/notice.h).
 */
static void kashim_warn(const char *message)
{
	kashim_notice("%s", message);
}

/* A bad value, with what is kept instead, or a note. */
static void kashim_warn_value(enum kashim_var var, int result, const char *message)
{
	kashim_say_value(var, result, message, kashim_warn);
}

int kashim_load_config(struct kashim_config *cfg, int libc_ahead, int *selected)
{
	char described[400];
	int secure;

	/*
	 * A setuid, setgid or file-capability program (AT_SECURE) runs with an
	 * environment its unprivileged caller chose: read none of it. Its
	 * settings come from the root-owned configuration file alone, and
	 * without one it stays inert (*cfg is still all zeros:
	 * keepalive off, no debug). Such a program only loads kashim through
	 * /etc/ld.so.preload or a trusted directory, which its owner chose,
	 * not the caller.
	 */
	/* Whatever the load has to say about the configuration waits for a
	 * TCP socket, from here to shim.c's kashim_notice_settle. */
	kashim_notice_hold();
	*selected = 0;
	secure = getauxval(AT_SECURE) != 0;
	if (kashim_conffile_read(&kashim_file, kashim_conf_path, NULL, kashim_warn) !=
		    KASHIM_CONF_READ &&
	    secure)
		return secure;
	*selected = kashim_config_load_layered(cfg, &kashim_file, secure ? NULL : kashim_getenv,
					       kashim_warn_value, NULL, NULL);
	if (*selected && !secure)
		kashim_check_names(environ, kashim_warn);
	/* Said at once: with libc ahead, no socket call ever reaches kashim
	 * to say it later. */
	if (libc_ahead && cfg->enabled && *selected)
		kashim_log("libc is ahead of libkashim.so in LD_PRELOAD, so accept and "
			   "connect never reach kashim; put libkashim.so first");
	if (cfg->debug && !*selected) {
		kashim_report_unselected();
	} else if (cfg->debug) {
		kashim_describe_config(cfg, described, sizeof described);
		kashim_log("loaded: keepalive %s%s", cfg->enabled ? "on" : "off",
			   cfg->enabled ? described : "");
	}
	return secure;
}
