// SPDX-License-Identifier: GPL-2.0
/*
 * vpcpeer-ctl: the command line of vpcpeer. This file holds the global
 * options (iproute2's -j, -s, -n, and -D for a dry run, as AWS's
 * DryRun), the top-level command table (wg(8)'s shape: a keyword, a
 * handler, a synopsis) with help and version, and the dispatch into the
 * "vpc", "peering" and "region" groups, whose commands live in vpc.c,
 * peering.c and region.c, and into "monitor" (monitor.c). Argument
 * parsing is in parse.c, the netlink plumbing in netlink.c, message
 * encoding and decoding in msg.c, output in print.c and json.c. Errors
 * go to stderr as one "vpcpeer-ctl: ..." line; the exit status is 0 on
 * success, 1 when the operation failed and 2 on a usage error. "-b FILE" runs one command
 * a line from FILE, as "ip -batch" does, in one process: big topologies
 * are built in seconds rather than one exec per object.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uapi/linux/vpcpeer.h>

#include "ctl.h"
#include "json.h"
#include "netlink.h"
#include "netns.h"
#include "parse.h"

#define VPCPEER_CTL_VERSION	"0.1.0"

/* --- commands ----------------------------------------------------------- */

static int cmd_group(const struct command *cmd, int argc, char *argv[]);
static int cmd_help(const struct command *cmd, int argc, char *argv[]);
static int cmd_version(const struct command *cmd, int argc, char *argv[]);

static const struct command commands[] = {
	{ "vpc", cmd_group, "COMMAND [ARGS]...", "manage VPCs", NULL,
	  vpc_commands },
	{ "peering", cmd_group, "COMMAND [ARGS]...",
	  "manage peering connections", NULL, peering_commands },
	{ "region", cmd_group, "COMMAND [ARGS]...",
	  "manage links to other hosts' vpcpeer (regions)", NULL,
	  region_commands },
	{ "monitor", cmd_monitor, "",
	  "print changes to VPCs, peerings and regions", NULL,
	  NULL },
	{ "help", cmd_help, "[COMMAND]",
	  "show this help, or the usage of COMMAND", NULL, NULL },
	{ "version", cmd_version, "",
	  "show the versions of this tool and of the kernel family", NULL,
	  NULL },
	{ NULL, NULL, NULL, NULL, NULL, NULL },
};

#define MAX_TABLE	16

/*
 * arg as one command of table by unique prefix; what names the kind in
 * messages ("command", "vpc command").
 */
static int find_command(const struct command *table, const char *arg,
			const char *what, const struct command **cmd)
{
	const char *names[MAX_TABLE + 1];
	char err[PARSE_ERRLEN];
	unsigned int i;

	for (i = 0; i < MAX_TABLE && table[i].name; i++)
		names[i] = table[i].name;
	names[i] = NULL;
	if (parse_keyword(arg, names, what, &i, err, sizeof(err))) {
		complain("%s", err);
		return RC_USAGE;
	}
	*cmd = &table[i];
	return RC_OK;
}

/* "vpc add NAME ...": a group's command is shown with the group. */
static void synopsis(const struct command *cmd, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s", cmd->group ? cmd->group : "",
		 cmd->group ? " " : "", cmd->name, *cmd->args ? " " : "",
		 cmd->args);
}

static void list_command(FILE *f, const struct command *cmd)
{
	char line[128];

	synopsis(cmd, line, sizeof(line));
	if (strlen(line) <= 20)
		fprintf(f, "  %-20s %s\n", line, cmd->summary);
	else
		fprintf(f, "  %s\n  %-20s %s\n", line, "", cmd->summary);
}

