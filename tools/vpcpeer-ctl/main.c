// SPDX-License-Identifier: GPL-2.0
/*
 * vpcpeer-ctl: the command line of vpcpeer. This file holds the global
 * options (iproute2's -j, -s, -n), the subcommand table (wg(8)'s shape:
 * a keyword, a handler, a synopsis) and the generic netlink plumbing the
 * commands share. Argument parsing lives in parse.c, JSON output in
 * json.c. Errors go to stderr as one "vpcpeer-ctl: ..." line; the exit
 * status is 0 on success, 1 when the operation failed and 2 on a usage
 * error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/family.h>
#include <netlink/genl/genl.h>

#include <uapi/linux/vpcpeer.h>

#include "json.h"
#include "parse.h"

#define PROG_NAME		"vpcpeer-ctl"
#define VPCPEER_CTL_VERSION	"0.1.0"
#define NETNS_RUN_DIR		"/run/netns"

enum {
	RC_OK = 0,
	RC_FAIL = 1,
	RC_USAGE = 2,
};

static struct {
	bool json;
	bool stats;
	const char *netns;
} opt;

struct command {
	const char *name;
	int (*run)(const struct command *cmd, int argc, char *argv[]);
	const char *args;
	const char *summary;
};

static void __attribute__((format(printf, 1, 2))) complain(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG_NAME ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* --- generic netlink ---------------------------------------------------- */

struct family_info {
	unsigned int id;
	unsigned int version;
};

static struct nl_sock *genl_open(void)
{
	struct nl_sock *sk;
	int err;

