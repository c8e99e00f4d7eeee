// SPDX-License-Identifier: GPL-2.0
/*
 * The pieces every command of vpcpeer-ctl uses (see ctl.h): the error
 * reporter, the usage errors that name the command and show its synopsis,
 * keyword matching with the same messages everywhere, and the buffered
 * frame of the show commands.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "parse.h"
#include "print.h"

struct ctl_options opt;

void complain(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG_NAME ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const char *cmd_title(const struct command *cmd, char buf[CMD_TITLE_MAX])
{
	if (cmd->group)
		snprintf(buf, CMD_TITLE_MAX, "%s %s", cmd->group, cmd->name);
	else
		snprintf(buf, CMD_TITLE_MAX, "%s", cmd->name);
	return buf;
}

static void cmd_complain(const struct command *cmd, bool with_usage,
			 const char *fmt, va_list ap)
{
	char title[CMD_TITLE_MAX];

	cmd_title(cmd, title);
	fprintf(stderr, PROG_NAME ": %s: ", title);
	vfprintf(stderr, fmt, ap);
	if (with_usage)
		fprintf(stderr, " (usage: " PROG_NAME " %s%s%s)", title,
			cmd->args && *cmd->args ? " " : "",
			cmd->args ? cmd->args : "");
	fputc('\n', stderr);
}

int cmd_usage_error(const struct command *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cmd_complain(cmd, true, fmt, ap);
	va_end(ap);
	return RC_USAGE;
}

int cmd_arg_error(const struct command *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cmd_complain(cmd, false, fmt, ap);
	va_end(ap);
	return RC_USAGE;
}

int cmd_unexpected_arg(const struct command *cmd, const char *arg)
{
	char q[QUOTE_BUFLEN];

	return cmd_usage_error(cmd, "unexpected argument %s",
			       quote_arg(arg, q));
}

int cmd_missing_arg(const struct command *cmd, const char *what)
{
	return cmd_usage_error(cmd, "missing %s", what);
}

int dry_run_done(const struct command *cmd)
{
	char title[CMD_TITLE_MAX];

	printf("dry run: %s would succeed\n", cmd_title(cmd, title));
	return RC_OK;
}

int cmd_keyword(const struct command *cmd, const char *arg,
		const char *const *table, const char *what, unsigned int *idx)
{
	char err[PARSE_ERRLEN];

	if (parse_keyword(arg, table, what, idx, err, sizeof(err)))
		return cmd_arg_error(cmd, "%s", err);
	return RC_OK;
}

int show_begin(struct printer *p)
{
	int ret = print_buffered(p, opt.json, opt.stats);

	if (ret) {
		complain("cannot hold the output: %s", strerror(-ret));
		return RC_FAIL;
	}
	return RC_OK;
}

int show_restart(struct printer *p)
{
	int ret = print_restart(p);

	if (ret) {
		complain("cannot hold the output: %s", strerror(-ret));
		return RC_FAIL;
	}
	return RC_OK;
}

int show_reply(struct nlattr **tb, void *arg)
{
	const struct show *s = arg;
	char err[PARSE_ERRLEN];

	if (s->print(s->pr, tb, err, sizeof(err))) {
		complain("%s: malformed reply from the kernel: %s", s->title,
			 err);
		return -1;
	}
	return 0;
}

int show_again(void *arg)
{
	const struct show *s = arg;

	return show_restart(s->pr);
}

int show_end(struct printer *p, const char *title, int rc)
{
	int ret;

	if (rc) {
		print_discard(p);
		return rc;
	}
	ret = print_commit(p, stdout);
	/* A failed write to stdout is reported by main(), once. */
	if (ret && !ferror(stdout))
		complain("%s: cannot hold the output: %s", title,
			 strerror(-ret));
	return ret ? RC_FAIL : RC_OK;
}
