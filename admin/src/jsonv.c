/*
 * jsonv.c - strict JSON body validation.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "jsonv.h"

static int jv_fail(jsonv_error *e, const char *field, const char *fmt, ...)
		__attribute__((format(printf, 3, 4)));

static int jv_fail(jsonv_error *e, const char *field, const char *fmt, ...)
{
	va_list ap;

	snprintf(e->field, sizeof(e->field), "%s", field);
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static const char *jv_type_name(jsonv_type t)
{
	switch (t) {
	case JSONV_STRING:
		return "a string";
	case JSONV_INT:
		return "an integer";
	case JSONV_BOOL:
		return "a boolean";
	case JSONV_OBJECT:
		return "an object";
	}
	return "?";
}

static int jv_check_string(const jsonv_field *f, struct json_object *v,
						   jsonv_error *e)
{
	const char *s = json_object_get_string(v);
	size_t len = (size_t)json_object_get_string_len(v), i;

	if (len < f->min_len)
		return jv_fail(e, f->name, "shorter than %zu bytes", f->min_len);
	if (f->max_len && len > f->max_len)
		return jv_fail(e, f->name, "longer than %zu bytes", f->max_len);
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (f->charset ? !strchr(f->charset, ch) || !ch
					   : (ch < 0x20 || ch == 0x7f))
			return jv_fail(e, f->name, "character %zu (0x%02x) not allowed", i,
						   ch);
	}
	return 0;
}

static int jv_check(const jsonv_field *f, struct json_object *v, jsonv_error *e)
{
	int64_t n;

	switch (f->type) {
	case JSONV_STRING:
		if (!json_object_is_type(v, json_type_string))
			break;
		return jv_check_string(f, v, e);
	case JSONV_INT:
		if (!json_object_is_type(v, json_type_int))
			break;
		n = json_object_get_int64(v);
		/* json-c saturates out-of-range integers at INT64_MIN/MAX */
		if (n < f->min || n > f->max)
			return jv_fail(e, f->name, "must be an integer in %lld..%lld",
						   (long long)f->min, (long long)f->max);
		return 0;
	case JSONV_BOOL:
		if (!json_object_is_type(v, json_type_boolean))
			break;
		return 0;
	case JSONV_OBJECT:
		if (!json_object_is_type(v, json_type_object))
			break;
		return 0;
	}
	return jv_fail(e, f->name, "must be %s", jv_type_name(f->type));
}

/* 1 when the string token ending at body[i] ('"') is followed by ':' */
static int jv_is_name(const char *body, size_t len, size_t i)
{
	for (i++; i < len && strchr(" \t\r\n", body[i]); i++)
		;
	return i < len && body[i] == ':';
}

/*
 * Member names in the JSON text body[0..len): those of the top-level
 * object (nested 0), or those of the objects inside it (nested 1).
 */
static size_t jv_names(const char *body, size_t len, int nested)
{
	size_t i, names = 0;
	int depth = 0, in_str = 0;

	for (i = 0; i < len; i++) {
		if (in_str) {
			if (body[i] == '\\')
				i++;
			else if (body[i] == '"')
				in_str = 0;
		} else if (body[i] == '"') {
			in_str = 1;
		} else if (body[i] == '{' || body[i] == '[') {
			depth++;
		} else if (body[i] == '}' || body[i] == ']') {
			depth--;
		} else if (body[i] == ':' && (nested ? depth > 1 : depth == 1)) {
			names++;
		}
	}
	return names;
}

/*
 * json-c keeps the last of repeated member names silently: find the first
 * repeated name of the top-level object in body[0..len) (valid JSON, parsed
 * into o). Returns 0, or -1 with e naming the field.
 */
static int jv_no_duplicates(const char *body, size_t len, struct json_object *o,
							jsonv_error *e)
{
	struct json_object *seen, *k;
	size_t i, start = 0;
	int depth = 0, in_str = 0, ret = 0;
	char *q;

	/* fast path: as many names in the text as members in the object */
	if (jv_names(body, len, 0) == (size_t)json_object_object_length(o))
		return 0;
	seen = json_object_new_object();
	for (i = 0, depth = 0; i < len && !ret; i++) {
		if (in_str) {
			if (body[i] == '\\') {
				i++;
			} else if (body[i] == '"') {
				in_str = 0;
				if (depth != 1 || !jv_is_name(body, len, i))
					continue;
				/* decode the name with json-c (escapes) */
				q = strndup(body + start, i + 1 - start);
				k = q ? json_tokener_parse(q) : NULL;
				free(q);
				if (k && json_object_object_get_ex(
								 seen, json_object_get_string(k), NULL))
					ret = jv_fail(e, json_object_get_string(k),
								  "member given more than once");
				else if (k)
					json_object_object_add(seen, json_object_get_string(k),
										   NULL);
				json_object_put(k);
			}
		} else if (body[i] == '"') {
			in_str = 1;
			start = i;
		} else if (body[i] == '{' || body[i] == '[') {
			depth++;
		} else if (body[i] == '}' || body[i] == ']') {
			depth--;
		}
	}
	json_object_put(seen);
	if (!ret) /* not found by name (should not happen): still refuse */
		ret = jv_fail(e, "", "a member name is given more than once");
	return ret;
}

