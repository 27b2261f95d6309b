/*
 * idstore_record.c - identity mapping record: field table, parsing of field
 * values, validation.
 */
#include "idstore/idstore_record.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* string fields: where they live in the record and their bound */
typedef struct ids_fdesc {
	const char *name;
	size_t off; /* offset of the char array; 0 for non-string fields */
	size_t max; /* max length; 0 for non-string fields */
} ids_fdesc_t;

#define SF(f, m)                         \
	{                                    \
#f, offsetof(ids_record_t, f), m \
	}
static const ids_fdesc_t ids_fields[] = {
		[IDS_F_NS] = SF(ns, IDS_NS_MAX),
		[IDS_F_KEY] = SF(key, IDS_KEY_MAX),
		[IDS_F_SIP_URI] = SF(sip_uri, IDS_URI_MAX),
		[IDS_F_DISPLAY_NAME] = SF(display_name, IDS_DISPLAY_MAX),
		[IDS_F_IMPI] = SF(impi, IDS_IMPI_MAX),
		[IDS_F_TENANT] = SF(tenant, IDS_TENANT_MAX),
		[IDS_F_AGENT_ID] = SF(agent_id, IDS_AGENT_MAX),
		[IDS_F_QUEUE] = SF(queue, IDS_QUEUE_MAX),
		[IDS_F_LANGUAGE] = SF(language, IDS_LANGUAGE_MAX),
		[IDS_F_PRIORITY] = SF(priority, IDS_PRIORITY_MAX),
		[IDS_F_DID] = SF(did, IDS_DID_MAX),
		[IDS_F_HA1] = SF(ha1, IDS_HA1_MAX),
		[IDS_F_ENABLED] = {"enabled", 0, 0},
		[IDS_F_NOT_AFTER] = {"not_after", 0, 0},
};
#undef SF
_Static_assert(sizeof(ids_fields) / sizeof(ids_fields[0]) == IDS_F_COUNT,
			   "ids_fields must name every field");

static int ids_fail(ids_error_t *e, ids_field_t f, const char *msg)
{
	if (e) {
		snprintf(e->field, sizeof(e->field), "%s",
				 f < IDS_F_COUNT ? ids_fields[f].name : "");
		snprintf(e->msg, sizeof(e->msg), "%s", msg);
	}
	return -1;
}

const char *ids_field_name(ids_field_t f)
{
	return (unsigned)f < IDS_F_COUNT ? ids_fields[f].name : NULL;
}

int ids_field_by_name(const char *name, size_t len)
{
	int i;
	for (i = 0; i < IDS_F_COUNT; i++)
		if (strlen(ids_fields[i].name) == len &&
			memcmp(ids_fields[i].name, name, len) == 0)
			return i;
	return -1;
}

void ids_record_init(ids_record_t *r)
{
	memset(r, 0, sizeof(*r));
	r->enabled = 1;
}

/* the character classes of the string fields */
static int ids_ns_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '-' || c == '.';
}

/* visible ASCII, no space (keys, URIs, identifiers) */
static int ids_token_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f;
}

/* display names: UTF-8 text without controls, quotes or backslashes (the
 * name is put between quotes in P-Asserted-Identity) */
static int ids_display_char(unsigned char c)
{
	return c >= 0x20 && c != 0x7f && c != '"' && c != '\\';
}

/* language tags: letters, digits and '-' */
static int ids_lang_char(unsigned char c)
{
	return isalnum(c) || c == '-';
}

static int ids_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int ids_all(const char *v, size_t len, int (*ok)(unsigned char))
{
	size_t i;
	for (i = 0; i < len; i++)
		if (!ok((unsigned char)v[i]))
			return 0;
	return 1;
}

/* a URI for a SIP identity: sip:, sips: or tel: with something after it,
 * visible characters only, none of <>" (they would break header syntax) */
