// SPDX-License-Identifier: GPL-2.0
/*
 * The show output of vpcpeer-ctl (see print.h). The text view is meant
 * for people and for "grep/awk": one head line per object with its id
 * first, then one tab-indented line per CIDR block or peering side, and
 * the counters two tabs in. Strings that come from the kernel are printed
 * with control bytes escaped, so that a device name cannot move the
 * cursor; the JSON writer escapes on its own.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "print.h"

/* s with bytes below 0x20, DEL and any in quote escaped as \xNN. */
static void put_text(FILE *f, const char *s, const char *quote)
{
	const unsigned char *c = (const unsigned char *)s;

	for (; *c; c++) {
		if (*c < 0x20 || *c == 0x7f || (quote && strchr(quote, *c)))
			fprintf(f, "\\x%02x", *c);
		else
			fputc(*c, f);
	}
}

/* Everything but the memory stream's buf and len. */
static void begin(struct printer *p, FILE *out, bool json, bool stats)
{
	p->out = out;
	p->json = json;
	p->stats = stats;
	if (json) {
		json_init(&p->j, out);
		json_array_start(&p->j);
	}
}

void print_begin(struct printer *p, FILE *out, bool json, bool stats)
{
	*p = (struct printer){ 0 };
	begin(p, out, json, stats);
}

int print_end(struct printer *p)
{
	if (!p->json)
		return fflush(p->out) || ferror(p->out) ? -EIO : 0;
	json_array_end(&p->j);
	return json_finish(&p->j);
}

int print_buffered(struct printer *p, bool json, bool stats)
{
	FILE *f;

	*p = (struct printer){ 0 };
	f = open_memstream(&p->buf, &p->len);
	if (!f)
		return -errno;
	begin(p, f, json, stats);
	return 0;
}

void print_discard(struct printer *p)
{
	if (p->out)
		fclose(p->out);
	/* The stream updated these on fclose(). */
	free(p->buf);
	p->out = NULL;
	p->buf = NULL;
	p->len = 0;
}

int print_restart(struct printer *p)
{
	bool json = p->json, stats = p->stats;

	print_discard(p);
	return print_buffered(p, json, stats);
}

int print_commit(struct printer *p, FILE *f)
{
	int ret = print_end(p);

	if (fclose(p->out) && !ret)
		ret = -EIO;
	p->out = NULL;
	if (!ret && p->len && fwrite(p->buf, 1, p->len, f) != p->len)
		ret = -EIO;
	free(p->buf);
	p->buf = NULL;
	p->len = 0;
	return ret;
}

/* --- VPC ---------------------------------------------------------------- */

static void vpc_text(struct printer *p, const struct vpc_info *v)
{
	char id[OBJECT_ID_STRLEN], cidr[PREFIX_STRLEN];
	size_t i;

	format_vpc_id(v->id, id);
	fprintf(p->out, "%s ", id);
	put_text(p->out, v->name, NULL);
	if (v->has_netnsid && v->netnsid < 0)
		fputs(" netnsid self", p->out);
	else if (v->has_netnsid)
		fprintf(p->out, " netnsid %" PRId32, v->netnsid);
	fputc('\n', p->out);
	for (i = 0; i < v->ncidrs; i++) {
		if (format_prefix(&v->cidrs[i], cidr, sizeof(cidr)))
			continue;
		fprintf(p->out, "\tcidr %s\n", cidr);
	}
}

static void vpc_json(struct printer *p, const struct vpc_info *v)
{
	char id[OBJECT_ID_STRLEN], cidr[PREFIX_STRLEN];
	size_t i;

	format_vpc_id(v->id, id);
	json_object_start(&p->j);
	json_kv_string(&p->j, "id", id);
	json_kv_string(&p->j, "name", v->name);
	if (v->has_netnsid)
		json_kv_s64(&p->j, "netnsid", v->netnsid);
	json_key(&p->j, "cidrs");
	json_array_start(&p->j);
	for (i = 0; i < v->ncidrs; i++) {
		if (format_prefix(&v->cidrs[i], cidr, sizeof(cidr)))
			continue;
		json_string(&p->j, cidr);
	}
	json_array_end(&p->j);
	json_object_end(&p->j);
}

void print_vpc(struct printer *p, const struct vpc_info *v)
{
	if (p->json)
		vpc_json(p, v);
	else
		vpc_text(p, v);
}

/* --- PCX ---------------------------------------------------------------- */

