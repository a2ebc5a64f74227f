# make install and make uninstall (the product, into PREFIX and DESTDIR).

# The directories install puts files in. Each one it has to create,
# parents included, is recorded (without DESTDIR) in INSTALLED_DIRS, added
# to the record of an earlier install, so that uninstall removes those and
# only those: a directory that was there before, even empty (Debian ships
# an empty /usr/local/bin and /usr/local/share/man), stays.
INSTALL_DIRS = $(LIBDIR) $(BINDIR) $(MANDIR)/man1 $(MANDIR)/man7 \
               $(DOCDIR)/examples/legacy.service.d
INSTALLED_DIRS = $(DOCDIR)/installed-directories

# The man pages and the example drop-in are installed naming the paths
# the install used (the tree's name the default prefix's) and the version.
INSTALL_SED = sed -e 's|/usr/local/lib/libkashim\.so|$(LIBDIR)/libkashim.so|g' \
                  -e 's|/usr/local/share/doc/kashim|$(DOCDIR)|g' \
                  -e 's|/usr/local/bin/kashim|$(BINDIR)/kashim|g' \
                  -e 's|"kashim [0-9][^"]*"|"kashim $(KASHIM_VERSION)"|'

# Into the running system (no DESTDIR), ldconfig then adds the library to
# the loader's cache, so that LD_PRELOAD=libkashim.so finds it by name.
install: $(LIBRARY) $(TOOLS)
	@created=$$(for dir in $(INSTALL_DIRS); do \
		while [ -n "$$dir" ] && [ ! -d "$(DESTDIR)$$dir" ]; do echo "$$dir"; dir=$${dir%/*}; done; \
	done); \
	install -d $(INSTALL_DIRS:%=$(DESTDIR)%) && \
	{ cat $(DESTDIR)$(INSTALLED_DIRS) 2>/dev/null; printf '%s\n' $$created; } | \
		sed '/^$$/d' | sort -u >$(DESTDIR)$(INSTALLED_DIRS).new && \
	chmod 0644 $(DESTDIR)$(INSTALLED_DIRS).new && \
	mv -f $(DESTDIR)$(INSTALLED_DIRS).new $(DESTDIR)$(INSTALLED_DIRS)
	install -m 0755 $(LIBRARY) $(DESTDIR)$(LIBDIR)/libkashim.so
	install -m 0755 $(TOOLS) $(DESTDIR)$(BINDIR)/
	for page in $(MANPAGES_1) $(MANPAGES_7); do \
		section=$${page##*.}; \
		$(INSTALL_SED) $$page >$(DESTDIR)$(MANDIR)/man$$section/$${page#man/} && \
		chmod 0644 $(DESTDIR)$(MANDIR)/man$$section/$${page#man/} || exit 1; \
	done
	$(INSTALL_SED) $(SYSTEMD_EXAMPLE) >$(DESTDIR)$(DOCDIR)/examples/legacy.service.d/keepalive.conf
	chmod 0644 $(DESTDIR)$(DOCDIR)/examples/legacy.service.d/keepalive.conf
	for unit in $(SYSTEMD_AUDIT) $(SYSTEMD_PIN); do \
		$(INSTALL_SED) $$unit >$(DESTDIR)$(DOCDIR)/examples/$${unit##*/} && \
		chmod 0644 $(DESTDIR)$(DOCDIR)/examples/$${unit##*/} || exit 1; \
	done
	@if [ -z '$(DESTDIR)' ]; then \
		ldconfig || echo 'kashim: ldconfig failed: LD_PRELOAD needs the full path $(LIBDIR)/libkashim.so' >&2; \
		ldconfig -p | grep -qF ' => $(LIBDIR)/libkashim.so' || \
		echo 'kashim: $(LIBDIR) is not in the loader'"'"'s search path: LD_PRELOAD needs the full path $(LIBDIR)/libkashim.so' >&2; \
	fi

# Exactly what install put there: its files, then the directories it
# created, innermost first, each once empty; kashim's own doc directories
# also when the record is missing. ldconfig forgets the library again.
# Install never turns the host-wide preload on (kashim --host on does);
# uninstall first takes kashim's line out of /etc/ld.so.preload, before
# the library goes: a line naming a missing library makes the loader
# complain in every program. If that fails, nothing is removed.
uninstall:
	@if [ -z '$(DESTDIR)' ] && grep -qs 'libkashim\.so' /etc/ld.so.preload; then \
		$(BINDIR)/kashim --host off || { echo 'kashim: libkashim.so is still in' \
			'/etc/ld.so.preload; nothing uninstalled' >&2; exit 1; }; \
	fi
	rm -f $(DESTDIR)$(LIBDIR)/libkashim.so \
		$(DESTDIR)$(BINDIR)/kashim $(DESTDIR)$(BINDIR)/kashim-inspect \
		$(MANPAGES_1:man/%=$(DESTDIR)$(MANDIR)/man1/%) \
		$(MANPAGES_7:man/%=$(DESTDIR)$(MANDIR)/man7/%) \
		$(DESTDIR)$(DOCDIR)/examples/legacy.service.d/keepalive.conf \
		$(SYSTEMD_AUDIT:scripts/systemd/%=$(DESTDIR)$(DOCDIR)/examples/%) \
		$(SYSTEMD_PIN:scripts/systemd/%=$(DESTDIR)$(DOCDIR)/examples/%)
	@dirs=$$(cat $(DESTDIR)$(INSTALLED_DIRS) 2>/dev/null); \
	rm -f $(DESTDIR)$(INSTALLED_DIRS); \
	for dir in $$( printf '%s\n' $$dirs $(DOCDIR) $(DOCDIR)/examples \
			$(DOCDIR)/examples/legacy.service.d | sort -r -u); do \
		rmdir "$(DESTDIR)$$dir" 2>/dev/null || true; \
	done
	@if [ -z '$(DESTDIR)' ]; then ldconfig || true; fi
