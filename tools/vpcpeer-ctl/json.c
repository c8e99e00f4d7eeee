// SPDX-License-Identifier: GPL-2.0
/*
 * The streaming JSON writer of vpcpeer-ctl (see json.h). The state is one
 * bit per nesting level (object or array) plus "a member was written" and
 * "a key awaits its value"; that is all RFC 8259 needs to place commas and
 * to catch misuse. Strings are escaped per RFC 8259 section 7 and checked
 * as UTF-8 so that names coming from the kernel cannot break a parser.
 */
#include <errno.h>
#include <inttypes.h>

#include "json.h"

void json_init(struct json *j, FILE *out)
{
	*j = (struct json){ .out = out };
}

static bool in_object(const struct json *j)
{
	return j->depth && (j->objects >> (j->depth - 1) & 1);
}

/* Bytes of the valid UTF-8 sequence at s (lead byte >= 0x80), or 0. */
static size_t utf8_seq_len(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t i, n;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	/* No overlong forms, no UTF-16 surrogates, nothing above U+10FFFF. */
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

static void write_ascii(FILE *f, unsigned char c)
{
	static const char named[] = {
		['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n', ['\r'] = 'r',
		['\t'] = 't', ['"'] = '"', ['\\'] = '\\',
	};

	if (c < sizeof(named) && named[c])
		fprintf(f, "\\%c", named[c]);
	else if (c < 0x20 || c == 0x7f)
		fprintf(f, "\\u%04x", c);
	else
		fputc(c, f);
}

static void write_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n;

	fputc('"', f);
	while (*s) {
		if (*s < 0x80) {
			write_ascii(f, *s++);
			continue;
		}
		n = utf8_seq_len(s);
		if (n)
			fwrite(s, 1, n, f);
		else
			fputs("\\ufffd", f);
		s += n ? n : 1;
	}
	fputc('"', f);
}

/* Whether a value may start here; writes the comma before it. */
static bool value_begin(struct json *j)
{
	if (j->err)
		return false;
	if (j->have_key) {
		j->have_key = false;
		return true;
	}
	if (in_object(j)) {
		j->err = -EINVAL;
		return false;
	}
	if (j->need_comma)
		fputc(',', j->out);
	return true;
}

static void value_end(struct json *j)
{
	if (j->depth) {
		j->need_comma = true;
		return;
	}
	fputc('\n', j->out);
	j->need_comma = false;
}

static void container_start(struct json *j, bool object)
{
	if (!value_begin(j))
		return;
	if (j->depth == JSON_MAX_DEPTH) {
		j->err = -E2BIG;
		return;
	}
	fputc(object ? '{' : '[', j->out);
	if (object)
		j->objects |= UINT32_C(1) << j->depth;
	else
		j->objects &= ~(UINT32_C(1) << j->depth);
	j->depth++;
	j->need_comma = false;
}

static void container_end(struct json *j, bool object)
{
	if (j->err)
		return;
	if (!j->depth || in_object(j) != object || j->have_key) {
		j->err = -EINVAL;
		return;
	}
	fputc(object ? '}' : ']', j->out);
	j->depth--;
	value_end(j);
}

void json_object_start(struct json *j)
{
	container_start(j, true);
}

void json_object_end(struct json *j)
{
	container_end(j, true);
}

void json_array_start(struct json *j)
{
	container_start(j, false);
}

void json_array_end(struct json *j)
{
	container_end(j, false);
}

void json_key(struct json *j, const char *key)
{
	if (j->err)
		return;
	if (!in_object(j) || j->have_key || !key) {
		j->err = -EINVAL;
		return;
	}
	if (j->need_comma)
		fputc(',', j->out);
	write_string(j->out, key);
	fputc(':', j->out);
	j->have_key = true;
}

void json_string(struct json *j, const char *s)
{
	if (!s) {
		json_null(j);
		return;
	}
	if (!value_begin(j))
		return;
	write_string(j->out, s);
	value_end(j);
}

void json_u64(struct json *j, uint64_t v)
{
	if (!value_begin(j))
		return;
	fprintf(j->out, "%" PRIu64, v);
	value_end(j);
}

void json_s64(struct json *j, int64_t v)
{
	if (!value_begin(j))
		return;
	fprintf(j->out, "%" PRId64, v);
	value_end(j);
}

void json_bool(struct json *j, bool v)
{
	if (!value_begin(j))
		return;
	fputs(v ? "true" : "false", j->out);
	value_end(j);
}

void json_null(struct json *j)
{
	if (!value_begin(j))
		return;
	fputs("null", j->out);
	value_end(j);
}

void json_kv_string(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_string(j, s);
}

void json_kv_u64(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	json_u64(j, v);
}

void json_kv_s64(struct json *j, const char *key, int64_t v)
{
	json_key(j, key);
	json_s64(j, v);
}

void json_kv_bool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	json_bool(j, v);
}

int json_finish(struct json *j)
{
	if (!j->err && (j->depth || j->have_key))
		j->err = -EINVAL;
	if (!j->err && (fflush(j->out) || ferror(j->out)))
		j->err = -EIO;
	return j->err;
}
