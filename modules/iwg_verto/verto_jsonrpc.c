/*
 * verto_jsonrpc.c - JSON-RPC 2.0 envelope of the Verto protocol.
 * Contracts in verto_jsonrpc.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "verto_jsonrpc.h"

#define DUMP_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

static int fail(int code, char *errstr, size_t errsz, const char *why)
{
	if (errstr && errsz)
		snprintf(errstr, errsz, "%s", why);
	return code;
}

static int id_ok(json_object *id)
{
	switch (json_object_get_type(id)) {
	case json_type_null:
	case json_type_string:
	case json_type_int:
	case json_type_double:
		return 1;
	default:
		return 0;
	}
}

void verto_jsonrpc_msg_clear(verto_jsonrpc_msg *m)
{
	if (!m)
		return;
	/* id is a separate reference only when root is gone (error path) */
	if (!m->root && m->id)
		json_object_put(m->id);
	json_object_put(m->root);
	memset(m, 0, sizeof(*m));
}

/* parse the text into *out; 0 or an error code */
static int parse_json(const char *buf, size_t len,
					  const verto_jsonrpc_limits *lim, json_object **out,
					  char *errstr, size_t errsz)
{
	size_t max_len =
			lim && lim->max_len ? lim->max_len : VERTO_JSONRPC_DEFAULT_MAX_LEN;
	unsigned depth = lim && lim->max_depth ? lim->max_depth
										   : VERTO_JSONRPC_DEFAULT_MAX_DEPTH;
	json_tokener *tok;
	json_object *root;
	size_t end;

	*out = NULL;
	if (len > max_len)
		return fail(VERTO_ERR_INVALID, errstr, errsz, "frame too large");
	if (len == 0 || memchr(buf, '\0', len))
		return fail(VERTO_ERR_PARSE, errstr, errsz, "empty frame or NUL byte");
	tok = json_tokener_new_ex((int)depth);
	if (!tok)
		return fail(VERTO_ERR_CALL, errstr, errsz, "out of memory");
	json_tokener_set_flags(tok,
						   JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, buf, (int)len);
	if (!root) {
		enum json_tokener_error e = json_tokener_get_error(tok);
		json_tokener_free(tok);
		if (e == json_tokener_error_depth)
			return fail(VERTO_ERR_INVALID, errstr, errsz, "nesting too deep");
		return fail(VERTO_ERR_PARSE, errstr, errsz,
					e == json_tokener_continue ? "truncated JSON"
											   : json_tokener_error_desc(e));
	}
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	for (; end < len; end++) {
		if (!strchr(" \t\r\n", buf[end])) {
			json_object_put(root);
			return fail(VERTO_ERR_PARSE, errstr, errsz,
						"trailing bytes after the JSON value");
		}
	}
	*out = root;
	return 0;
}

int verto_jsonrpc_parse_value(const char *buf, size_t len, size_t max_len,
							  unsigned max_depth, json_object **out,
							  char *errstr, size_t errsz)
{
	verto_jsonrpc_limits lim = {.max_len = max_len, .max_depth = max_depth};

	if (errstr && errsz)
		errstr[0] = '\0';
	return parse_json(buf, len, &lim, out, errstr, errsz);
}

/* keep a reference to the id for the error reply, drop the rest */
static int fail_keep_id(verto_jsonrpc_msg *m, json_object *root, int code,
						char *errstr, size_t errsz, const char *why)
{
	json_object *id;

	if (json_object_object_get_ex(root, "id", &id) && id_ok(id))
		m->id = json_object_get(id);
	json_object_put(root);
	m->root = NULL;
	return fail(code, errstr, errsz, why);
}