static const char *ids_uri_problem(const char *v, size_t len)
{
	size_t p;
	if (len >= 4 && strncasecmp(v, "sip:", 4) == 0)
		p = 4;
	else if (len >= 5 && strncasecmp(v, "sips:", 5) == 0)
		p = 5;
	else if (len >= 4 && strncasecmp(v, "tel:", 4) == 0)
		p = 4;
	else
		return "must start with sip:, sips: or tel:";
	if (p == len)
		return "has nothing after the scheme";
	if (!ids_all(v, len, ids_token_char) || memchr(v, '<', len) ||
		memchr(v, '>', len) || memchr(v, '"', len))
		return "must be visible ASCII without spaces, <, > or \"";
	if (p == 4 && tolower((unsigned char)v[0]) == 's' && v[p] == '@')
		return "has an empty user part";
	return NULL;
}

static int ids_hex(const char *v, size_t len)
{
	size_t i;
	for (i = 0; i < len; i++)
		if (!isxdigit((unsigned char)v[i]))
			return 0;
	return 1;
}

/* parse a decimal int64 of exactly v[0..len); 0 on success */
static int ids_parse_i64(const char *v, size_t len, int64_t *out)
{
	int64_t n = 0;
	size_t i;
	if (len == 0 || len > 18)
		return -1;
	for (i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		n = n * 10 + (v[i] - '0');
	}
	*out = n;
	return 0;
}

/* days since 1970-01-01 of a proleptic Gregorian date */
static int64_t ids_days(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* RFC 3339 UTC "YYYY-MM-DDTHH:MM:SSZ" to unix seconds; 0 on success */
static int ids_parse_rfc3339(const char *v, size_t len, int64_t *out)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int64_t y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
	size_t i;
	if (len != sizeof(shape) - 1)
		return -1;
	for (i = 0; i < len; i++) {
		if (shape[i] == 'd' ? !isdigit((unsigned char)v[i])
							: toupper((unsigned char)v[i]) != shape[i])
			return -1;
	}
	ids_parse_i64(v, 4, &y);
	ids_parse_i64(v + 5, 2, &mo);
	ids_parse_i64(v + 8, 2, &d);
	ids_parse_i64(v + 11, 2, &h);
	ids_parse_i64(v + 14, 2, &mi);
	ids_parse_i64(v + 17, 2, &s);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 ||
		mi > 59 || s > 60)
		return -1;
	*out = ids_days(y, (int)mo, (int)d) * 86400 + h * 3600 + mi * 60 + s;
	return 0;
}

