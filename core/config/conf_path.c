/*
 * Where the host-wide configuration file is: SYSCONFDIR/kashim.conf,
 * written by the Makefile into sysconf.h (/etc/kashim.conf whatever the
 * PREFIX, as the file belongs to the host, not to the install). A file of
 * its own so that make bench can link the library with another path.
 */
#include "conffile.h"
#ifndef KASHIM_CONF_PATH
#include "sysconf.h"
#endif

const char kashim_conf_path[] = KASHIM_CONF_PATH;