	sk = nl_socket_alloc();
	if (!sk) {
		complain("out of memory");
		return NULL;
	}
	err = genl_connect(sk);
	if (err < 0) {
		complain("cannot open a generic netlink socket: %s",
			 nl_geterror(err));
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

/* The id and version of the family name, from the controller's dump. */
static int family_lookup(struct nl_sock *sk, const char *name,
			 struct family_info *fi)
{
	struct nl_cache *cache;
	struct genl_family *fam;
	int err;

	err = genl_ctrl_alloc_cache(sk, &cache);
	if (err < 0) {
		complain("cannot list generic netlink families: %s",
			 nl_geterror(err));
		return -EIO;
	}
	fam = genl_ctrl_search_by_name(cache, name);
	if (!fam) {
		complain("generic netlink family \"%s\" not found: is the vpcpeer module loaded?",
			 name);
		nl_cache_free(cache);
		return -ENOENT;
	}
	fi->id = genl_family_get_id(fam);
	fi->version = genl_family_get_version(fam);
	genl_family_put(fam);
	nl_cache_free(cache);
	return 0;
}

/* --- network namespaces ------------------------------------------------- */

/*
 * NETNS is a name in /run/netns (like "ip -n"), or a path if it has a '/'
 * (/proc/PID/ns/net). Returns an exit status.
 */
static int netns_path(const char *name, char path[PATH_MAX])
{
	char q[QUOTE_BUFLEN];
	int n;

	quote_arg(name, q);
	if (!*name || !strcmp(name, ".") || !strcmp(name, "..")) {
		complain("bad network namespace name %s", q);
		return RC_USAGE;
	}
	if (strchr(name, '/'))
		n = snprintf(path, PATH_MAX, "%s", name);
	else
		n = snprintf(path, PATH_MAX, NETNS_RUN_DIR "/%s", name);
	if (n >= PATH_MAX) {
		complain("network namespace name %s is too long", q);
		return RC_USAGE;
	}
	return RC_OK;
}

static int netns_open(const char *name, const char *path)
{
	char q[QUOTE_BUFLEN];
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	err = errno;
	quote_arg(name, q);
	if (err == ENOENT && strchr(name, '/'))
		complain("network namespace %s not found: no such file", q);
	else if (err == ENOENT)
		complain("network namespace %s not found in " NETNS_RUN_DIR
			 " (see \"ip netns list\")", q);
	else
		complain("cannot open network namespace %s: %s", q,
			 strerror(err));
	return -1;
}

/*
 * Move this process into NETNS before any netlink socket is opened.
 * Returns an exit status.
 */
static int netns_enter(const char *name)
{
	char path[PATH_MAX], q[QUOTE_BUFLEN];
	int fd, ret, err;

	ret = netns_path(name, path);
	if (ret)
		return ret;
	fd = netns_open(name, path);
	if (fd < 0)
		return RC_FAIL;
	ret = setns(fd, CLONE_NEWNET);
	err = errno;
	close(fd);
	if (!ret)
		return RC_OK;
	quote_arg(name, q);
	if (err == EINVAL)
		complain("%s is not a network namespace", q);
	else
		complain("cannot enter network namespace %s: %s", q,
			 strerror(err));
	return RC_FAIL;
}

/* --- commands ----------------------------------------------------------- */

static int cmd_help(const struct command *cmd, int argc, char *argv[]);
static int cmd_version(const struct command *cmd, int argc, char *argv[]);

static const struct command commands[] = {
	{ "help", cmd_help, "[COMMAND]",
	  "show this help, or the usage of COMMAND" },
	{ "version", cmd_version, "",
	  "show the versions of this tool and of the kernel family" },
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static int find_command(const char *arg, const struct command **cmd)
{
	const char *names[NR_COMMANDS + 1];
	char err[PARSE_ERRLEN];
	unsigned int i;

	for (i = 0; i < NR_COMMANDS; i++)
		names[i] = commands[i].name;
	names[i] = NULL;
	if (parse_keyword(arg, names, "command", &i, err, sizeof(err))) {
		complain("%s", err);
		return RC_USAGE;
	}
	*cmd = &commands[i];
	return RC_OK;
}

static void usage(FILE *f)
{
	char synopsis[64];
	unsigned int i;

	fputs("Usage: " PROG_NAME " [OPTIONS] COMMAND [ARGS]...\n"
	      "\n"
	      "Options:\n"
	      "  -j, --json           print JSON\n"
	      "  -s, --stats          include statistics in what is shown\n"
	      "  -n, --netns NETNS    act in network namespace NETNS, a name in "
	      NETNS_RUN_DIR " or a path\n"
	      "  -V, --version        print the version of this tool and exit\n"
	      "  -h, --help           print this help and exit\n"
	      "\n"
	      "Commands:\n", f);
	for (i = 0; i < NR_COMMANDS; i++) {
		snprintf(synopsis, sizeof(synopsis), "%s %s",
			 commands[i].name, commands[i].args);
		fprintf(f, "  %-20s %s\n", synopsis, commands[i].summary);
	}
	fputs("\nCommands may be shortened to a unique prefix (\"vers\").\n",
	      f);
}

static int unexpected_arg(const struct command *cmd, const char *arg)
{
	char q[QUOTE_BUFLEN];

	complain("%s: unexpected argument %s (usage: " PROG_NAME " %s%s%s)",
		 cmd->name, quote_arg(arg, q), cmd->name,
		 *cmd->args ? " " : "", cmd->args);
	return RC_USAGE;
}

static int cmd_help(const struct command *cmd, int argc, char *argv[])
{
	const struct command *about;
	int ret;

	if (argc > 2)
		return unexpected_arg(cmd, argv[2]);
	if (argc < 2) {
		usage(stdout);
		return RC_OK;
	}
	ret = find_command(argv[1], &about);
	if (ret)
		return ret;
	printf("Usage: " PROG_NAME " %s%s%s\n    %s\n", about->name,
	       *about->args ? " " : "", about->args, about->summary);
	return RC_OK;
}

static int print_tool_version(void)
{
	struct json j;

	if (!opt.json) {
		printf(PROG_NAME " " VPCPEER_CTL_VERSION "\n");
		return RC_OK;
	}
	json_init(&j, stdout);
	json_object_start(&j);
	json_kv_string(&j, "tool", VPCPEER_CTL_VERSION);
	json_object_end(&j);
	return json_finish(&j) ? RC_FAIL : RC_OK;
}

static int print_versions(const struct family_info *fi)
{
	struct json j;

	if (!opt.json) {
		printf(PROG_NAME " " VPCPEER_CTL_VERSION "\n"
		       "kernel: " VPCPEER_GENL_NAME
		       " genl family version %u (id %u)\n",
		       fi->version, fi->id);
		return RC_OK;
	}
	json_init(&j, stdout);
	json_object_start(&j);
	json_kv_string(&j, "tool", VPCPEER_CTL_VERSION);
	json_kv_string(&j, "family", VPCPEER_GENL_NAME);
	json_kv_u64(&j, "family_version", fi->version);
	json_kv_u64(&j, "family_id", fi->id);
	json_object_end(&j);
	return json_finish(&j) ? RC_FAIL : RC_OK;
}

static int cmd_version(const struct command *cmd, int argc, char *argv[])
{
	struct family_info fi;
	struct nl_sock *sk;
	int err;

	if (argc > 1)
		return unexpected_arg(cmd, argv[1]);
	sk = genl_open();
	if (!sk)
		return RC_FAIL;
	err = family_lookup(sk, VPCPEER_GENL_NAME, &fi);
	nl_socket_free(sk);
	if (err)
		return RC_FAIL;
	return print_versions(&fi);
}

/* --- global options ----------------------------------------------------- */

/* cur is the argument getopt was looking at: "-jx", "--foo=1", "-n". */
static int bad_option(const char *cur, int c)
{
	bool is_long = cur && !strncmp(cur, "--", 2);
	const char short_opt[3] = { '-', (char)optopt, '\0' };
	char q[QUOTE_BUFLEN];

	quote_arg(is_long ? cur : short_opt, q);
	if (c == ':')
		complain("option %s needs an argument", q);
	else if (is_long && optopt)
		complain("option %s takes no argument", q);
	else
		complain("unknown option %s (see \"" PROG_NAME " --help\")", q);
	return RC_USAGE;
}

/* Options come before the command, as with ip(8) and wg(8). */
static int parse_options(int argc, char *argv[], bool *help, bool *version)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "stats", no_argument, NULL, 's' },
		{ "netns", required_argument, NULL, 'n' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cur;
	int c;

	opterr = 0;
	for (;;) {
		cur = optind < argc ? argv[optind] : NULL;
		c = getopt_long(argc, argv, "+:jsn:Vh", longopts, NULL);
		switch (c) {
		case -1:
			return RC_OK;
		case 'j':
			opt.json = true;
			break;
		case 's':
			opt.stats = true;
			break;
		case 'n':
			opt.netns = optarg;
			break;
		case 'V':
			*version = true;
			break;
		case 'h':
			*help = true;
			break;
		default:
			return bad_option(cur, c);
		}
	}
}

static int run(int argc, char *argv[])
{
	bool help = false, version = false;
	const struct command *cmd;
	int ret;

	ret = parse_options(argc, argv, &help, &version);
	if (ret)
		return ret;
	if (help) {
		usage(stdout);
		return RC_OK;
	}
	if (version)
		return print_tool_version();
	ret = find_command(optind < argc ? argv[optind] : "", &cmd);
	if (ret)
		return ret;
	if (opt.netns) {
		ret = netns_enter(opt.netns);
		if (ret)
			return ret;
	}
	return cmd->run(cmd, argc - optind, argv + optind);
}

int main(int argc, char *argv[])
{
	int ret = run(argc, argv);

	if (fflush(stdout) || ferror(stdout)) {
		complain("cannot write to standard output: %s", strerror(errno));
		return RC_FAIL;
	}
	return ret;
}
