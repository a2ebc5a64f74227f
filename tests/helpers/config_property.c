/*
 * config-property: every value kashim's parser accepts is one the kernel
 * accepts. For each KASHIM_* variable (all KASHIM_VAR_COUNT of them) many
 * texts go through kashim_parse: every integer around the limits,
 * numbers in every unit with and without fractions, signs, blanks, words
 * and pseudo-random strings. For each accepted text:
 *   - the config loaded from that text alone is applied with
 *     kashim_configure to a real, connected TCP socket, and the kernel
 *     must refuse none of it;
 *   - where the variable is a socket option this program knows, the value
 *     is also set with setsockopt and read back with getsockopt.
 * For bare integers the converse holds too: the parser accepts exactly
 * what the kernel takes, so its ranges are the kernel's, not narrower.
 * Every rejection must come with a one-line message naming the variable.
 *
 * Prints a line of counts per variable and "violations=N"; exits 1 when
 * there is any, after printing the first few.
 */
#include "../../core/apply.h"
#include "../../core/config/config.h"

#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "test_util.h"

/*
 * The socket option behind a variable, where there is one. Written out
 * here rather than taken from the shim: the kernel is the oracle the
 * shim's table is checked against.
 */
struct kernel_option {
	const char *var;
	int level;
	int name;
};

static const struct kernel_option kernel_options[] = {
	{ "KASHIM_KEEPALIVE", SOL_SOCKET, SO_KEEPALIVE },
	{ "KASHIM_KEEPIDLE", IPPROTO_TCP, TCP_KEEPIDLE },
	{ "KASHIM_KEEPINTVL", IPPROTO_TCP, TCP_KEEPINTVL },
	{ "KASHIM_KEEPCNT", IPPROTO_TCP, TCP_KEEPCNT },
	{ "KASHIM_USER_TIMEOUT", IPPROTO_TCP, TCP_USER_TIMEOUT },
};

struct counts {
	long tried;
	long accepted;
	long applied;     /* kashim_configure refused nothing */
	long read_back;   /* setsockopt + getsockopt agreed */
	long agreements;  /* bare integers: parser and kernel agree */
};

static int sock = -1;
static long violations;
static enum kashim_var current_var;
static const char *current_text;
static int current_result;
static struct kashim_system_timers system_timers;

static void violation(const char *what, const char *text, long value)
{
	if (violations++ < 20)
		printf("VIOLATION %s=\"%s\" (value %ld): %s\n",
		       kashim_var_name(current_var), text, value, what);
}

static const struct kernel_option *option_of(enum kashim_var var)
{
	size_t i;

	for (i = 0; i < sizeof kernel_options / sizeof kernel_options[0]; i++)
		if (strcmp(kernel_options[i].var, kashim_var_name(var)) == 0)
			return &kernel_options[i];
	return NULL;
}

/* Does the kernel take value for option on a TCP socket? Restores nothing. */
static int kernel_takes(const struct kernel_option *option, long value)
{
	int v = (int)value;

	if (value < INT_MIN || value > INT_MAX)
		return 0; /* setsockopt takes an int */
	return setsockopt(sock, option->level, option->name, &v, sizeof v) == 0;
}

static const char *lookup_current(void *context, const char *name)
{
	(void)context;
	return strcmp(name, kashim_var_name(current_var)) == 0 ? current_text : NULL;
}

static void warn_current(void *context, enum kashim_var var, int result, const char *message)
{
	(void)context;
	(void)var;
	(void)result;
	/* a note about a value kashim_parse accepted is expected; a warning is not */
	if (current_result != KASHIM_NOTED)
		violation("kashim_config_load warned about a value kashim_parse accepted",
			  message, 0);
}

/* The value a loaded config holds for a known option (auto resolved). */
static long loaded_value(const struct kernel_option *option, const struct kashim_config *cfg)
{
	if (option->name == TCP_USER_TIMEOUT)
		return cfg->user_timeout;
	return -1;
}

static void check_accepted(enum kashim_var var, const char *text, long value,
			   struct counts *counts)
{
	const struct kernel_option *option = option_of(var);
	struct kashim_config cfg;
	int failed;

