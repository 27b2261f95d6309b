/*
 * fuzz_verto_cc.c - libFuzzer target for iwg_verto's contact-center
 * events (modules/iwg_verto/verto_cc.c). The first byte picks the parser,
 * the rest is split at NUL bytes into its inputs:
 *   0 a provisional reply: code byte, then reason, position, wait, menu
 *   1 an INFO: Content-Type, body (verto_cc_info)
 *   2 a dtmf-relay body, 3 a dtmf body (verto_cc_dtmf_parse)
 *   4 a browser's msg (JSON text parsed by json-c, verto_cc_client_msg)
 *   5 a connected line: name, number (verto_cc_agent_msg)
 * Checks: no crash or leak; every msg is an object whose "iwg" is the
 * right kind and serialises as strict JSON in valid UTF-8 without raw
 * control characters (what a browser's WebSocket accepts); queue events
 * hold their members with the right types and only for a 182 or a usable
 * value; reply codes are 200, 400 or 415
 * and only a 200 has a msg; a signal is one of 0-9 * # A-D; a browser's
 * body is a JSON object text of at most 4096 bytes with the event given.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../../modules/iwg_verto/verto_cc.h"
#include "../../modules/iwg_verto/verto_jsonrpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* the msg serialises as text a browser accepts, with "iwg" = kind */
static void check_msg(json_object *m, const char *kind)
{
	const char *s;
	size_t n = 0, i;
	json_object *v, *back = NULL;

	if (!m)
		return;
	if (!json_object_is_type(m, json_type_object) ||
		!json_object_object_get_ex(m, "iwg", &v) ||
		!json_object_is_type(v, json_type_string) ||
		strcmp(json_object_get_string(v), kind) != 0)
		abort();
	s = json_object_to_json_string_length(m, JSON_C_TO_STRING_PLAIN, &n);
	if (!s)
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20)
			abort(); /* a raw control character */
	/* strict JSON in valid UTF-8 again */
	if (verto_jsonrpc_parse_value(s, n, 1 << 20, 64, &back, NULL, 0))
		abort();
	json_object_put(back);
	json_object_put(m);
}

static void check_digit(char d)
{
	if (!d || !strchr("0123456789*#ABCD", d))
		abort();
}

/* a string member of m, NULL when absent; abort when not a string */
static const char *str_of(json_object *m, const char *k)
{
	json_object *v;

	if (!json_object_object_get_ex(m, k, &v))
		return NULL;
	if (!json_object_is_type(v, json_type_string))
		abort();
	return json_object_get_string(v);
}

static void check_queue(json_object *m, int code)
{
	json_object *v;

	if (!m)
		return;
	if (code < 180 || code > 199 || !str_of(m, "reason") ||
		!json_object_object_get_ex(m, "code", &v) ||
		json_object_get_int(v) != code)
		abort();
	if (json_object_object_get_ex(m, "position", &v) &&
		(!json_object_is_type(v, json_type_int) ||
		 json_object_get_int64(v) < 0))
		abort();
	if (json_object_object_get_ex(m, "wait", &v) &&
		(!json_object_is_type(v, json_type_int) ||
		 json_object_get_int64(v) < 0))
		abort();
	if (str_of(m, "menu") &&
		!verto_cc_token_ok(str_of(m, "menu"), strlen(str_of(m, "menu")),
						   VERTO_CC_MENU_MAX))
		abort();
	if (code != 182 && !json_object_object_get_ex(m, "position", NULL) &&
		!json_object_object_get_ex(m, "wait", NULL) && !str_of(m, "menu"))
		abort(); /* a plain 18x is no queue event */
	check_msg(m, "queue");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	verto_cc_text f[5] = {{0}};
	verto_cc_info_out r;
	verto_cc_prov p;
	json_object *o;
	char *buf, *body, *event, d;
	const char *why;
	size_t i, k = 0, start = 1;
	int op, ms, rc;

	if (size < 1 || !(buf = malloc(size + 1)))
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	op = data[0] % 6;
	/* the inputs: pieces between NULs (the last one to the end) */
	for (i = 1; i <= size && k < 5; i++) {
		if (i == size || (!buf[i] && k < 4)) {
			f[k].s = buf + start;
			f[k].len = i - start;
			k++;
			start = i + 1;
		}
	}
	switch (op) {
	case 0:
		memset(&p, 0, sizeof(p));
		p.code = 170 + (f[0].len ? (unsigned char)f[0].s[0] % 40 : 12);
		p.reason = f[1];
		p.position = f[2];
		p.wait = f[3];
		p.menu = f[4];
		check_queue(verto_cc_queue_msg(&p, NULL), p.code);
		break;
	case 1:
		verto_cc_info(f[0], f[1], 100, &r);
		if (r.code != 200 && r.code != 400 && r.code != 415)
			abort();
		if (r.code != 200 && (r.msg || !r.why))
			abort();
		if (r.msg && (r.kind == VERTO_CC_DTMF_RELAY || r.kind == VERTO_CC_DTMF))
			check_digit(r.digit);
		if (r.msg && r.kind == VERTO_CC_JSON && !str_of(r.msg, "event"))
			abort();
		check_msg(r.msg, r.kind == VERTO_CC_JSON ? "cc" : "dtmf");
		break;
	case 2:
	case 3:
		/* the whole rest, NUL bytes included */
		if (verto_cc_dtmf_parse(buf + 1, size - 1, op == 2, 100, &d, &ms) ==
			0) {
			check_digit(d);
			if (ms < 1 || ms > 60000)
				abort();
		} else if (d) {
			abort();
		}
		break;
	case 4:
		o = json_tokener_parse(buf + 1);
		rc = verto_cc_client_msg(o, &body, &event, &why);
		if (rc == 0) {
			json_object *b = NULL;
			const char *ev = NULL;
			if (!body || !event || strlen(body) > VERTO_CC_BODY_MAX ||
				verto_cc_json_body(body, strlen(body), &b, &ev, &why) ||
				strcmp(ev, event) != 0)
				abort();
			json_object_put(b);
		} else if (body || event || (rc < 0 && !why)) {
			abort();
		}
		free(body);
		free(event);
		json_object_put(o);
		break;
	default:
		o = verto_cc_agent_msg(f[0].s ? buf + 1 : NULL, f[1].s ? f[1].s : NULL);
		if (o && (!str_of(o, "name") || !str_of(o, "number") ||
				  !*str_of(o, "number")))
			abort();
		check_msg(o, "agent");
		break;
	}
	free(buf);
	return 0;
}