int verto_jsonrpc_parse(const char *buf, size_t len,
						const verto_jsonrpc_limits *lim, verto_jsonrpc_msg *m,
						char *errstr, size_t errsz)
{
	json_object *root, *v, *id = NULL;
	int rc;

	memset(m, 0, sizeof(*m));
	if (errstr && errsz)
		errstr[0] = '\0';
	rc = parse_json(buf, len, lim, &root, errstr, errsz);
	if (rc)
		return rc;
	if (!json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		return fail(VERTO_ERR_INVALID, errstr, errsz, "not a JSON object");
	}
	if (json_object_object_get_ex(root, "jsonrpc", &v) &&
		(!json_object_is_type(v, json_type_string) ||
		 strcmp(json_object_get_string(v), "2.0") != 0))
		return fail_keep_id(m, root, VERTO_ERR_INVALID, errstr, errsz,
							"jsonrpc is not \"2.0\"");
	if (json_object_object_get_ex(root, "id", &id) && !id_ok(id)) {
		json_object_put(root);
		return fail(VERTO_ERR_INVALID, errstr, errsz,
					"id is not a string or number");
	}

	if (json_object_object_get_ex(root, "method", &v)) {
		const char *s;
		if (!json_object_is_type(v, json_type_string))
			return fail_keep_id(m, root, VERTO_ERR_INVALID, errstr, errsz,
								"method is not a string");
		s = json_object_get_string(v);
		if (!*s || json_object_get_string_len(v) > VERTO_JSONRPC_MAX_METHOD)
			return fail_keep_id(m, root, VERTO_ERR_INVALID, errstr, errsz,
								"method empty or too long");
		m->kind = VERTO_JSONRPC_REQUEST;
		m->method = s;
		if (json_object_object_get_ex(root, "params", &v)) {
			if (!json_object_is_type(v, json_type_object))
				return fail_keep_id(m, root, VERTO_ERR_PARAMS, errstr, errsz,
									"params is not an object");
		} else {
			v = json_object_new_object();
			if (!v || json_object_object_add(root, "params", v)) {
				json_object_put(v);
				return fail_keep_id(m, root, VERTO_ERR_CALL, errstr, errsz,
									"out of memory");
			}
		}
		m->params = v;
	} else if (json_object_object_get_ex(root, "result", &v)) {
		m->kind = VERTO_JSONRPC_RESULT;
		m->result = v;
	} else if (json_object_object_get_ex(root, "error", &v)) {
		json_object *c = NULL, *msg = NULL;
		if (!json_object_is_type(v, json_type_object) ||
			!json_object_object_get_ex(v, "code", &c) ||
			!json_object_is_type(c, json_type_int))
			return fail_keep_id(m, root, VERTO_ERR_INVALID, errstr, errsz,
								"error without an integer code");
		m->kind = VERTO_JSONRPC_ERROR;
		m->err_code = json_object_get_int(c);
		m->err_message = "";
		if (json_object_object_get_ex(v, "message", &msg) &&
			json_object_is_type(msg, json_type_string))
			m->err_message = json_object_get_string(msg);
	} else {
		return fail_keep_id(m, root, VERTO_ERR_INVALID, errstr, errsz,
							"neither method, result nor error");
	}
	m->root = root;
	m->id = id;
	return 0;
}

char *verto_jsonrpc_dump(json_object *obj, size_t *len)
{
	size_t n = 0;
	const char *s = json_object_to_json_string_length(obj, DUMP_FLAGS, &n);
	char *out;

	if (!s)
		return NULL;
	out = malloc(n + 1);
	if (!out)
		return NULL;
	memcpy(out, s, n + 1);
	if (len)
		*len = n;
	return out;
}

/* {"jsonrpc":"2.0","id":id}, or NULL */
static json_object *envelope(json_object *id)
{
	json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	if (json_object_object_add(o, "jsonrpc", json_object_new_string("2.0")) ||
		json_object_object_add(o, "id", json_object_get(id))) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* add val (consumed) under key, dump, free; NULL on failure */
static char *finish(json_object *o, const char *key, json_object *val,
					size_t *len)
{
	char *s = NULL;

	if (!o || !val) {
		json_object_put(o);
		json_object_put(val);
		return NULL;
	}
	if (json_object_object_add(o, key, val) == 0)
		s = verto_jsonrpc_dump(o, len);
	else
		json_object_put(val);
	json_object_put(o);
	return s;
}

char *verto_jsonrpc_result(json_object *id, json_object *result, size_t *len)
{
	if (!result)
		result = json_object_new_object();
	return finish(envelope(id), "result", result, len);
}

char *verto_jsonrpc_error(json_object *id, int code, const char *message,
						  json_object *extra, size_t *len)
{
	json_object *e = json_object_new_object();

	if (e) {
		if (json_object_object_add(e, "code", json_object_new_int(code)) ||
			json_object_object_add(
					e, "message",
					json_object_new_string(
							message ? message
									: verto_jsonrpc_code_message(code)))) {
			json_object_put(e);
			e = NULL;
		}
	}
	if (e && extra && json_object_is_type(extra, json_type_object)) {
		json_object_object_foreach(extra, k, v)
		{
			if (json_object_object_add(e, k, json_object_get(v))) {
				json_object_put(e);
				e = NULL;
				break;
			}
		}
	}
	json_object_put(extra);
	return finish(envelope(id), "error", e, len);
}

char *verto_jsonrpc_request(long id, const char *method, json_object *params,
							size_t *len)
{
	json_object *o = json_object_new_object();

	if (!params)
		params = json_object_new_object();
	if (!o ||
		json_object_object_add(o, "jsonrpc", json_object_new_string("2.0")) ||
		json_object_object_add(o, "id", json_object_new_int64(id)) ||
		json_object_object_add(o, "method", json_object_new_string(method))) {
		json_object_put(o);
		json_object_put(params);
		return NULL;
	}
	return finish(o, "params", params, len);
}

const char *verto_jsonrpc_code_message(int code)
{
	switch (code) {
	case VERTO_ERR_AUTH_REQUIRED:
		return "Authentication Required";
	case VERTO_ERR_AUTH_FAILED:
		return "Authentication Failure";
	case VERTO_ERR_CALL:
		return "CALL ERROR";
	case VERTO_ERR_PARSE:
		return "Parse error";
	case VERTO_ERR_INVALID:
		return "Invalid Request";
	case VERTO_ERR_METHOD:
		return "Method not found";
	case VERTO_ERR_PARAMS:
		return "Invalid params";
	default:
		return "Error";
	}
}
