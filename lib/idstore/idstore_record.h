/*
 * idstore_record.h - an identity mapping record and its validation.
 *
 * A mapping ties (namespace, key) to SIP identity fields. Records are plain
 * structs with fixed-size fields (no allocation, no ownership questions);
 * the size bounds below are also the validation limits. Pure C: no Redis,
 * no Kamailio.
 */
#ifndef IWG_IDSTORE_RECORD_H
#define IWG_IDSTORE_RECORD_H

#include <stddef.h>
#include <stdint.h>

/* maximum lengths in bytes, without the terminating NUL */
#define IDS_NS_MAX		 32
#define IDS_KEY_MAX		 256
#define IDS_URI_MAX		 256
#define IDS_DISPLAY_MAX	 128
#define IDS_IMPI_MAX	 256
#define IDS_TENANT_MAX	 64
#define IDS_AGENT_MAX	 64
#define IDS_QUEUE_MAX	 64
#define IDS_LANGUAGE_MAX 16 /* a language tag, [A-Za-z0-9-]{1,16} */
#define IDS_PRIORITY_MAX 1	/* one digit, "0".."9" */
#define IDS_DID_MAX		 16 /* E.164: '+' then 6..15 digits */
#define IDS_DID_MIN		 7	/* shortest: '+' and 6 digits */
#define IDS_HA1_MAX		 64
#define IDS_FIELD_MAXLEN 256 /* longest of the above */

/* the fields of a record, in export column order */
typedef enum ids_field {
	IDS_F_NS = 0,
	IDS_F_KEY,
	IDS_F_SIP_URI,
	IDS_F_DISPLAY_NAME,
	IDS_F_IMPI,
	IDS_F_TENANT,
	IDS_F_AGENT_ID,
	IDS_F_QUEUE,
	IDS_F_LANGUAGE,
	IDS_F_PRIORITY,
	IDS_F_DID,
	IDS_F_HA1,
	IDS_F_ENABLED,
	IDS_F_NOT_AFTER,
	IDS_F_COUNT
} ids_field_t;

typedef struct ids_record {
	char ns[IDS_NS_MAX + 1];
	char key[IDS_KEY_MAX + 1];
	char sip_uri[IDS_URI_MAX + 1];
	char display_name[IDS_DISPLAY_MAX + 1];
	char impi[IDS_IMPI_MAX + 1];
	char tenant[IDS_TENANT_MAX + 1];
	char agent_id[IDS_AGENT_MAX + 1];
	char queue[IDS_QUEUE_MAX + 1];
	/* contact-center and PSTN routing; "" = not set */
	char language[IDS_LANGUAGE_MAX + 1]; /* "fr", "en-GB" */
	char priority[IDS_PRIORITY_MAX + 1]; /* "0".."9", see ids_record_priority */
	char did[IDS_DID_MAX + 1]; /* "+33123456789"; unique (idstore.h) */
	char ha1[IDS_HA1_MAX + 1];
	int enabled;	   /* 1 or 0 */
	int64_t not_after; /* unix seconds; 0 = no end */
} ids_record_t;

/* a validation error: which field, and why (for messages "field: why") */
typedef struct ids_error {
	long line;		/* input line, 0 when not from a file */
	char field[24]; /* field name, "" when about the whole record/line */
	char msg[160];
} ids_error_t;

/* Name of a field ("sip_uri"), or NULL for an out-of-range value. */
const char *ids_field_name(ids_field_t f);

/* Field by name (exact, case-sensitive); -1 when unknown. */
int ids_field_by_name(const char *name, size_t len);

/* Reset r to the defaults: all strings empty, enabled=1, not_after=0. */
void ids_record_init(ids_record_t *r);

/*
 * Set field f of r from the text v[0..len) as it appears in an import file
 * or on a command line. enabled accepts 1/0/true/false/yes/no; not_after
 * accepts unix seconds, an RFC 3339 UTC time (2026-01-31T23:59:59Z) or ""
 * (no end). Only the format is checked here (length, characters, syntax);
 * ids_record_validate() checks the whole record.
 *
 * Returns 0, or -1 with e->field and e->msg set (e->line untouched).
 */
int ids_record_set(ids_record_t *r, ids_field_t f, const char *v, size_t len,
				   ids_error_t *e);

/*
 * Check a complete record: namespace and key syntax, sip_uri present and a
 * sip:, sips: or tel: URI, every optional field within its syntax (language
 * [A-Za-z0-9-]{1,16}, priority one digit 0..9, did '+' then 6 to 15
 * digits, ha1 32 or 64 hex digits). Returns
 * 0, or -1 with the first offending field named in e.
 */
int ids_record_validate(const ids_record_t *r, ids_error_t *e);

/*
 * Text of field f of r into buf (NUL-terminated, at most bufsz-1 bytes):
 * enabled as "1"/"0", not_after as decimal seconds ("0" = none). Returns
 * the length, or -1 when buf is too small.
 */
int ids_record_get(const ids_record_t *r, ids_field_t f, char *buf,
				   size_t bufsz);

/*
 * The string value of field f of r (NUL-terminated, inside r), or NULL for
 * the non-string fields enabled and not_after.
 */
const char *ids_record_str(const ids_record_t *r, ids_field_t f);

/*
 * The priority of r as a number: 0..9, or -1 when it has none.
 */
int ids_record_priority(const ids_record_t *r);

/*
 * Whether a mapping may be used at time now (unix seconds): enabled and
 * not past not_after. Returns 1 usable, 0 disabled, -1 expired.
 */
int ids_record_usable(const ids_record_t *r, int64_t now);

#endif
