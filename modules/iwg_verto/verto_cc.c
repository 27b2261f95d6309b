/*
 * verto_cc.c - contact-center events of iwg_verto calls: queue headers of
 * provisional replies, INFO bodies from the contact center, the browser's
 * messages for it. Contracts in verto_cc.h.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "verto_cc.h"
#include "verto_jsonrpc.h"

int verto_cc_text_ok(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + len;
	uint32_t cp;
	int n, i;

	if (!s)
		return 0;
	while (p < end) {
		if (*p < 0x80) {
			if (*p < 0x20 || *p == 0x7f)
				return 0;
			p++;
			continue;
		}
		if (*p >= 0xc2 && *p <= 0xdf)
			n = 1;
		else if (*p >= 0xe0 && *p <= 0xef)
			n = 2;
		else if (*p >= 0xf0 && *p <= 0xf4)
			n = 3;
		else
			return 0; /* a continuation byte, 0xc0/0xc1, or above 0xf4 */
		if (end - p <= n)
			return 0;
		cp = *p & (0x3f >> n);
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		/* shortest form, no surrogates, at most U+10FFFF; the C1
		 * controls count as control characters too */
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
			(cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff || cp < 0xa0)
			return 0;
		p += n + 1;
	}
	return 1;
}

int verto_cc_token_ok(const char *s, size_t len, size_t max)
{
	size_t i;

	if (!s || !len || len > max)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
			  (c >= 'A' && c <= 'Z') || (c && strchr("-.!%*_+`'~", c))))
			return 0;
	}
	return 1;
}

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* t without white space (SP, HTAB, CR, LF) at either end */
static verto_cc_text trim(verto_cc_text t)
{
	if (!t.s)
		return t;
	while (t.len && is_ws(t.s[0])) {
		t.s++;
		t.len--;
	}
	while (t.len && is_ws(t.s[t.len - 1]))
		t.len--;
	return t;
}

/* a decimal integer 0..2147483647 (white space around it); -1 when not */
static long count_of(verto_cc_text t)
{
	long v = 0;
	size_t i;

	t = trim(t);
	if (!t.s || !t.len || t.len > 10)
		return -1;
	for (i = 0; i < t.len; i++) {
		if (t.s[i] < '0' || t.s[i] > '9')
			return -1;
		v = v * 10 + (t.s[i] - '0');
	}
	return v <= 2147483647L ? v : -1;
}

static int add_str(json_object *o, const char *k, const char *s, size_t n)
{
	json_object *v = json_object_new_string_len(s, (int)n);

	if (!v || json_object_object_add(o, k, v)) {
		json_object_put(v);
		return -1;
	}
	return 0;
}

static int add_int(json_object *o, const char *k, long n)
{
	json_object *v = json_object_new_int64(n);

	if (!v || json_object_object_add(o, k, v)) {
		json_object_put(v);
		return -1;
	}
	return 0;
}