/* members of o when it is an object, else 0 */
static size_t jv_own(struct json_object *o)
{
	return json_object_is_type(o, json_type_object)
				   ? (size_t)json_object_object_length(o)
				   : 0;
}

/* members of the objects nested in o at any depth (o's own not counted) */
static size_t jv_nested_members(struct json_object *o)
{
	struct json_object *x;
	size_t n = 0, i;

	if (json_object_is_type(o, json_type_array)) {
		for (i = 0; i < json_object_array_length(o); i++) {
			x = json_object_array_get_idx(o, i);
			n += jv_own(x) + jv_nested_members(x);
		}
	} else if (json_object_is_type(o, json_type_object)) {
		json_object_object_foreach(o, k, v)
		{
			(void)k;
			n += jv_own(v) + jv_nested_members(v);
		}
	}
	return n;
}

/*
 * After the fields passed (so only JSONV_OBJECT members nest): a name repeated
 * in a nested object, which json-c would keep silently, is refused too.
 * Returns 0, or -1 with e naming the object member when there is one.
 */
static int jv_no_nested_duplicates(const char *body, size_t len,
								   struct json_object *o, jsonv_error *e)
{
	const char *field = "";
	size_t objects = 0;

	if (jv_names(body, len, 1) == jv_nested_members(o))
		return 0;
	json_object_object_foreach(o, key, val)
	{
		if (json_object_is_type(val, json_type_object)) {
			field = key;
			objects++;
		}
	}
	return jv_fail(e, objects == 1 ? field : "",
				   "a member name is given more than once");
}

int jsonv_parse(const char *body, size_t len, const jsonv_field *fields,
				size_t n, struct json_object **out, jsonv_error *e)
{
	struct json_tokener *tok;
	struct json_object *o;
	enum json_tokener_error jerr;
	size_t end, i;

	*out = NULL;
	memset(e, 0, sizeof(*e));
	if (len == 0)
		return jv_fail(e, "", "empty body: a JSON object is required");
	if (memchr(body, '\0', len))
		return jv_fail(e, "", "NUL byte in body");
	tok = json_tokener_new_ex(JSONV_MAX_DEPTH);
	if (!tok)
		return jv_fail(e, "", "out of memory");
	json_tokener_set_flags(tok,
						   JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, body, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!o || jerr != json_tokener_success) {
		json_object_put(o);
		if (jerr == json_tokener_continue)
			return jv_fail(e, "", "invalid JSON: truncated");
		return jv_fail(e, "", "invalid JSON at byte %zu: %s", end,
					   json_tokener_error_desc(jerr));
	}
	for (; end < len; end++)
		if (!strchr(" \t\r\n", body[end])) {
			json_object_put(o);
			return jv_fail(e, "",
						   "invalid JSON: data after the object at "
						   "byte %zu",
						   end);
		}
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return jv_fail(e, "", "the body must be a JSON object");
	}
	if (jv_no_duplicates(body, len, o, e) < 0)
		goto err;
	json_object_object_foreach(o, key, val)
	{
		for (i = 0; i < n; i++)
			if (!strcmp(fields[i].name, key))
				break;
		if (i == n) {
			jv_fail(e, key, "unknown field");
			goto err;
		}
		if (jv_check(&fields[i], val, e) < 0)
			goto err;
	}
	for (i = 0; i < n; i++)
		if (fields[i].required &&
			!json_object_object_get_ex(o, fields[i].name, NULL)) {
			jv_fail(e, fields[i].name, "required field missing");
			goto err;
		}
	if (jv_no_nested_duplicates(body, len, o, e) < 0)
		goto err;
	*out = o;
	return 0;
err:
	json_object_put(o);
	return -1;
}

const char *jsonv_str(struct json_object *o, const char *name)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, name, &v) ||
		!json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

int64_t jsonv_int(struct json_object *o, const char *name, int64_t def)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, name, &v) ||
		!json_object_is_type(v, json_type_int))
		return def;
	return json_object_get_int64(v);
}

int jsonv_bool(struct json_object *o, const char *name, int def)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, name, &v) ||
		!json_object_is_type(v, json_type_boolean))
		return def;
	return json_object_get_boolean(v);
}