static const char *const stat_keys[NR_SIDE_STATS] = {
	[STAT_TX_PACKETS] = "tx_packets",
	[STAT_TX_BYTES] = "tx_bytes",
	[STAT_RX_PACKETS] = "rx_packets",
	[STAT_RX_BYTES] = "rx_bytes",
	[STAT_DROP_NOT_ACTIVE] = "drop_not_active",
	[STAT_DROP_SRC_NOT_IN_VPC] = "drop_src_not_in_vpc",
	[STAT_DROP_DST_NOT_IN_PEER] = "drop_dst_not_in_peer",
	[STAT_DROP_TOO_BIG] = "drop_too_big",
	[STAT_DROP_MALFORMED] = "drop_malformed",
	[STAT_DROP_RX] = "drop_rx",
};

static void side_text(struct printer *p, const char *role,
		      const struct pcx_side *s)
{
	const uint64_t *c = s->stats;
	char id[OBJECT_ID_STRLEN];

	format_vpc_id(s->vpc_id, id);
	fprintf(p->out, "\t%-9s %s", role, id);
	if (s->vpc_name) {
		fputc(' ', p->out);
		put_text(p->out, s->vpc_name, NULL);
	}
	if (s->ifname) {
		fputs(" dev ", p->out);
		put_text(p->out, s->ifname, NULL);
	}
	fputc('\n', p->out);
	if (!p->stats || !s->has_stats)
		return;
	fprintf(p->out,
		"\t\ttx %" PRIu64 " packets %" PRIu64 " bytes  rx %" PRIu64
		" packets %" PRIu64 " bytes\n",
		c[STAT_TX_PACKETS], c[STAT_TX_BYTES], c[STAT_RX_PACKETS],
		c[STAT_RX_BYTES]);
	fprintf(p->out,
		"\t\tdropped not_active %" PRIu64 " src_not_in_vpc %" PRIu64
		" dst_not_in_peer %" PRIu64 " too_big %" PRIu64
		" malformed %" PRIu64 " rx %" PRIu64 "\n",
		c[STAT_DROP_NOT_ACTIVE], c[STAT_DROP_SRC_NOT_IN_VPC],
		c[STAT_DROP_DST_NOT_IN_PEER], c[STAT_DROP_TOO_BIG],
		c[STAT_DROP_MALFORMED], c[STAT_DROP_RX]);
}

static void pcx_text(struct printer *p, const struct pcx_info *x)
{
	char id[OBJECT_ID_STRLEN], state[PCX_STATE_STRLEN];

	format_pcx_id(x->id, id);
	fprintf(p->out, "%s %s", id, pcx_state_name(x->state, state));
	if (x->message) {
		fputs(" \"", p->out);
		put_text(p->out, x->message, "\"\\");
		fputc('"', p->out);
	}
	fputc('\n', p->out);
	side_text(p, "requester", &x->requester);
	side_text(p, "accepter", &x->accepter);
}

static void side_json(struct printer *p, const char *role,
		      const struct pcx_side *s)
{
	char id[OBJECT_ID_STRLEN];
	unsigned int i;

	format_vpc_id(s->vpc_id, id);
	json_key(&p->j, role);
	json_object_start(&p->j);
	json_kv_string(&p->j, "vpc_id", id);
	if (s->vpc_name)
		json_kv_string(&p->j, "vpc_name", s->vpc_name);
	if (s->ifname)
		json_kv_string(&p->j, "ifname", s->ifname);
	if (s->has_ifindex)
		json_kv_u64(&p->j, "ifindex", s->ifindex);
	if (p->stats && s->has_stats) {
		json_key(&p->j, "stats");
		json_object_start(&p->j);
		for (i = 0; i < NR_SIDE_STATS; i++)
			json_kv_u64(&p->j, stat_keys[i], s->stats[i]);
		json_object_end(&p->j);
	}
	json_object_end(&p->j);
}

static void pcx_json(struct printer *p, const struct pcx_info *x)
{
	char id[OBJECT_ID_STRLEN], state[PCX_STATE_STRLEN];

	format_pcx_id(x->id, id);
	json_object_start(&p->j);
	json_kv_string(&p->j, "id", id);
	json_kv_string(&p->j, "state", pcx_state_name(x->state, state));
	if (x->message)
		json_kv_string(&p->j, "message", x->message);
	side_json(p, "requester", &x->requester);
	side_json(p, "accepter", &x->accepter);
	json_object_end(&p->j);
}

void print_pcx(struct printer *p, const struct pcx_info *x)
{
	if (p->json)
		pcx_json(p, x);
	else
		pcx_text(p, x);
}