static void usage(FILE *f)
{
	const struct command *cmd, *sub;

	fputs("Usage: " PROG_NAME " [OPTIONS] COMMAND [ARGS]...\n"
	      "\n"
	      "Options:\n"
	      "  -j, --json           print JSON\n"
	      "  -s, --stats          show counters too (peering show, region show)\n"
	      "  -D, --dry-run        check a change without making it\n"
	      "  -n, --netns NETNS    act in network namespace NETNS, a name in\n"
	      "                       " NETNS_RUN_DIR " or a path\n"
	      "  -b, --batch FILE     run the commands in FILE (\"-\": stdin), one a\n"
	      "                       line; stop at the first that fails\n"
	      "      --force          with -b: go on after a failing command\n"
	      "  -V, --version        print the version of this tool and exit\n"
	      "  -h, --help           print this help and exit\n"
	      "\n"
	      "Commands:\n", f);
	for (cmd = commands; cmd->name; cmd++) {
		if (!cmd->subs) {
			list_command(f, cmd);
			continue;
		}
		for (sub = cmd->subs; sub->name; sub++)
			list_command(f, sub);
	}
	fputs("\n"
	      "VPC is a VPC id (vpc-XXXXXXXX) or name, PCX a peering connection id\n"
	      "(pcx-XXXXXXXX), PREFIX a CIDR block (10.0.0.0/16, fd00:b::/48), SIDE\n"
	      "\"requester\" or \"accepter\". For region, NAME is the region's name\n"
	      "(1 to 15 of A-Z a-z 0-9 . _ -) and ADDR an underlay IPv4 or IPv6\n"
	      "address; remote's PORT (default 6081) follows it as 10.255.0.2:6081\n"
	      "or [fd00::2]:6081. With \"region REGION\", a peering request's\n"
	      "ACCEPTER_VPC is a VPC (id or name) of that region, another host,\n"
	      "and is looked up there.\n"
	      "\"vpc\", \"peering\" and \"region\" alone mean \"vpc show\", \"peering\n"
	      "show\" and \"region show\".\n"
	      "Commands and keywords may be shortened to a unique prefix\n"
	      "(\"vers\", \"pe sh\").\n", f);
}

static void command_usage(FILE *f, const struct command *cmd)
{
	char line[128];

	synopsis(cmd, line, sizeof(line));
	fprintf(f, "Usage: " PROG_NAME " %s\n    %s\n", line, cmd->summary);
}

/* help [COMMAND [SUBCOMMAND]] */
static int cmd_help(const struct command *cmd, int argc, char *argv[])
{
	const struct command *about, *sub;
	char what[CMD_TITLE_MAX];
	int ret;

	if (argc < 2) {
		usage(stdout);
		return RC_OK;
	}
	ret = find_command(commands, argv[1], "command", &about);
	if (ret)
		return ret;
	if (argc > (about->subs ? 3 : 2))
		return cmd_unexpected_arg(cmd, argv[about->subs ? 3 : 2]);
	if (!about->subs) {
		command_usage(stdout, about);
		return RC_OK;
	}
	if (argc == 3) {
		snprintf(what, sizeof(what), "%s command", about->name);
		ret = find_command(about->subs, argv[2], what, &sub);
		if (ret)
			return ret;
		command_usage(stdout, sub);
		return RC_OK;
	}
	for (sub = about->subs; sub->name; sub++)
		command_usage(stdout, sub);
	return RC_OK;
}

