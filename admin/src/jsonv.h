/*
 * jsonv.h - strict parsing and validation of JSON request bodies.
 *
 * A body must be one JSON object (UTF-8, strict RFC 8259 syntax, nothing but
 * whitespace after it, nesting at most JSONV_MAX_DEPTH) whose members are
 * all described by a field table: unknown members, missing required members,
 * wrong types, strings out of length or character bounds and integers out
 * of range are rejected, and the error names the offending field. A member
 * name given twice in any object of the body is refused too. Pure C
 * (json-c).
 */
#ifndef IWG_ADMIND_JSONV_H
#define IWG_ADMIND_JSONV_H

#include <stddef.h>
#include <stdint.h>

struct json_object;

#define JSONV_MAX_DEPTH 8

typedef enum jsonv_type {
	JSONV_STRING = 1,
	JSONV_INT,
	JSONV_BOOL,
	JSONV_OBJECT, /* any JSON object: its members are the caller's to check */
} jsonv_type;

typedef struct jsonv_field {
	const char *name;
	jsonv_type type;
	int required;
	/* JSONV_STRING: length bounds in bytes (max 0: no upper bound) and the
	 * allowed characters: NULL = any printable UTF-8 without control
	 * characters */
	size_t min_len, max_len;
	const char *charset;
	/* JSONV_INT: inclusive range */
	int64_t min, max;
} jsonv_field;

typedef struct jsonv_error {
	char field[64]; /* "" when about the body as a whole */
	char msg[160];
} jsonv_error;

/*
 * Parse body[0..len) and check it against fields[0..n). Returns 0 and a
 * new object in *out (release with json_object_put()), or -1 with e set
 * and *out NULL.
 */
int jsonv_parse(const char *body, size_t len, const jsonv_field *fields,
				size_t n, struct json_object **out, jsonv_error *e);

/* Convenience getters for validated objects: NULL / def when absent. */
const char *jsonv_str(struct json_object *o, const char *name);
int64_t jsonv_int(struct json_object *o, const char *name, int64_t def);
int jsonv_bool(struct json_object *o, const char *name, int def);

#endif
