/*
 * fuzz_admind_peers.c - iwg-admind's readers of Kamailio's answers about
 * the contact center (peers.c) on arbitrary JSON, seeded with answers
 * captured from a real Kamailio: the input (its "result" member when it is
 * a JSON-RPC answer) goes through every reader, the view they make is
 * rendered as Prometheus text, and the same bytes are tried as the body of
 * POST /api/v1/routing/test. No crash, no leak; every state is one of the
 * documented names, failures are never negative, every rendered line is a
 * HELP, a TYPE or an iwg_ sample, and an accepted context is "k=v" pairs
 * without control characters.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../../admin/src/peers.h"

static const char *const states[] = {"up",		 "trying",	"probing", "down",
									 "disabled", "unknown", NULL};
static const char *const trunk_states[] = {
		"registered", "registering", "failed", "disabled", "pending", NULL};

static void check_names(struct json_object *a, const char *k,
						const char *const *names)
{
	struct json_object *v;
	size_t i, n;

	for (i = 0; i < json_object_array_length(a); i++) {
		if (!json_object_object_get_ex(json_object_array_get_idx(a, i), k, &v))
			abort();
		for (n = 0; names[n] && strcmp(names[n], json_object_get_string(v));
			 n++)
			;
		if (!names[n])
			abort();
	}
}

static void check_failures(struct json_object *peers)
{
	struct json_object *v;
	size_t i;

	for (i = 0; i < json_object_array_length(peers); i++)
		if (!json_object_object_get_ex(json_object_array_get_idx(peers, i),
									   "failures", &v) ||
			json_object_get_int64(v) < 0)
			abort();
}

/* every line: "# HELP ", "# TYPE " or a sample of an iwg_ family */
static void check_text(const char *s)
{
	const char *eol;

	while (s && *s) {
		eol = strchr(s, '\n');
		if (!eol)
			abort();
		if (strncmp(s, "# HELP ", 7) && strncmp(s, "# TYPE ", 7) &&
			strncmp(s, "iwg_", 4))
			abort();
		s = eol + 1;
	}
}

static void check_context(struct json_object *ctx)
{
	char *out = malloc(PEERS_CTX_BUF);
	jsonv_error e;
	size_t i;

	if (!out)
		return;
	if (peers_context_param(ctx, out, PEERS_CTX_BUF, &e) == 0) {
		for (i = 0; out[i]; i++)
			if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
				abort();
		if (out[0] && !strchr(out, '='))
			abort();
	} else if (!e.msg[0] || strncmp(e.field, "context", 7)) {
		abort();
	}
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_tokener *tok = json_tokener_new_ex(16);
	struct json_object *doc, *res, *view, *peers, *fails, *x, *body;
	jsonv_error e;
	metrics_set *set;
	sbuf out;

	if (!tok)
		return 0;
	doc = json_tokener_parse_ex(tok, (const char *)data, (int)size);
	json_tokener_free(tok);
	if (doc) {
		res = doc;
		if (json_object_is_type(doc, json_type_object))
			json_object_object_get_ex(doc, "result", &res);
		peers = peers_from_dispatcher(res);
		fails = peers_failures(res);
		peers_add_failures(peers, fails);
		check_names(peers, "state", states);
		check_failures(peers);
		view = json_object_new_object();
		json_object_object_add(view, "peers", peers);
		x = peers_trunks(res);
		check_names(x, "state", trunk_states);
		json_object_object_add(view, "trunks", x);
		json_object_object_add(view, "routing", peers_routing(res));
		json_object_put(peers_route_test(res));
		set = metrics_set_new();
		sbuf_init(&out);
		peers_metrics(set, "node=\"kam1\"", view);
		metrics_set_render_free(set, &out);
		check_text(out.s);
		sbuf_free(&out);
		check_context(res);
		json_object_put(view);
		json_object_put(fails);
		json_object_put(doc);
	}
	if (jsonv_parse((const char *)data, size, peers_schema_routing_test,
					peers_schema_routing_test_n, &body, &e) == 0) {
		if (!json_object_object_get_ex(body, "context", &x))
			abort();
		check_context(x);
		json_object_put(body);
	} else if (body || !e.msg[0]) {
		abort();
	}
	return 0;
}
