// SPDX-License-Identifier: GPL-2.0
/*
 * The show output of vpcpeer-ctl (see print.h). The text view is meant
 * for people and for "grep/awk": one head line per object with its id
 * first ("region NAME" for a region), then one tab-indented line per CIDR
 * block, peering side or region detail, and the counters two tabs in.
 * Strings that come from the kernel are printed with control bytes
 * escaped, so that a device name (or the name another host's module
 * gives itself) cannot move the cursor; the JSON writer escapes on its
 * own.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
	if (!p->json && p->stats && p->has_unknown_drops)
		fprintf(p->out, "module dropped rx_unknown_region %" PRIu64 "\n",
			p->rx_drop_unknown_region);
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

/* @cidrs: the object carries its blocks (events of one block do not). */
static void vpc_json_blocks(struct printer *p, const struct vpc_info *v,
			    bool cidrs)
{
	char id[OBJECT_ID_STRLEN], cidr[PREFIX_STRLEN];
	size_t i;

	format_vpc_id(v->id, id);
	json_object_start(&p->j);
	json_kv_string(&p->j, "id", id);
	json_kv_string(&p->j, "name", v->name);
	if (v->has_netnsid)
		json_kv_s64(&p->j, "netnsid", v->netnsid);
	if (cidrs) {
		json_key(&p->j, "cidrs");
		json_array_start(&p->j);
		for (i = 0; i < v->ncidrs; i++) {
			if (format_prefix(&v->cidrs[i], cidr, sizeof(cidr)))
				continue;
			json_string(&p->j, cidr);
		}
		json_array_end(&p->j);
	}
	json_object_end(&p->j);
}

static void vpc_json(struct printer *p, const struct vpc_info *v)
{
	vpc_json_blocks(p, v, true);
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
	[STAT_RX_DROP_NOT_ACTIVE] = "rx_drop_not_active",
	[STAT_RX_DROP_SRC_NOT_IN_PEER] = "rx_drop_src_not_in_peer",
	[STAT_RX_DROP_DST_NOT_IN_VPC] = "rx_drop_dst_not_in_vpc",
	[STAT_RX_DROP_MALFORMED] = "rx_drop_malformed",
	[STAT_DROP_UNDERLAY] = "drop_underlay",
};

/*
 * A drop counter's key as the text output names it, without its "drop":
 * "drop_not_active" is "not_active", "rx_drop_malformed" "rx_malformed";
 * NULL for a counter that is no drop.
 */
static const char *drop_word(const char *key, char *buf, size_t size)
{
	const char *drop = strstr(key, "drop_");

	if (!drop)
		return NULL;
	snprintf(buf, size, "%.*s%s", (int)(drop - key), key,
		 drop + strlen("drop_"));
	return buf;
}

/* " allow-dns-resolution on[ name TEXT]": the tag last, it may hold blanks. */
static void side_options_text(FILE *f, const struct pcx_side *s)
{
	if (s->has_allow_dns)
		fprintf(f, " allow-dns-resolution %s",
			s->allow_dns ? "on" : "off");
	if (s->tag && *s->tag) {
		fputs(" name ", f);
		put_text(f, s->tag, NULL);
	}
}