static int ids_parse_bool(const char *v, size_t len, int *out)
{
	static const char *yes[] = {"1", "true", "yes", "on"};
	static const char *no[] = {"0", "false", "no", "off"};
	size_t i;
	for (i = 0; i < 4; i++) {
		if (strlen(yes[i]) == len && strncasecmp(v, yes[i], len) == 0) {
			*out = 1;
			return 0;
		}
		if (strlen(no[i]) == len && strncasecmp(v, no[i], len) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

/* format check of one string field value; NULL when fine */
static const char *ids_string_problem(ids_field_t f, const char *v, size_t len)
{
	if (memchr(v, '\0', len))
		return "contains a NUL byte";
	switch (f) {
	case IDS_F_NS:
		if (len == 0)
			return "is required";
		return ids_all(v, len, ids_ns_char)
					   ? NULL
					   : "may only contain letters, digits, '_', '-', '.'";
	case IDS_F_KEY:
		if (len == 0)
			return "is required";
		return ids_all(v, len, ids_token_char)
					   ? NULL
					   : "must be visible ASCII without spaces";
	case IDS_F_SIP_URI:
		return len == 0 ? "is required" : ids_uri_problem(v, len);
	case IDS_F_DISPLAY_NAME:
		return ids_all(v, len, ids_display_char)
					   ? NULL
					   : "must not contain control characters, '\"' or '\\'";
	case IDS_F_LANGUAGE:
		if (len != 0 &&
			(len > IDS_LANGUAGE_MAX || !ids_all(v, len, ids_lang_char)))
			return "must be 1 to 16 letters, digits or '-' (a language tag "
				   "like fr or en-GB)";
		return NULL;
	case IDS_F_PRIORITY:
		if (len != 0 && (len != 1 || !ids_digit((unsigned char)v[0])))
			return "must be an integer from 0 to 9";
		return NULL;
	case IDS_F_DID:
		if (len != 0 && (len < IDS_DID_MIN || len > IDS_DID_MAX ||
						 v[0] != '+' || !ids_all(v + 1, len - 1, ids_digit)))
			return "must be an E.164 number: '+' then 6 to 15 digits";
		return NULL;
	case IDS_F_HA1:
		if (len != 0 && !((len == 32 || len == 64) && ids_hex(v, len)))
			return "must be 32 (MD5) or 64 (SHA-256) hex digits";
		return NULL;
	default:
		return ids_all(v, len, ids_token_char)
					   ? NULL
					   : "must be visible ASCII without spaces";
	}
}

int ids_record_set(ids_record_t *r, ids_field_t f, const char *v, size_t len,
				   ids_error_t *e)
{
	const char *why;
	char msg[64];
	if ((unsigned)f >= IDS_F_COUNT)
		return ids_fail(e, IDS_F_COUNT, "unknown field");
	if (f == IDS_F_ENABLED) {
		if (ids_parse_bool(v, len, &r->enabled) < 0)
			return ids_fail(e, f, "must be one of 1, 0, true, false, yes, no");
		return 0;
	}
	if (f == IDS_F_NOT_AFTER) {
		if (len == 0) {
			r->not_after = 0;
			return 0;
		}
		if (ids_parse_i64(v, len, &r->not_after) < 0 &&
			ids_parse_rfc3339(v, len, &r->not_after) < 0)
			return ids_fail(e, f,
							"must be unix seconds or a UTC time like "
							"2026-01-31T23:59:59Z");
		return 0;
	}
	/* the syntax first: its message says more than a length would */
	if ((why = ids_string_problem(f, v, len)) && len != 0)
		return ids_fail(e, f, why);
	if (len > ids_fields[f].max) {
		snprintf(msg, sizeof(msg), "is longer than %zu bytes",
				 ids_fields[f].max);
		return ids_fail(e, f, msg);
	}
	memcpy((char *)r + ids_fields[f].off, v, len);
	((char *)r + ids_fields[f].off)[len] = '\0';
	return 0;
}

int ids_record_validate(const ids_record_t *r, ids_error_t *e)
{
	const char *why, *v;
	size_t len;
	int f;
	for (f = 0; f < IDS_F_COUNT; f++) {
		if (ids_fields[f].max == 0)
			continue;
		v = (const char *)r + ids_fields[f].off;
		len = strnlen(v, ids_fields[f].max + 1);
		if (len > ids_fields[f].max)
			return ids_fail(e, f, "is too long");
		if ((why = ids_string_problem(f, v, len)))
			return ids_fail(e, f, why);
	}
	if (r->enabled != 0 && r->enabled != 1)
		return ids_fail(e, IDS_F_ENABLED, "must be 0 or 1");
	if (r->not_after < 0)
		return ids_fail(e, IDS_F_NOT_AFTER, "must not be negative");
	return 0;
}

int ids_record_get(const ids_record_t *r, ids_field_t f, char *buf,
				   size_t bufsz)
{
	int n;
	if ((unsigned)f >= IDS_F_COUNT)
		return -1;
	if (f == IDS_F_ENABLED)
		n = snprintf(buf, bufsz, "%d", r->enabled ? 1 : 0);
	else if (f == IDS_F_NOT_AFTER)
		n = snprintf(buf, bufsz, "%lld", (long long)r->not_after);
	else
		n = snprintf(buf, bufsz, "%s", (const char *)r + ids_fields[f].off);
	return (n < 0 || (size_t)n >= bufsz) ? -1 : n;
}

const char *ids_record_str(const ids_record_t *r, ids_field_t f)
{
	if ((unsigned)f >= IDS_F_COUNT || ids_fields[f].max == 0)
		return NULL;
	return (const char *)r + ids_fields[f].off;
}

int ids_record_priority(const ids_record_t *r)
{
	return ids_digit((unsigned char)r->priority[0]) && !r->priority[1]
				   ? r->priority[0] - '0'
				   : -1;
}

int ids_record_usable(const ids_record_t *r, int64_t now)
{
	if (!r->enabled)
		return 0;
	if (r->not_after != 0 && now > r->not_after)
		return -1;
	return 1;
}