/* {"iwg":kind}, or NULL */
static json_object *new_msg(const char *kind)
{
	json_object *o = json_object_new_object();

	if (o && add_str(o, "iwg", kind, strlen(kind))) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static const char *usual_reason(int code)
{
	switch (code) {
	case 180:
		return "Ringing";
	case 181:
		return "Call Is Being Forwarded";
	case 182:
		return "Queued";
	case 183:
		return "Session Progress";
	default:
		return "";
	}
}

json_object *verto_cc_queue_msg(const verto_cc_prov *p, unsigned *bad)
{
	verto_cc_text reason = trim(p->reason), menu = trim(p->menu);
	long pos = -1, wait = -1;
	int has_menu = 0, fail = 0;
	unsigned b = 0;
	json_object *o;

	if (bad)
		*bad = 0;
	if (p->code < 180 || p->code > 199)
		return NULL;
	if (p->position.s && (pos = count_of(p->position)) < 0)
		b |= VERTO_CC_BAD_POSITION;
	if (p->wait.s && (wait = count_of(p->wait)) < 0)
		b |= VERTO_CC_BAD_WAIT;
	if (menu.s) {
		has_menu = verto_cc_token_ok(menu.s, menu.len, VERTO_CC_MENU_MAX);
		if (!has_menu)
			b |= VERTO_CC_BAD_MENU;
	}
	if (reason.s && reason.len && !verto_cc_text_ok(reason.s, reason.len))
		b |= VERTO_CC_BAD_REASON;
	if (bad)
		*bad = b;
	if (p->code != 182 && pos < 0 && wait < 0 && !has_menu)
		return NULL;
	if (!(o = new_msg("queue")))
		return NULL;
	if (!reason.s || !reason.len || (b & VERTO_CC_BAD_REASON)) {
		reason.s = usual_reason(p->code);
		reason.len = strlen(reason.s);
	}
	fail |= add_int(o, "code", p->code);
	fail |= add_str(o, "reason", reason.s, reason.len);
	if (pos >= 0)
		fail |= add_int(o, "position", pos);
	if (wait >= 0)
		fail |= add_int(o, "wait", wait);
	if (has_menu)
		fail |= add_str(o, "menu", menu.s, menu.len);
	if (fail) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

verto_cc_kind verto_cc_content_kind(verto_cc_text ctype)
{
	static const struct {
		const char *name;
		verto_cc_kind kind;
	} known[] = {
			{VERTO_CC_CTYPE_JSON, VERTO_CC_JSON},
			{VERTO_CC_CTYPE_RELAY, VERTO_CC_DTMF_RELAY},
			{VERTO_CC_CTYPE_DTMF, VERTO_CC_DTMF},
	};
	const char *semi;
	size_t i;

	ctype = trim(ctype);
	if (!ctype.s || !ctype.len)
		return VERTO_CC_NONE;
	/* the media type ends at its parameters */
	if ((semi = memchr(ctype.s, ';', ctype.len))) {
		ctype.len = (size_t)(semi - ctype.s);
		ctype = trim(ctype);
	}
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (ctype.len == strlen(known[i].name) &&
			strncasecmp(ctype.s, known[i].name, ctype.len) == 0)
			return known[i].kind;
	return VERTO_CC_OTHER;
}

/* a signal (one character, or an RFC 4733 event code 10-15); 0 when not */
static char signal_of(verto_cc_text t)
{
	static const char codes[] = "*#ABCD";

	t = trim(t);
	if (!t.s)
		return 0;
	if (t.len == 1) {
		char c = t.s[0];
		if (c >= 'a' && c <= 'd')
			c = (char)(c - 'a' + 'A');
		return (c && strchr("0123456789*#ABCD", c)) ? c : 0;
	}
	if (t.len == 2 && t.s[0] == '1' && t.s[1] >= '0' && t.s[1] <= '5')
		return codes[t.s[1] - '0'];
	return 0;
}

int verto_cc_dtmf_parse(const char *body, size_t len, int relay, int default_ms,
						char *digit, int *duration)
{
	const char *p = body, *end, *nl, *eq;
	verto_cc_text key, val;
	long ms;

	*digit = 0;
	*duration = default_ms;
	if (!body || len > VERTO_CC_DTMF_BODY_MAX)
		return -1;
	end = body + len;
	if (!relay) {
		val.s = body;
		val.len = len;
		*digit = signal_of(val);
		return *digit ? 0 : -1;
	}
	for (; p < end; p = nl ? nl + 1 : end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		eq = memchr(p, '=', (size_t)((nl ? nl : end) - p));
		if (!eq)
			continue;
		key.s = p;
		key.len = (size_t)(eq - p);
		key = trim(key);
		val.s = eq + 1;
		val.len = (size_t)((nl ? nl : end) - val.s);
		if (key.len == 6 && strncasecmp(key.s, "Signal", 6) == 0) {
			if (!*digit && !(*digit = signal_of(val)))
				return -1;
		} else if (key.len == 8 && strncasecmp(key.s, "Duration", 8) == 0) {
			ms = count_of(val);
			if (ms >= 1 && ms <= 60000)
				*duration = (int)ms;
		}
	}
	return *digit ? 0 : -1;
}

int verto_cc_json_body(const char *text, size_t len, json_object **obj,
					   const char **event, const char **why)
{
	json_object *o = NULL, *ev;

	*obj = NULL;
	*event = NULL;
	if (!text || !len) {
		*why = "empty body";
		return -1;
	}
	if (len > VERTO_CC_BODY_MAX) {
		*why = "body larger than 4096 bytes";
		return -1;
	}
	if (verto_jsonrpc_parse_value(text, len, VERTO_CC_BODY_MAX,
								  VERTO_CC_DEPTH_MAX, &o, NULL, 0)) {
		*why = "body is not JSON (UTF-8, nesting at most 8)";
		return -1;
	}
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		*why = "body is not a JSON object";
		return -1;
	}
	if (!json_object_object_get_ex(o, "event", &ev) ||
		!json_object_is_type(ev, json_type_string) ||
		!json_object_get_string_len(ev)) {
		json_object_put(o);
		*why = "body has no string member \"event\"";
		return -1;
	}
	*obj = o;
	*event = json_object_get_string(ev);
	return 0;
}

/* {"iwg":"cc", ...the members of obj but its own "iwg"}, or NULL */
static json_object *cc_msg(json_object *obj)
{
	json_object *m = new_msg("cc");

	if (!m)
		return NULL;
	json_object_object_foreach(obj, k, v)
	{
		if (strcmp(k, "iwg") == 0)
			continue;
		if (json_object_object_add(m, k, json_object_get(v))) {
			json_object_put(v);
			json_object_put(m);
			return NULL;
		}
	}
	return m;
}

static json_object *dtmf_msg(char digit, int duration)
{
	json_object *m = new_msg("dtmf");

	if (m &&
		(add_str(m, "digits", &digit, 1) || add_int(m, "duration", duration))) {
		json_object_put(m);
		return NULL;
	}
	return m;
}

int verto_cc_info(verto_cc_text ctype, verto_cc_text body, int default_ms,
				  verto_cc_info_out *out)
{
	json_object *obj;
	const char *event;

	memset(out, 0, sizeof(*out));
	out->kind = verto_cc_content_kind(ctype);
	out->code = 200;
	if (!body.s)
		body.len = 0;
	switch (out->kind) {
	case VERTO_CC_JSON:
		if (verto_cc_json_body(body.s, body.len, &obj, &event, &out->why)) {
			out->code = 400;
			break;
		}
		out->msg = cc_msg(obj);
		json_object_put(obj);
		break;
	case VERTO_CC_DTMF_RELAY:
	case VERTO_CC_DTMF:
		if (verto_cc_dtmf_parse(body.s, body.len,
								out->kind == VERTO_CC_DTMF_RELAY, default_ms,
								&out->digit, &out->duration)) {
			out->code = 400;
			out->why = "no valid DTMF signal";
			break;
		}
		out->msg = dtmf_msg(out->digit, out->duration);
		break;
	default:
		if (body.len) {
			out->code = 415;
			out->why = out->kind == VERTO_CC_NONE ? "body without Content-Type"
												  : "unsupported Content-Type";
		}
		break;
	}
	return 0;
}

int verto_cc_client_msg(json_object *msg, char **body, char **event,
						const char **why)
{
	json_object *to, *b, *obj = NULL;
	const char *text, *ev;
	char *dumped = NULL;
	size_t n = 0;
	int rc = -1;

	*body = *event = NULL;
	if (!msg || !json_object_is_type(msg, json_type_object) ||
		!json_object_object_get_ex(msg, "to", &to) ||
		!json_object_is_type(to, json_type_string) ||
		strcmp(json_object_get_string(to), VERTO_CC_TO) != 0)
		return 1;
	*why = "msg.body must be a JSON object with a string \"event\"";
	if (!json_object_object_get_ex(msg, "body", &b))
		return -1;
	if (json_object_is_type(b, json_type_object)) {
		/* the object itself rather than its text: as if it were */
		if (!(dumped = verto_jsonrpc_dump(b, &n))) {
			*why = "out of memory";
			return -1;
		}
		text = dumped;
	} else if (json_object_is_type(b, json_type_string)) {
		text = json_object_get_string(b);
		n = (size_t)json_object_get_string_len(b);
	} else {
		return -1;
	}
	if (verto_cc_json_body(text, n, &obj, &ev, why))
		goto out;
	*why = "out of memory";
	free(dumped);
	if (!(dumped = verto_jsonrpc_dump(obj, &n)) || !(*event = strdup(ev)))
		goto out;
	if (n > VERTO_CC_BODY_MAX) {
		*why = "msg.body larger than 4096 bytes";
		goto out;
	}
	*body = dumped;
	dumped = NULL;
	*why = NULL;
	rc = 0;
out:
	if (rc) {
		free(*event);
		*event = NULL;
	}
	free(dumped);
	json_object_put(obj);
	return rc;
}

json_object *verto_cc_agent_msg(const char *name, const char *number)
{
	json_object *m;

	if (!number || !*number || !verto_cc_text_ok(number, strlen(number)))
		return NULL;
	if (!name || !*name || !verto_cc_text_ok(name, strlen(name)))
		name = number;
	m = new_msg("agent");
	if (m && (add_str(m, "name", name, strlen(name)) ||
			  add_str(m, "number", number, strlen(number)))) {
		json_object_put(m);
		return NULL;
	}
	return m;
}

json_object *verto_cc_result_msg(const char *event, int code)
{
	json_object *m = new_msg("cc-result");

	if (m &&
		(add_str(m, "event", event ? event : "", event ? strlen(event) : 0) ||
		 add_int(m, "code", code))) {
		json_object_put(m);
		return NULL;
	}
	return m;
}