/* Epoch seconds as "2026-11-26T10:00:00Z", or the number when out of range. */
static void put_time(FILE *f, uint64_t t)
{
	time_t tt = (time_t)t;
	char buf[64];
	struct tm tm;

	if (t > INT64_MAX || !gmtime_r(&tt, &tm) ||
	    !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
		fprintf(f, "%" PRIu64, t);
	else
		fputs(buf, f);
}

/* " region b cidr 10.1.0.0/16 fd00:9::/48": a remote side's. */
static void side_region_text(FILE *f, const struct pcx_side *s)
{
	char cidr[PREFIX_STRLEN];
	size_t i;

	if (s->region) {
		fputs(" region ", f);
		put_text(f, s->region, NULL);
	}
	if (s->ncidrs)
		fputs(" cidr", f);
	for (i = 0; i < s->ncidrs; i++)
		if (!format_prefix(&s->cidrs[i], cidr, sizeof(cidr)))
			fprintf(f, " %s", cidr);
}

/*
 * Traffic, then every drop counter of the spec in its order, named as
 * its key without "drop" ("not_active", "rx_not_active", "underlay").
 */
static void side_stats_text(FILE *f, const struct pcx_side *s)
{
	const uint64_t *c = s->stats;
	char word[32];
	unsigned int i;

	fprintf(f,
		"\t\ttx %" PRIu64 " packets %" PRIu64 " bytes  rx %" PRIu64
		" packets %" PRIu64 " bytes\n",
		c[STAT_TX_PACKETS], c[STAT_TX_BYTES], c[STAT_RX_PACKETS],
		c[STAT_RX_BYTES]);
	fputs("\t\tdropped", f);
	for (i = 0; i < NR_SIDE_STATS; i++)
		if (drop_word(stat_keys[i], word, sizeof(word)))
			fprintf(f, " %s %" PRIu64, word, c[i]);
	fputc('\n', f);
}

static void side_text(struct printer *p, const char *role,
		      const struct pcx_side *s)
{
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
	side_region_text(p->out, s);
	side_options_text(p->out, s);
	fputc('\n', p->out);
	if (p->stats && s->has_stats)
		side_stats_text(p->out, s);
}

static void pcx_text(struct printer *p, const struct pcx_info *x)
{
	char id[OBJECT_ID_STRLEN], state[PCX_STATE_STRLEN];
	char msg[PCX_MESSAGE_LEN];

	format_pcx_id(x->id, id);
	fprintf(p->out, "%s %s", id, pcx_state_name(x->state, state));
	if (*pcx_message(x, msg)) {
		fputs(" \"", p->out);
		put_text(p->out, msg, "\"\\");
		fputc('"', p->out);
	}
	if (x->has_expires) {
		fputs(" expires ", p->out);
		put_time(p->out, x->expires);
	}
	if (x->has_visible_until) {
		fputs(" visible-until ", p->out);
		put_time(p->out, x->visible_until);
	}
	fputc('\n', p->out);
	side_text(p, "requester", &x->requester);
	side_text(p, "accepter", &x->accepter);
}

static void side_json(struct printer *p, const char *role,
		      const struct pcx_side *s)
{
	char id[OBJECT_ID_STRLEN], cidr[PREFIX_STRLEN];
	unsigned int i;
	size_t k;

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
	if (s->region)
		json_kv_string(&p->j, "region", s->region);
	if (s->ncidrs) {
		json_key(&p->j, "cidrs");
		json_array_start(&p->j);
		for (k = 0; k < s->ncidrs; k++)
			if (!format_prefix(&s->cidrs[k], cidr, sizeof(cidr)))
				json_string(&p->j, cidr);
		json_array_end(&p->j);
	}
	if (s->has_allow_dns)
		json_kv_bool(&p->j, "allow_dns_resolution", s->allow_dns);
	if (s->tag && *s->tag)
		json_kv_string(&p->j, "name", s->tag);
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
	char msg[PCX_MESSAGE_LEN], cidr[PREFIX_STRLEN];

	format_pcx_id(x->id, id);
	json_object_start(&p->j);
	json_kv_string(&p->j, "id", id);
	if (x->has_state)
		json_kv_string(&p->j, "state", pcx_state_name(x->state, state));
	if (x->has_reason) {
		json_kv_string(&p->j, "reason", pcx_reason_name(x->reason, state));
		json_kv_string(&p->j, "message", pcx_message(x, msg));
	}
	if (x->has_reason_cidr) {
		format_prefix(&x->reason_cidr, cidr, sizeof(cidr));
		json_kv_string(&p->j, "reason_cidr", cidr);
	}
	if (x->has_expires)
		json_kv_u64(&p->j, "expires", x->expires);
	if (x->has_visible_until)
		json_kv_u64(&p->j, "visible_until", x->visible_until);
	if (x->requester.present)
		side_json(p, "requester", &x->requester);
	if (x->accepter.present)
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

/* --- regions ------------------------------------------------------------ */

static const char *const rstat_keys[NR_REGION_STATS] = {
	[RSTAT_TX_PACKETS] = "tx_packets",
	[RSTAT_TX_BYTES] = "tx_bytes",
	[RSTAT_RX_PACKETS] = "rx_packets",
	[RSTAT_RX_BYTES] = "rx_bytes",
	[RSTAT_CTL_TX] = "ctl_tx",
	[RSTAT_CTL_RX] = "ctl_rx",
	[RSTAT_CTL_RETRANSMITS] = "ctl_retransmits",
	[RSTAT_TX_DROP_NO_ROUTE] = "tx_drop_no_route",
	[RSTAT_TX_DROP_NOT_ENCRYPTED] = "tx_drop_not_encrypted",
	[RSTAT_TX_OUTER_FRAGMENTED] = "tx_outer_fragmented",
	[RSTAT_RX_DROP_NOT_ENCRYPTED] = "rx_drop_not_encrypted",
	[RSTAT_RX_DROP_BAD_HEADER] = "rx_drop_bad_header",
	[RSTAT_RX_DROP_UNKNOWN_PCX] = "rx_drop_unknown_pcx",
	[RSTAT_RX_DROP_WRONG_REGION] = "rx_drop_wrong_region",
	[RSTAT_CTL_DROP_INVALID] = "ctl_drop_invalid",
	[RSTAT_CTL_DROP_QUEUE_FULL] = "ctl_drop_queue_full",
	[RSTAT_CTL_DROP_STALE_EPOCH] = "ctl_drop_stale_epoch",
};

/* The address alone, or with its port ("[fd00::2]:6081"). */
static void put_endpoint(FILE *f, const struct endpoint *e, bool port)
{
	struct endpoint a = *e;
	char buf[ENDPOINT_STRLEN];

	a.has_port = port && e->has_port;
	if (!format_endpoint(&a, buf, sizeof(buf)))
		fputs(buf, f);
}

/* " underlay wireguard dev wg0" */
static void region_underlay_text(FILE *f, const struct region_info *r)
{
	char w[REGION_WORD_STRLEN];

	if (r->has_underlay)
		fprintf(f, " underlay %s", underlay_name(r->underlay, w));
	if (r->underlay_ifname) {
		fputs(" dev ", f);
		put_text(f, r->underlay_ifname, NULL);
	}
}

/* " remote 10.255.0.2:6081 local 10.255.0.1" */
static void region_addrs_text(FILE *f, const struct region_info *r)
{
	if (r->has_remote) {
		fputs(" remote ", f);
		put_endpoint(f, &r->remote, true);
	}
	if (r->has_local) {
		fputs(" local ", f);
		put_endpoint(f, &r->local, false);
	}
}

/* What is known once a route is verified and the remote module heard. */
static void region_details_text(FILE *f, const struct region_info *r)
{
	const char *sep = "\t";

	if (r->has_inner_mtu) {
		fprintf(f, "%sinner-mtu %" PRIu32, sep, r->inner_mtu);
		sep = " ";
	}
	if (r->peer_name) {
		fprintf(f, "%speer \"", sep);
		put_text(f, r->peer_name, "\"\\");
		fputc('"', f);
		sep = " ";
	}
	if (r->has_peer_epoch) {
		fprintf(f, "%sepoch %016" PRIx64, sep, r->peer_epoch);
		sep = " ";
	}
	if (r->has_last_rx) {
		fprintf(f, "%slast-rx %" PRIu32 ".%" PRIu32 "s", sep,
			r->last_rx_ms / 1000, r->last_rx_ms % 1000 / 100);
		sep = " ";
	}
	if (r->has_pcx_count) {
		fprintf(f, "%speerings %" PRIu32, sep, r->pcx_count);
		sep = " ";
	}
	if (*sep == ' ')
		fputc('\n', f);
}

/*
 * Traffic, control messages, and every drop counter of the spec in its
 * order, named as its key without "drop" ("tx_no_route"; drop_word()).
 */
static void region_stats_text(FILE *f, const struct region_info *r)
{
	const uint64_t *c = r->stats;
	char word[32];
	unsigned int i;

	fprintf(f, "\t\ttx %" PRIu64 " packets %" PRIu64
		" bytes outer_fragmented %" PRIu64 "  rx %" PRIu64
		" packets %" PRIu64 " bytes\n",
		c[RSTAT_TX_PACKETS], c[RSTAT_TX_BYTES],
		c[RSTAT_TX_OUTER_FRAGMENTED], c[RSTAT_RX_PACKETS],
		c[RSTAT_RX_BYTES]);
	fprintf(f, "\t\tctl tx %" PRIu64 " rx %" PRIu64 " retransmits %"
		PRIu64 "\n", c[RSTAT_CTL_TX], c[RSTAT_CTL_RX],
		c[RSTAT_CTL_RETRANSMITS]);
	fputs("\t\tdropped", f);
	for (i = 0; i < NR_REGION_STATS; i++)
		if (drop_word(rstat_keys[i], word, sizeof(word)))
			fprintf(f, " %s %" PRIu64, word, c[i]);
	fputc('\n', f);
}

static void region_text(struct printer *p, const struct region_info *r)
{
	char state[REGION_WORD_STRLEN], warning[REGION_WARNING_LEN];

	fputs("region ", p->out);
	put_text(p->out, r->name, NULL);
	region_addrs_text(p->out, r);
	fprintf(p->out, " state %s", region_state_name(r->state, state));
	region_underlay_text(p->out, r);
	fputc('\n', p->out);
	region_details_text(p->out, r);
	if (*region_mtu_warning(r, warning))
		fprintf(p->out, "\twarning: %s\n", warning);
	if (p->stats && r->has_stats)
		region_stats_text(p->out, r);
}

/* A string member: the address alone, without its port. */
static void json_kv_addr(struct json *j, const char *key,
			 const struct endpoint *e)
{
	struct endpoint a = *e;
	char buf[ENDPOINT_STRLEN];

	a.has_port = false;
	if (!format_endpoint(&a, buf, sizeof(buf)))
		json_kv_string(j, key, buf);
}

static void region_json(struct printer *p, const struct region_info *r)
{
	char w[REGION_WORD_STRLEN];
	unsigned int i;

	json_object_start(&p->j);
	json_kv_string(&p->j, "name", r->name);
	if (r->has_remote)
		json_kv_addr(&p->j, "remote", &r->remote);
	if (r->has_remote && r->remote.has_port)
		json_kv_u64(&p->j, "remote_port", r->remote.port);
	if (r->has_local)
		json_kv_addr(&p->j, "local", &r->local);
	if (r->has_state)
		json_kv_string(&p->j, "state", region_state_name(r->state, w));
	if (r->has_underlay)
		json_kv_string(&p->j, "underlay", underlay_name(r->underlay, w));
	if (r->underlay_ifname)
		json_kv_string(&p->j, "underlay_ifname", r->underlay_ifname);
	if (r->has_inner_mtu)
		json_kv_u64(&p->j, "inner_mtu", r->inner_mtu);
	if (r->peer_name)
		json_kv_string(&p->j, "peer_name", r->peer_name);
	if (r->has_peer_epoch) {
		/*
		 * An identifier that uses all 64 bits: as a string, as the
		 * text output prints it, since readers holding JSON numbers
		 * as doubles (JavaScript, jq 1.6) would round it.
		 */
		char e[17];

		snprintf(e, sizeof(e), "%016" PRIx64, r->peer_epoch);
		json_kv_string(&p->j, "peer_epoch", e);
	}
	if (r->has_last_rx)
		json_kv_u64(&p->j, "last_rx_ms", r->last_rx_ms);
	if (r->has_pcx_count)
		json_kv_u64(&p->j, "pcx_count", r->pcx_count);
	if (p->stats && r->has_stats) {
		json_key(&p->j, "stats");
		json_object_start(&p->j);
		for (i = 0; i < NR_REGION_STATS; i++)
			json_kv_u64(&p->j, rstat_keys[i], r->stats[i]);
		json_object_end(&p->j);
	}
	if (p->stats && r->has_unknown_drops)
		json_kv_u64(&p->j, "rx_drop_unknown_region",
			    r->rx_drop_unknown_region);
	json_object_end(&p->j);
}

void print_region(struct printer *p, const struct region_info *r)
{
	if (r->has_unknown_drops) {
		p->has_unknown_drops = true;
		p->rx_drop_unknown_region = r->rx_drop_unknown_region;
	}
	if (p->json)
		region_json(p, r);
	else
		region_text(p, r);
}

/* --- events ------------------------------------------------------------- */

/* "blue", or the id when the kernel did not send the name. */
static void side_name_text(FILE *f, const struct pcx_side *s)
{
	char id[OBJECT_ID_STRLEN];

	if (s->vpc_name) {
		put_text(f, s->vpc_name, NULL);
		return;
	}
	format_vpc_id(s->vpc_id, id);
	fputs(id, f);
}

static void vpc_event_text(FILE *f, const char *what,
			   const struct vp_event *e, bool cidrs)
{
	char id[OBJECT_ID_STRLEN], cidr[PREFIX_STRLEN];
	size_t i;

	format_vpc_id(e->vpc.id, id);
	fprintf(f, "vpc %s %s ", what, id);
	put_text(f, e->vpc.name, NULL);
	for (i = 0; cidrs && i < e->vpc.ncidrs; i++)
		if (!format_prefix(&e->vpc.cidrs[i], cidr, sizeof(cidr)))
			fprintf(f, " %s", cidr);
	if ((e->cmd == VPCPEER_CMD_VPC_CIDR_ADD_NTF ||
	     e->cmd == VPCPEER_CMD_VPC_CIDR_DEL_NTF) &&
	    !format_prefix(&e->cidr, cidr, sizeof(cidr)))
		fprintf(f, " %s", cidr);
}

static void pcx_event_text(FILE *f, const struct vp_event *e)
{
	char id[OBJECT_ID_STRLEN], s1[PCX_STATE_STRLEN], s2[PCX_STATE_STRLEN];
	const struct pcx_info *x = &e->pcx;
	char msg[PCX_MESSAGE_LEN];

	format_pcx_id(x->id, id);
	switch (e->cmd) {
	case VPCPEER_CMD_PCX_REQUEST_NTF:
		fprintf(f, "pcx new %s ", id);
		side_name_text(f, &x->requester);
		fputs(" -> ", f);
		side_name_text(f, &x->accepter);
		fprintf(f, " %s", pcx_state_name(x->state, s1));
		break;
	case VPCPEER_CMD_PCX_STATE_NTF:
		fprintf(f, "pcx state %s %s -> %s", id,
			pcx_state_name(x->old_state, s1),
			pcx_state_name(x->state, s2));
		if (*pcx_message(x, msg)) {
			fputs(": ", f);
			put_text(f, msg, NULL);
		}
		break;
	case VPCPEER_CMD_PCX_SET_NTF:
		fprintf(f, "pcx set %s requester", id);
		side_options_text(f, &x->requester);
		fputs(" accepter", f);
		side_options_text(f, &x->accepter);
		break;
	default:
		fprintf(f, "pcx del %s", id);
	}
}

/*
 * "region state b [connecting -> ]up underlay ... remote ... local ...",
 * or "... deleted".
 */
static void region_event_text(FILE *f, const struct vp_event *e)
{
	const struct region_info *r = &e->region;
	char state[REGION_WORD_STRLEN];

	fputs("region state ", f);
	put_text(f, r->name, NULL);
	if (e->region_gone) {
		fputs(" deleted", f);
		return;
	}
	if (r->has_old_state)
		fprintf(f, " %s ->", region_state_name(r->old_state, state));
	fprintf(f, " %s", region_state_name(r->state, state));
	region_underlay_text(f, r);
	if (r->has_inner_mtu)
		fprintf(f, " inner-mtu %" PRIu32, r->inner_mtu);
	region_addrs_text(f, r);
}

static const char *event_name(uint8_t cmd)
{
	switch (cmd) {
	case VPCPEER_CMD_VPC_NEW_NTF:
		return "vpc-new";
	case VPCPEER_CMD_VPC_DEL_NTF:
		return "vpc-del";
	case VPCPEER_CMD_VPC_CIDR_ADD_NTF:
		return "vpc-cidr-add";
	case VPCPEER_CMD_VPC_CIDR_DEL_NTF:
		return "vpc-cidr-del";
	case VPCPEER_CMD_PCX_REQUEST_NTF:
		return "pcx-new";
	case VPCPEER_CMD_PCX_STATE_NTF:
		return "pcx-state";
	case VPCPEER_CMD_PCX_SET_NTF:
		return "pcx-set";
	case VPCPEER_CMD_REGION_STATE_NTF:
		return "region-state";
	case VPCPEER_CMD_PCX_DEL_NTF:
	default:
		return "pcx-del";
	}
}

static bool event_of_vpc(uint8_t cmd)
{
	return cmd == VPCPEER_CMD_VPC_NEW_NTF || cmd == VPCPEER_CMD_VPC_DEL_NTF ||
	       cmd == VPCPEER_CMD_VPC_CIDR_ADD_NTF ||
	       cmd == VPCPEER_CMD_VPC_CIDR_DEL_NTF;
}

static int event_json(FILE *f, bool stats, const struct vp_event *e)
{
	char state[PCX_STATE_STRLEN], cidr[PREFIX_STRLEN];
	char rstate[REGION_WORD_STRLEN];
	struct printer p = { .out = f, .json = true, .stats = stats };
	bool is_vpc = event_of_vpc(e->cmd);
	bool is_region = e->cmd == VPCPEER_CMD_REGION_STATE_NTF;

	json_init(&p.j, f);
	json_object_start(&p.j);
	json_kv_string(&p.j, "event", event_name(e->cmd));
	json_key(&p.j, is_vpc ? "vpc" : is_region ? "region" : "pcx");
	if (is_vpc)
		vpc_json_blocks(&p, &e->vpc, e->cmd == VPCPEER_CMD_VPC_NEW_NTF);
	else if (is_region)
		region_json(&p, &e->region);
	else
		pcx_json(&p, &e->pcx);
	if (is_region && e->region_gone)
		json_kv_bool(&p.j, "deleted", true);
	if ((e->cmd == VPCPEER_CMD_VPC_CIDR_ADD_NTF ||
	     e->cmd == VPCPEER_CMD_VPC_CIDR_DEL_NTF) &&
	    !format_prefix(&e->cidr, cidr, sizeof(cidr)))
		json_kv_string(&p.j, "cidr", cidr);
	if (e->cmd == VPCPEER_CMD_PCX_STATE_NTF)
		json_kv_string(&p.j, "old_state",
			       pcx_state_name(e->pcx.old_state, state));
	if (is_region && e->region.has_old_state)
		json_kv_string(&p.j, "old_state",
			       region_state_name(e->region.old_state, rstate));
	json_object_end(&p.j);
	return json_finish(&p.j);
}

int print_event(FILE *f, bool json, bool stats, const struct vp_event *e)
{
	if (json)
		return event_json(f, stats, e);
	switch (e->cmd) {
	case VPCPEER_CMD_VPC_NEW_NTF:
		vpc_event_text(f, "new", e, true);
		break;
	case VPCPEER_CMD_VPC_DEL_NTF:
		vpc_event_text(f, "del", e, false);
		break;
	case VPCPEER_CMD_VPC_CIDR_ADD_NTF:
		vpc_event_text(f, "cidr-add", e, false);
		break;
	case VPCPEER_CMD_VPC_CIDR_DEL_NTF:
		vpc_event_text(f, "cidr-del", e, false);
		break;
	case VPCPEER_CMD_REGION_STATE_NTF:
		region_event_text(f, e);
		break;
	default:
		pcx_event_text(f, e);
	}
	fputc('\n', f);
	return fflush(f) || ferror(f) ? -EIO : 0;
}
