/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The output of "vpc show", "peering show" and "region show": a stable,
 * tab-indented text view, or with -j a JSON array of objects (always an
 * array, even for one object or none); and of "monitor": a line, or a
 * JSON object, per event. Objects are printed as they arrive, in the
 * kernel's order. The printers take decoded structs (msg.h) and a FILE,
 * so that they are unit-tested without a kernel.
 */
#ifndef VPCPEER_CTL_PRINT_H
#define VPCPEER_CTL_PRINT_H

#include <stdbool.h>
#include <stdio.h>

#include "json.h"
#include "msg.h"

struct printer {
	FILE *out;
	bool json;
	bool stats;		/* -s: the counters of each side or region */
	struct json j;
	/* the module-wide counter the last region carried, for print_end() */
	bool has_unknown_drops;
	uint64_t rx_drop_unknown_region;
	/* print_buffered(): out is a memory stream over buf */
	char *buf;
	size_t len;
};

void print_begin(struct printer *p, FILE *out, bool json, bool stats);
void print_vpc(struct printer *p, const struct vpc_info *v);
void print_pcx(struct printer *p, const struct pcx_info *x);
/*
 * A region. With -s the text view keeps the module-wide counter the
 * region came with for a line of its own that print_end() writes after
 * the last region; the JSON view puts it in each object.
 */
void print_region(struct printer *p, const struct region_info *r);

/*
 * One event (vpcpeer-ctl monitor) as one line, text or a JSON object, and
 * flushed; stats: the counters of the sides in JSON. Returns 0 or -EIO.
 */
int print_event(FILE *f, bool json, bool stats, const struct vp_event *e);

/*
 * Closes the JSON array, or ends the text (with -s, the module-wide line
 * of region show). Returns 0, or -EIO/-EINVAL as json_finish().
 */
int print_end(struct printer *p);

/*
 * Output held in memory, so that a command that fails half-way (or a dump
 * that must start over) prints nothing of it: print_buffered() begins,
 * print_restart() forgets what was printed and begins again, and
 * print_commit() ends the output and copies it to f. Each returns 0 or a
 * negative errno; print_commit() and print_discard() free the buffer.
 */
int print_buffered(struct printer *p, bool json, bool stats);
int print_restart(struct printer *p);
int print_commit(struct printer *p, FILE *f);
void print_discard(struct printer *p);

#endif /* VPCPEER_CTL_PRINT_H */