/* A group: "vpc add ..." runs "add" of vpc_commands; "vpc" alone shows. */
static int cmd_group(const struct command *cmd, int argc, char *argv[])
{
	const struct command *sub;
	char what[CMD_TITLE_MAX];
	int ret;

	snprintf(what, sizeof(what), "%s command", cmd->name);
	ret = find_command(cmd->subs, argc < 2 ? "show" : argv[1], what, &sub);
	if (ret)
		return ret;
	if (argc < 2)
		return sub->run(sub, 1, argv);
	return sub->run(sub, argc - 1, argv + 1);
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

static int print_versions(const struct vp_conn *c)
{
	struct json j;

	if (!opt.json) {
		printf(PROG_NAME " " VPCPEER_CTL_VERSION "\n"
		       "kernel: " VPCPEER_FAMILY_NAME
		       " genl family version %u (id %d)\n",
		       c->version, c->family);
		return RC_OK;
	}
	json_init(&j, stdout);
	json_object_start(&j);
	json_kv_string(&j, "tool", VPCPEER_CTL_VERSION);
	json_kv_string(&j, "family", VPCPEER_FAMILY_NAME);
	json_kv_u64(&j, "family_version", c->version);
	json_kv_u64(&j, "family_id", c->family);
	json_object_end(&j);
	return json_finish(&j) ? RC_FAIL : RC_OK;
}

static int cmd_version(const struct command *cmd, int argc, char *argv[])
{
	struct vp_conn c;
	int rc;

	if (argc > 1)
		return cmd_unexpected_arg(cmd, argv[1]);
	rc = vp_connect(&c);
	if (rc)
		return rc;
	vp_close(&c);
	return print_versions(&c);
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

/* What the command line asks for besides a command. */
struct run_mode {
	bool help;
	bool version;
	bool force;
	const char *batch;
};

/*
 * iproute2 spells these with one dash ("ip -force -batch FILE"); getopt
 * would read "-batch" as "-b atch". Taken whole, and only whole.
 */
static bool iproute2_option(int argc, char *argv[], struct run_mode *m)
{
	const char *cur = optind < argc ? argv[optind] : NULL;

	if (!cur)
		return false;
	if (!strcmp(cur, "-force")) {
		m->force = true;
		optind++;
		return true;
	}
	if (!strcmp(cur, "-batch") && optind + 1 < argc) {
		m->batch = argv[optind + 1];
		optind += 2;
		return true;
	}
	return false;
}

/* Options come before the command, as with ip(8) and wg(8). */
static int parse_options(int argc, char *argv[], struct run_mode *m)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "stats", no_argument, NULL, 's' },
		{ "dry-run", no_argument, NULL, 'D' },
		{ "netns", required_argument, NULL, 'n' },
		{ "batch", required_argument, NULL, 'b' },
		{ "force", no_argument, NULL, 'f' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cur;
	int c;

	opterr = 0;
	for (;;) {
		if (iproute2_option(argc, argv, m))
			continue;
		cur = optind < argc ? argv[optind] : NULL;
		c = getopt_long(argc, argv, "+:jsDn:b:Vh", longopts, NULL);
		switch (c) {
		case -1:
			return RC_OK;
		case 'j':
			opt.json = true;
			break;
		case 's':
			opt.stats = true;
			break;
		case 'D':
			opt.dry_run = true;
			break;
		case 'n':
			opt.netns = optarg;
			break;
		case 'b':
			m->batch = optarg;
			break;
		case 'f':
			m->force = true;
			break;
		case 'V':
			m->version = true;
			break;
		case 'h':
			m->help = true;
			break;
		default:
			return bad_option(cur, c);
		}
	}
}

/* "-s", "-js", "--stats", "--netns=x": a global option, not an argument. */
static bool is_global_option(const char *arg)
{
	static const char *const longs[] = {
		"--json", "--stats", "--dry-run", "--netns", "--batch",
		"--force", "--version", "--help", NULL,
	};
	size_t i, n;

	if (arg[0] != '-' || !arg[1])
		return false;
	if (arg[1] != '-')
		return arg[strspn(arg + 1, "jsDnbVh") + 1] == '\0' ||
		       !strcmp(arg, "-force") || !strcmp(arg, "-batch");
	n = strcspn(arg, "=");
	for (i = 0; longs[i]; i++)
		if (n == strlen(longs[i]) && !strncmp(arg, longs[i], n))
			return true;
	return false;
}

/* -b, --batch, --force and their iproute2 spellings, given the above. */
static bool is_batch_option(const char *arg)
{
	if (arg[1] != '-')
		return strchr(arg, 'b') || !strcmp(arg, "-force");
	return !strncmp(arg, "--batch", 7) || !strcmp(arg, "--force");
}

/*
 * Options come before the command, as with ip(8). No argument of a
 * command can start with '-', so one that looks like an option is one put
 * in the wrong place ("peering show -s"): say where it goes.
 */
static int misplaced_option(int argc, char *argv[])
{
	const char *arg, *value;
	char q[QUOTE_BUFLEN];
	size_t n;
	int i;

	for (i = optind + 1; i < argc; i++) {
		arg = argv[i];
		if (!is_global_option(arg))
			continue;
		if (is_batch_option(arg)) {
			complain("option %s goes before the command and replaces it, as in \""
				 PROG_NAME " -b FILE\"", quote_arg(arg, q));
			return RC_USAGE;
		}
		/* -n and --netns take the next argument with them. */
		n = strlen(arg);
		value = (arg[n - 1] == 'n' && arg[1] != '-') ||
			!strcmp(arg, "--netns") ? argv[i + 1] : NULL;
		complain("option %s goes before the command, as in \"" PROG_NAME
			 " %s%s%s %s%s%s\"", quote_arg(arg, q), arg,
			 value ? " " : "", value ? value : "", argv[optind],
			 i > optind + 1 ? " " : "",
			 i > optind + 1 ? argv[optind + 1] : "");
		return RC_USAGE;
	}
	return RC_OK;
}

/* --- batch (-b FILE) ---------------------------------------------------- */

#define BATCH_MAX_ARGS	64

/*
 * A batch line in words, split at blanks, in place; "#" starts a comment
 * (no argument of a command contains one). -1 when there are too many.
 */
static int batch_split(char *line, char *argv[BATCH_MAX_ARGS + 1])
{
	char *p = line;
	int argc = 0;

	p[strcspn(p, "#")] = '\0';
	for (;;) {
		p += strspn(p, " \t\r\n");
		if (!*p)
			break;
		if (argc == BATCH_MAX_ARGS)
			return -1;
		argv[argc++] = p;
		p += strcspn(p, " \t\r\n");
		if (*p)
			*p++ = '\0';
	}
	argv[argc] = NULL;
	return argc;
}

/* Options hold for the whole batch: one on a line is a mistake. */
static int batch_line(int argc, char *argv[])
{
	const struct command *cmd;
	char q[QUOTE_BUFLEN];
	int i, ret;

	if (argc < 0) {
		complain("more than %d arguments on a line", BATCH_MAX_ARGS);
		return RC_USAGE;
	}
	for (i = 0; i < argc; i++) {
		if (!is_global_option(argv[i]))
			continue;
		complain("option %s cannot be given in a batch; put it before -b",
			 quote_arg(argv[i], q));
		return RC_USAGE;
	}
	ret = find_command(commands, argv[0], "command", &cmd);
	if (ret)
		return ret;
	return cmd->run(cmd, argc, argv);
}

/*
 * Each line a command, run in order in this process. Output is flushed
 * after every command, so that a reader of a pipe sees each result as it
 * comes. The first command to fail stops the batch with a message naming
 * its line, unless force: then the rest run too. Either way the status
 * is the first failing command's.
 */
static int run_batch(const char *file, bool force)
{
	const char *where = strcmp(file, "-") ? file : "<stdin>";
	char *argv[BATCH_MAX_ARGS + 1];
	char q[QUOTE_BUFLEN];
	unsigned int lineno = 0;
	int argc, ret, rc = RC_OK;
	size_t cap = 0;
	char *line = NULL;
	FILE *f = stdin;

	if (strcmp(file, "-")) {
		f = fopen(file, "re");
		if (!f) {
			complain("cannot open batch file %s: %s",
				 quote_arg(file, q), strerror(errno));
			return RC_FAIL;
		}
	}
	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		argc = batch_split(line, argv);
		if (!argc)
			continue;
		ret = batch_line(argc, argv);
		if (fflush(stdout))
			break;
		if (!ret)
			continue;
		complain("%s:%u: command failed%s", where, lineno,
			 force ? "" : "; stopping");
		if (!rc)
			rc = ret;
		if (!force)
			break;
	}
	if (ferror(f)) {
		complain("cannot read batch file %s: %s", quote_arg(where, q),
			 strerror(errno));
		if (!rc)
			rc = RC_FAIL;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return rc;
}

static int run(int argc, char *argv[])
{
	const struct command *cmd;
	struct run_mode m = { 0 };
	int ret;

	ret = parse_options(argc, argv, &m);
	if (ret)
		return ret;
	if (m.help) {
		usage(stdout);
		return RC_OK;
	}
	if (m.version)
		return print_tool_version();
	if (m.batch) {
		if (optind < argc) {
			char q[QUOTE_BUFLEN];

			complain("-b reads the commands from a file; unexpected argument %s",
				 quote_arg(argv[optind], q));
			return RC_USAGE;
		}
		/* One socket and one family lookup for the whole batch. */
		vp_share(true);
		ret = run_batch(m.batch, m.force);
		vp_share(false);
		return ret;
	}
	if (m.force) {
		complain("--force only applies with -b");
		return RC_USAGE;
	}
	ret = find_command(commands, optind < argc ? argv[optind] : "",
			   "command", &cmd);
	if (!ret)
		ret = misplaced_option(argc, argv);
	if (ret)
		return ret;
	/* -n is acted on by vp_connect(), after the command line is read. */
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
