/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of vpcpeer-ctl share (implemented in ctl.c): the exit
 * statuses, the global options, the one-line error reporter, the shape of
 * a command (wg(8)'s subcommand table: a keyword, a handler, a synopsis,
 * a summary) with the usage errors every handler reports the same way,
 * and the frame of the "show" commands. A group such as "vpc" is a
 * command whose handler picks one of its own commands ("vpc add"); those
 * live in vpc.c, peering.c and region.c, the top-level table and the
 * options in main.c.
 */
#ifndef VPCPEER_CTL_CTL_H
#define VPCPEER_CTL_CTL_H

#include <stdbool.h>
#include <stddef.h>

#define PROG_NAME		"vpcpeer-ctl"

/* The exit statuses, the tool's contract with scripts. */
enum {
	RC_OK = 0,
	RC_FAIL = 1,
	RC_USAGE = 2,
};

struct ctl_options {
	bool json;		/* -j */
	bool stats;		/* -s */
	bool dry_run;		/* -D: VPCPEER_A_DRY_RUN on what changes */
	const char *netns;	/* -n */
};

extern struct ctl_options opt;

struct command {
	const char *name;
	int (*run)(const struct command *cmd, int argc, char *argv[]);
	const char *args;	/* the synopsis after the name */
	const char *summary;
	const char *group;	/* "vpc" for "vpc add"; NULL at the top level */
	const struct command *subs;	/* a group's commands, NULL-terminated */
};

/* The group tables (vpc.c, peering.c, region.c). */
extern const struct command vpc_commands[];
extern const struct command peering_commands[];
extern const struct command region_commands[];

/* "monitor" (monitor.c). */
int cmd_monitor(const struct command *cmd, int argc, char *argv[]);

/*
 * With -D, after the kernel accepted a dry run of cmd: prints
 * "dry run: vpc add would succeed" and returns RC_OK.
 */
int dry_run_done(const struct command *cmd);

/* "vpcpeer-ctl: " + the message + a newline, on stderr. */
void __attribute__((format(printf, 1, 2))) complain(const char *fmt, ...);

/* "vpc add" for the command "add" of the group "vpc". */
#define CMD_TITLE_MAX	64
const char *cmd_title(const struct command *cmd, char buf[CMD_TITLE_MAX]);

/*
 * Usage errors of a command: "vpcpeer-ctl: vpc add: <message>", where
 * cmd_usage_error() adds " (usage: vpcpeer-ctl vpc add <synopsis>)" and
 * cmd_arg_error() does not (the message says all). Both return RC_USAGE.
 */
int __attribute__((format(printf, 2, 3)))
cmd_usage_error(const struct command *cmd, const char *fmt, ...);
int __attribute__((format(printf, 2, 3)))
cmd_arg_error(const struct command *cmd, const char *fmt, ...);

/* The common cases of cmd_usage_error(). */
int cmd_unexpected_arg(const struct command *cmd, const char *arg);
int cmd_missing_arg(const struct command *cmd, const char *what);

/*
 * arg as one of the NULL-terminated table by unique prefix (parse.h's
 * parse_keyword(); what names the kind: "keyword"). Returns RC_OK with
 * *idx set, or RC_USAGE after reporting.
 */
int cmd_keyword(const struct command *cmd, const char *arg,
		const char *const *table, const char *what, unsigned int *idx);

struct printer;

/*
 * The frame of a show command: its output goes to memory (print.h) with
 * the -j and -s options, so that nothing is printed unless the command
 * succeeds; show_end() prints it when rc is RC_OK and returns the final
 * exit status. Failures are reported; each returns an exit status.
 */
int show_begin(struct printer *p);
int show_restart(struct printer *p);
int show_end(struct printer *p, const char *title, int rc);

struct nlattr;

/*
 * A show command's replies, one object each, the same for every kind of
 * object but for @print: it decodes one reply (its top-level attributes)
 * and prints the object into @pr, or returns -1 with the reason in err.
 * show_reply() is the reply callback of vp_transact() and vp_dump(),
 * show_again() vp_dump()'s restart; both take a struct show.
 */
struct show {
	const char *title;
	struct printer *pr;
	int (*print)(struct printer *pr, struct nlattr **tb, char *err,
		     size_t len);
};

int show_reply(struct nlattr **tb, void *arg);
int show_again(void *arg);

#endif /* VPCPEER_CTL_CTL_H */