	counts->accepted++;
	current_text = text;
	kashim_config_load(&cfg, lookup_current, warn_current, NULL, &system_timers);
	failed = kashim_configure(&cfg, sock);
	if (failed != KASHIM_CONFIGURED)
		violation(failed == KASHIM_NOT_TCP ? "kashim_configure saw no TCP socket"
						   : "the kernel refused an option kashim_configure set",
			  text, value);
	else
		counts->applied++;
	if (option == NULL)
		return;
	if (value == KASHIM_AUTO)
		value = loaded_value(option, &cfg);
	if (option->name == SO_KEEPALIVE && value != 0 && value != 1) {
		violation("a switch that is neither 0 nor 1", text, value);
		return;
	}
	if (!kernel_takes(option, value)) {
		violation("setsockopt refused the parsed value", text, value);
		return;
	}
	{
		int back = -1;
		socklen_t length = sizeof back;

		if (getsockopt(sock, option->level, option->name, &back, &length) != 0 ||
		    (long)back != value)
			violation("getsockopt read back another value", text, back);
		else
			counts->read_back++;
	}
}

static void check_message(enum kashim_var var, const char *text, const char *message)
{
	size_t name_length = strlen(kashim_var_name(var));

	if (strncmp(message, kashim_var_name(var), name_length) != 0 ||
	    message[name_length] != '=')
		violation("the message does not start with NAME=", text, 0);
	if (strchr(message, '\n') != NULL)
		violation("the message is more than one line", text, 0);
	if (strlen(message) + 1 >= KASHIM_MESSAGE_MAX)
		violation("the message was cut short", text, 0);
	if (!quotes_balanced(message))
		violation("a quote in the message is not closed", text, 0);
}

/*
 * Parse one text into a default config; returns 1 when it was accepted,
 * with *value set to the variable's field (its value, for the options).
 */
static int try_text(enum kashim_var var, const char *text, long *value, struct counts *counts)
{
	char message[KASHIM_MESSAGE_MAX];
	struct kashim_config cfg;

	counts->tried++;
	current_var = var;
	kashim_config_defaults(&cfg);
	current_result = kashim_parse(&cfg, var, text, message, sizeof message);
	if (current_result == KASHIM_REJECTED) {
		check_message(var, text, message);
		return 0;
	}
	if (current_result == KASHIM_NOTED)
		check_message(var, text, message); /* a note is a message like any */
	*value = kashim_config_field(&cfg, var);
	check_accepted(var, text, *value, counts);
	return 1;
}

/* Bare integers: accepted by the parser exactly when the kernel takes them. */
static void sweep_integer(enum kashim_var var, long long n, struct counts *counts)
{
	const struct kernel_option *option = option_of(var);
	char text[32];
	long value = 0;
	int parsed;

	snprintf(text, sizeof text, "%lld", n);
	parsed = try_text(var, text, &value, counts);
	if (option == NULL || option->name == SO_KEEPALIVE)
		return; /* a switch takes words, not a range */
	if (parsed && value != n)
		violation("a bare integer parsed to another value", text, value);
	if (parsed != kernel_takes(option, (long)n))
		violation(parsed ? "accepted, but the kernel refuses it"
				 : "rejected, but the kernel takes it (the range is too narrow)",
			  text, (long)n);
	else
		counts->agreements++;
}

static void sweep_integers(enum kashim_var var, struct counts *counts)
{
	static const long long edges[] = {
		INT_MAX, (long long)INT_MAX + 1, LLONG_MAX, 100000, 1000000, 2147483, 2147484,
	};
	long long n;
	size_t i;

	for (n = 0; n <= 40000; n++)
		sweep_integer(var, n, counts);
	for (n = INT_MAX - 1000LL; n <= INT_MAX + 1000LL; n++)
		sweep_integer(var, n, counts);
	for (i = 0; i < sizeof edges / sizeof edges[0]; i++)
		sweep_integer(var, edges[i], counts);
}

