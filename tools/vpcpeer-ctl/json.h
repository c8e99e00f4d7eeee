/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small streaming JSON writer for the -j output of vpcpeer-ctl: values
 * go straight to a FILE as they are produced, commas and escaping are
 * handled here, and misuse (a value without a key inside an object, a key
 * inside an array, an unbalanced end) is recorded and reported by
 * json_finish() rather than producing invalid JSON silently. Output is
 * compact, one top-level value per line, like "ip -j".
 */
#ifndef VPCPEER_CTL_JSON_H
#define VPCPEER_CTL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Deeper nesting than this is refused (-E2BIG). */
#define JSON_MAX_DEPTH	32

struct json {
	FILE *out;
	unsigned int depth;
	uint32_t objects;	/* bit d set: level d + 1 is an object */
	bool need_comma;	/* the current container already has a member */
	bool have_key;		/* a key was written, its value is due */
	int err;		/* first misuse, as a negative errno */
};

void json_init(struct json *j, FILE *out);

void json_object_start(struct json *j);
void json_object_end(struct json *j);
void json_array_start(struct json *j);
void json_array_end(struct json *j);

/* The key of the next member of the current object. */
void json_key(struct json *j, const char *key);

/*
 * A string value. UTF-8 is copied through; bytes that are not valid UTF-8
 * become U+FFFD, so the output is always valid JSON.
 */
void json_string(struct json *j, const char *s);
void json_u64(struct json *j, uint64_t v);
void json_s64(struct json *j, int64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);

/* key + value shorthands for object members. */
void json_kv_string(struct json *j, const char *key, const char *s);
void json_kv_u64(struct json *j, const char *key, uint64_t v);
void json_kv_s64(struct json *j, const char *key, int64_t v);
void json_kv_bool(struct json *j, const char *key, bool v);

/*
 * 0 when everything written so far was well formed, all containers are
 * closed and the stream has no error; else -EINVAL, -E2BIG or -EIO.
 */
int json_finish(struct json *j);

#endif /* VPCPEER_CTL_JSON_H */