/* Numbers near the unit boundaries, in every unit, with fractions. */
static void sweep_forms(enum kashim_var var, struct counts *counts)
{
	static const char *const numbers[] = {
		"0", "1", "2", "9", "59", "60", "61", "127", "128", "546", "547", "999", "1000",
		"1001", "9999", "32767", "32768", "35791", "35792", "596523", "596524",
		"2147483", "2147484", "2147483647", "2147483648", "4294967295", "4294967296",
		"9223372036854775807", "9223372036854775808", "18446744073709551615",
		"18446744073709551616", "99999999999999999999999999999", "007", "000",
	};
	static const char *const fractions[] = {
		"", ".0", ".5", ".25", ".001", ".0001", ".999", ".9999999999999999999999",
		".00000000000000000000001", ".",
	};
	static const char *const units[] = { "", "ms", "s", "m", "h", "S", "M", "us", "d", "sec" };
	char text[128];
	long value;
	size_t i, j, k;

	for (i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
		for (j = 0; j < sizeof fractions / sizeof fractions[0]; j++)
			for (k = 0; k < sizeof units / sizeof units[0]; k++) {
				snprintf(text, sizeof text, "%s%s%s", numbers[i], fractions[j], units[k]);
				try_text(var, text, &value, counts);
				snprintf(text, sizeof text, "-%s%s%s", numbers[i], fractions[j], units[k]);
				try_text(var, text, &value, counts);
				snprintf(text, sizeof text, "+%s%s%s", numbers[i], fractions[j], units[k]);
				try_text(var, text, &value, counts);
				snprintf(text, sizeof text, " %s%s%s ", numbers[i], fractions[j], units[k]);
				try_text(var, text, &value, counts);
			}
}

static void sweep_words(enum kashim_var var, struct counts *counts)
{
	static const char *const words[] = {
		"", " ", "auto", "AUTO", "Auto", "auto ", "automatic", "on", "ON", "off", "yes",
		"no", "true", "TRUE", "false", "1", "0", "2", "-1", "enable", "0x10", "1e3",
		"inf", "nan", "ms", "s", ".5", ".5s", "1..5s", "1.s", "\t1", "1\n", "\x80",
		"\xff\xfe", "1 s", "1s1", "1sms", "1hs", "accept", "connect", "accept,connect",
		"override", "respect", "22,8000-8100", "nginx,!curl",
	};
	/* long values of bytes that each take four to escape, in every shape */
	static const char *const shapes[] = { "", "a,", "/", "!", "1-", "accept," };
	char text[256];
	long value;
	size_t i;

	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		try_text(var, words[i], &value, counts);
	for (i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		size_t length = strlen(shapes[i]);

		memcpy(text, shapes[i], length);
		memset(text + length, 0x7f, sizeof text - 1 - length);
		text[sizeof text - 1] = '\0';
		try_text(var, text, &value, counts);
		text[length + 40] = ',';
		try_text(var, text, &value, counts);
	}
}

/* xorshift64: the same pseudo-random strings on every run. */
static unsigned long long next_random(unsigned long long *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

/* Pseudo-random strings, mostly from the parser's own alphabet. */
static void sweep_random(enum kashim_var var, struct counts *counts)
{
	static const char alphabet[] = "0123456789012345678901234567890123456789.msh.msh"
				       "autoAUTOonoffyesnotruefalse+- \t\x01\x7f\xc3\xa9";
	unsigned long long state = 0x9e3779b97f4a7c15ULL + (unsigned long long)var;
	char text[24];
	long value;
	int round;

	for (round = 0; round < 100000; round++) {
		size_t length = (size_t)(next_random(&state) % sizeof text), i;

		for (i = 0; i < length; i++)
			text[i] = alphabet[next_random(&state) % (sizeof alphabet - 1)];
		text[length] = '\0';
		try_text(var, text, &value, counts);
	}
}

/* A connected loopback TCP socket: the kind the shim configures. */
static int connected_socket(void)
{
	struct sockaddr_in target;
	socklen_t length = sizeof target;
	int listener = socket(AF_INET, SOCK_STREAM, 0);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&target, 0, sizeof target);
	target.sin_family = AF_INET;
	target.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (listener < 0 || fd < 0 ||
	    bind(listener, (struct sockaddr *)&target, sizeof target) != 0 ||
	    listen(listener, 1) != 0 ||
	    getsockname(listener, (struct sockaddr *)&target, &length) != 0 ||
	    connect(fd, (struct sockaddr *)&target, sizeof target) != 0) {
		perror("config-property: loopback connection");
		exit(3);
	}
	return fd;
}

int main(void)
{
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	sock = connected_socket();
	kashim_read_system_timers(&system_timers);
	for (i = 0; i < KASHIM_VAR_COUNT; i++) {
		enum kashim_var var = (enum kashim_var)i;
		struct counts counts = { 0, 0, 0, 0, 0 };

		sweep_integers(var, &counts);
		sweep_forms(var, &counts);
		sweep_words(var, &counts);
		sweep_random(var, &counts);
		printf("%s tried=%ld accepted=%ld applied=%ld read_back=%ld kernel_agrees=%ld%s\n",
		       kashim_var_name(var), counts.tried, counts.accepted, counts.applied,
		       counts.read_back, counts.agreements,
		       option_of(var) == NULL ? " (no socket option of its own)" : "");
	}
	printf("variables=%d\nviolations=%ld\n", KASHIM_VAR_COUNT, violations);
	close(sock);
	return violations == 0 ? 0 : 1;
}
