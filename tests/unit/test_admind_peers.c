/*
 * test_admind_peers.c - iwg-admind's reading of Kamailio's answers about
 * the contact center's entry points, trunks and routing rules (peers.c):
 * the answers captured from a real Kamailio 5.6 in
 * tests/fuzz/corpus/admind_peers (capture-rpc.sh of
 * tests/integration/admind/09-peers), odd and malformed ones, the routing
 * test's context, and the Prometheus families made of them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "../../admin/src/peers.h"

/* the "result" of a captured answer (file in the corpus), or its error */
static struct json_object *captured(const char *name, int *code,
									const char **msg)
{
	const char *top = getenv("IWG_TOP");
	struct json_object *doc, *v, *res = NULL;
	char path[512];

	snprintf(path, sizeof(path), "%s/tests/fuzz/corpus/admind_peers/%s.json",
			 top ? top : ".", name);
	doc = json_object_from_file(path);
	if (!doc)
		fail_msg("cannot read %s (run from the repository top or set IWG_TOP)",
				 path);
	if (json_object_object_get_ex(doc, "result", &v)) {
		res = json_object_get(v);
	} else if (code && json_object_object_get_ex(doc, "error", &v)) {
		static char m[128];
		struct json_object *x;
		json_object_object_get_ex(v, "code", &x);
		*code = json_object_get_int(x);
		json_object_object_get_ex(v, "message", &x);
		snprintf(m, sizeof(m), "%s", json_object_get_string(x));
		*msg = m;
	}
	json_object_put(doc);
	return res;
}

/* member path "a.b" of o as JSON text ("null" when absent) */
static const char *at(struct json_object *o, const char *path)
{
	static char buf[8][256];
	static int slot;
	char key[64], *dot;
	const char *p = path;
	struct json_object *v = o;

	while (v && *p) {
		snprintf(key, sizeof(key), "%s", p);
		dot = strchr(key, '.');
		if (dot)
			*dot = '\0';
		if (json_object_is_type(v, json_type_array))
			v = json_object_array_get_idx(v, (size_t)atoi(key));
		else if (!json_object_object_get_ex(v, key, &v))
			v = NULL;
		p += strlen(key) + (dot ? 1 : 0);
	}
	slot = (slot + 1) % 8;
	snprintf(buf[slot], sizeof(buf[slot]), "%s",
			 v ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN)
			   : "null");
	return buf[slot];
}

static struct json_object *parse(const char *text)
{
	struct json_object *o = json_tokener_parse(text);

	assert_non_null(o);
	return o;
}

/* ------------------------------------------------------------ dispatcher */

static void dispatcher_list_of_a_real_kamailio(void **state)
{
	struct json_object *res = captured("dispatcher-list", NULL, NULL);
	struct json_object *p = peers_from_dispatcher(res);

	(void)state;
	assert_int_equal(json_object_array_length(p), 2);
	assert_string_equal(at(p, "0.set"), "1");
	assert_string_equal(at(p, "0.uri"), "\"sip:127.0.0.1:15291\"");
	assert_string_equal(at(p, "0.state"), "\"up\"");
	assert_string_equal(at(p, "0.flags"), "\"AP\"");
	assert_string_equal(at(p, "0.priority"), "10");
	assert_string_equal(at(p, "0.weight"), "60");
	assert_string_equal(at(p, "0.attrs"), "\"weight=60;duid=cc-a\"");
	assert_string_equal(at(p, "0.name"), "null");
	/* latency as measured at capture time, renamed with its unit */
	assert_string_equal(at(p, "0.latency.max_ms"),
						at(res, "RECORDS.0.SET.TARGETS.0.DEST.LATENCY.MAX"));
	assert_string_equal(
			at(p, "0.latency.timeouts"),
			at(res, "RECORDS.0.SET.TARGETS.0.DEST.LATENCY.TIMEOUT"));
	assert_string_equal(at(p, "1.latency.avg_ms"), "0.0");
	/* the silent port: inactive and probed until it answers */
	assert_string_equal(at(p, "1.uri"), "\"sip:127.0.0.1:15292\"");
	assert_string_equal(at(p, "1.state"), "\"probing\"");
	assert_string_equal(at(p, "1.flags"), "\"IP\"");
	assert_string_equal(at(p, "1.weight"), "40");
	assert_string_equal(at(p, "1.priority"), "5");
	json_object_put(p);
	json_object_put(res);
	res = captured("dispatcher-list-disabled", NULL, NULL);
	p = peers_from_dispatcher(res);
	assert_string_equal(at(p, "1.state"), "\"disabled\"");
	assert_string_equal(at(p, "1.flags"), "\"DX\"");
	json_object_put(p);
	json_object_put(res);
}

static void dispatcher_states_from_flags(void **state)
{
	static const char *const cases[][2] = {
			{"AP", "up"},		{"AX", "up"},		{"TP", "trying"},
			{"TX", "trying"},	{"IP", "probing"},	{"IX", "down"},
			{"DX", "disabled"}, {"DP", "disabled"}, {"", "unknown"},
			{"Z", "unknown"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(peers_state(cases[i][0]), cases[i][1]);
	assert_string_equal(peers_state(NULL), "unknown");
	assert_true(peers_state_up("up"));
	assert_true(peers_state_up("trying"));
	assert_false(peers_state_up("probing"));
	assert_false(peers_state_up("down"));
	assert_false(peers_state_up("disabled"));
	assert_false(peers_state_up(NULL));
}

static void dispatcher_odd_answers(void **state)
{
	/* two sets, a target without attrs or latency, a name attribute,
	 * elements of the wrong type skipped */
	struct json_object *res = parse(
			"{\"NRSETS\":2,\"RECORDS\":["
			"{\"SET\":{\"ID\":2,\"TARGETS\":[{\"DEST\":{\"URI\":\"sip:cc2."
			"example:5060;transport=tcp\",\"FLAGS\":\"IX\",\"PRIORITY\":0}}]}},"
			"{\"SET\":{\"ID\":7,\"TARGETS\":[{\"DEST\":{\"URI\":\"sip:a\","
			"\"FLAGS\":\"AX\",\"PRIORITY\":1,\"ATTRS\":{\"BODY\":\"duid=x;"
			"name=cc-main;weight=9\",\"WEIGHT\":9}}},{\"DEST\":5},7,"
			"{\"DEST\":{\"FLAGS\":\"AX\"}}]}},"
			"{\"SET\":{\"TARGETS\":[]}},\"x\",{\"SET\":3}]}");
	struct json_object *p = peers_from_dispatcher(res);

	(void)state;
	assert_int_equal(json_object_array_length(p), 2);
	assert_string_equal(at(p, "0.set"), "2");
	assert_string_equal(at(p, "0.state"), "\"down\"");
	assert_string_equal(at(p, "0.weight"), "null");
	assert_string_equal(at(p, "0.attrs"), "null");
	assert_string_equal(at(p, "0.latency"), "null");
	assert_string_equal(at(p, "1.set"), "7");
	assert_string_equal(at(p, "1.name"), "\"cc-main\"");
	assert_string_equal(at(p, "1.weight"), "9");
	json_object_put(p);
	json_object_put(res);
	/* not the expected shape at all: no peers, no crash */
	res = parse("[1,2,{\"RECORDS\":{}}]");
	p = peers_from_dispatcher(res);
	assert_int_equal(json_object_array_length(p), 0);
	json_object_put(p);
	json_object_put(res);
	p = peers_from_dispatcher(NULL);
	assert_int_equal(json_object_array_length(p), 0);
	json_object_put(p);
}

/* -------------------------------------------------------------- failures */

static void failures_of_a_real_htable(void **state)
{
	struct json_object *res = captured("htable-dump", NULL, NULL);
	struct json_object *f = peers_failures(res);
	struct json_object *d = captured("dispatcher-list", NULL, NULL);
	struct json_object *p = peers_from_dispatcher(d);

	(void)state;
	peers_add_failures(p, f);
	assert_string_equal(at(p, "1.last_failure"),
						"{\"code\":503,\"at\":\"2026-01-01T00:00:00Z\"}");
	assert_string_equal(at(p, "1.failures"), "3");
	assert_string_equal(at(p, "0.last_failure"),
						"{\"code\":408,\"at\":\"2025-12-31T23:50:00Z\"}");
	assert_string_equal(at(p, "0.failures"), "1");
	json_object_put(p);
	json_object_put(d);
	json_object_put(f);
	json_object_put(res);
}

static void failures_malformed_and_absent(void **state)
{
	struct json_object *res = parse(
			"[{\"entry\":1,\"size\":9,\"slot\":["
			"{\"name\":\"sip:a::last\",\"value\":\"abc\",\"type\":\"str\"},"
			"{\"name\":\"sip:b::last\",\"value\":\"99 5\",\"type\":\"str\"},"
			"{\"name\":\"sip:c::last\",\"value\":\"503\",\"type\":\"str\"},"
			"{\"name\":\"sip:d::last\",\"value\":\"503 -1\",\"type\":\"str\"},"
			"{\"name\":\"sip:e::last\",\"value\":\"503 12x\",\"type\":\"str\"},"
			"{\"name\":\"sip:f::count\",\"value\":\"x\",\"type\":\"str\"},"
			"{\"name\":\"sip:g::count\",\"value\":\"7\",\"type\":\"str\"},"
			"{\"name\":\"sip:h::count\",\"value\":-2,\"type\":\"int\"},"
			"{\"name\":\"sip:[::1]:5060::last\",\"value\":\"480 "
			"1767225601\",\"type\":\"str\"},"
			"{\"name\":\"other\",\"value\":1,\"type\":\"int\"},"
			"{\"name\":\"::last\",\"value\":\"503 1\",\"type\":\"str\"},"
			"3]},{\"slot\":{}},7]");
	struct json_object *f = peers_failures(res);
	struct json_object *p = parse(
			"[{\"uri\":\"sip:a\"},{\"uri\":\"sip:g\"},{\"uri\":\"sip:[::1]:"
			"5060\"},{\"uri\":\"sip:zzz\"},{\"set\":1}]");

	(void)state;
	/* malformed values count as none */
	assert_string_equal(at(f, "sip:a"), "null");
	assert_string_equal(at(f, "sip:b"), "null");
	assert_string_equal(at(f, "sip:c"), "null");
	assert_string_equal(at(f, "sip:d"), "null");
	assert_string_equal(at(f, "sip:e"), "null");
	assert_string_equal(at(f, "sip:f"), "null");
	assert_string_equal(at(f, "sip:h"), "null");
	peers_add_failures(p, f);
	assert_string_equal(at(p, "0.last_failure"), "null");
	assert_string_equal(at(p, "0.failures"), "0");
	assert_string_equal(at(p, "1.failures"), "7");
	assert_string_equal(at(p, "1.last_failure"), "null");
	/* an IPv6 URI holds "::": the suffix is what counts */
	assert_string_equal(at(p, "2.last_failure.code"), "480");
	assert_string_equal(at(p, "2.last_failure.at"), "\"2026-01-01T00:00:01Z\"");
	assert_string_equal(at(p, "3.failures"), "0");
	assert_string_equal(at(p, "4.failures"), "0");
	json_object_put(p);
	/* no htable: every peer gets null and 0 */
	p = parse("[{\"uri\":\"sip:a\"}]");
	peers_add_failures(p, NULL);
	assert_string_equal(at(p, "0"), "{\"uri\":\"sip:a\",\"last_failure\":null,"
									"\"failures\":0}");
	json_object_put(p);
	json_object_put(f);
	json_object_put(res);
}

/* ---------------------------------------------------------------- faults */

static void faults_that_mean_nothing_to_show(void **state)
{
	const char *msg = NULL;
	int code = 0;

	(void)state;
	assert_null(captured("htable-missing", &code, &msg));
	assert_true(peers_fault_absent(PEERS_HTABLE, code, msg));
	assert_false(peers_fault_absent(PEERS_UAC, code, msg));
	assert_null(captured("method-not-found", &code, &msg));
	assert_true(peers_fault_absent(PEERS_CCROUTE, code, msg));
	assert_true(peers_fault_absent(PEERS_UAC, code, msg));
	assert_true(peers_fault_absent(PEERS_DISPATCHER, code, msg));
	assert_true(
			peers_fault_absent(PEERS_DISPATCHER, 500, "No Destination Sets"));
	assert_true(peers_fault_absent(PEERS_UAC, 500, "Not enabled"));
	assert_true(peers_fault_absent(PEERS_HTABLE, -32601, "whatever"));
	assert_false(peers_fault_absent(PEERS_CCROUTE, 500, "Not enabled"));
	assert_false(peers_fault_absent(PEERS_CCROUTE, 503,
									"the rules are being reloaded, try again"));
	assert_false(peers_fault_absent(PEERS_DISPATCHER, 500, NULL));
	assert_string_equal(peers_rpc_method(PEERS_UAC), "uac.reg_dump");
	assert_string_equal(peers_rpc_method(PEERS_HTABLE), "htable.dump");
}

/* ---------------------------------------------------------------- trunks */

static void trunks_of_a_real_uac(void **state)
{
	struct json_object *res = captured("uac-reg-dump", NULL, NULL);
	struct json_object *t = peers_trunks(res);
	const char *text;

	(void)state;
	assert_int_equal(json_object_array_length(t), 2);
	assert_string_equal(at(t, "0.id"), "\"trunk-a\"");
	assert_string_equal(at(t, "0.username"), "\"iwg-gw\"");
	assert_string_equal(at(t, "0.domain"), "\"127.0.0.1:15293\"");
	assert_string_equal(at(t, "0.registrar"), "\"sip:127.0.0.1:15293\"");
	assert_string_equal(at(t, "0.state"), "\"registered\"");
	assert_string_equal(at(t, "0.flags"), "20");
	assert_string_equal(at(t, "0.expires"), "60");
	assert_string_equal(at(t, "0.expires_in"), "56");
	/* timer_expires 1796590167 - expires 60 (the capture's clock) */
	assert_string_equal(at(t, "0.last_register_at"),
						"\"2026-12-06T20:48:27Z\"");
	assert_string_equal(at(t, "1.id"), "\"trunk-b\"");
	assert_string_equal(at(t, "1.state"), "\"failed\"");
	assert_string_equal(at(t, "1.expires_in"), "null");
	assert_string_equal(at(t, "1.last_register_at"), "null");
	text = json_object_to_json_string(t);
	assert_null(strstr(text, "not-a-real-secret"));
	assert_null(strstr(text, "auth_"));
	json_object_put(t);
	json_object_put(res);
}

static void trunk_states_from_flags(void **state)
{
	struct json_object *res, *t;

	(void)state;
	assert_string_equal(peers_trunk_state(0), "pending");
	assert_string_equal(peers_trunk_state(16), "failed");
	assert_string_equal(peers_trunk_state(18), "registering");
	assert_string_equal(peers_trunk_state(24), "registering");
	assert_string_equal(peers_trunk_state(20), "registered");
	assert_string_equal(peers_trunk_state(21), "disabled");
	assert_string_equal(peers_trunk_state(1), "disabled");
	/* no proxy: the registrar is the domain; entries without l_uuid skipped */
	res = parse("[{\"l_uuid\":\"t\",\"r_domain\":\"reg.example\","
				"\"auth_proxy\":\"none\",\"flags\":1},{\"flags\":4},3]");
	t = peers_trunks(res);
	assert_int_equal(json_object_array_length(t), 1);
	assert_string_equal(at(t, "0.registrar"), "\"sip:reg.example\"");
	assert_string_equal(at(t, "0.state"), "\"disabled\"");
	assert_string_equal(at(t, "0.username"), "null");
	json_object_put(t);
	json_object_put(res);
}

/* --------------------------------------------------------------- routing */

/* iwg_ccroute's answers: kamcfg/cc-routing.rules after two calls routed by
 * billing-fr, and two tests */
static void routing_rules_and_test(void **state)
{
	struct json_object *res = captured("ccroute-list", NULL, NULL);
	struct json_object *r = peers_routing(res), *t;
	const char *msg = NULL;
	int code = 0;

	(void)state;
	assert_string_equal(at(r, "file"), at(res, "file"));
	/* loaded 1796590107, last hit 1796590112 (the capture's clock) */
	assert_string_equal(at(r, "loaded"), "\"2026-12-06T20:48:27Z\"");
	assert_string_equal(at(r, "unmatched"), "0");
	assert_int_equal(
			json_object_array_length(json_object_object_get(r, "rules")), 4);
	assert_string_equal(at(r, "rules.0"),
						"{\"name\":\"billing-fr\",\"when\":\"queue=billing "
						"language=fr\",\"set\":2,\"headers\":[\"X-Skill: "
						"billing-fr\",\"X-Language: {language}\"],\"hits\":2,"
						"\"last_hit\":\"2026-12-06T20:48:32Z\"}");
	assert_string_equal(at(r, "rules.3.name"), "\"default\"");
	assert_string_equal(at(r, "rules.3.when"), "\"*\"");
	assert_string_equal(at(r, "rules.3.headers"), "[]");
	assert_string_equal(at(r, "rules.3.last_hit"), "null");
	json_object_put(r);
	json_object_put(res);
	assert_null(peers_routing(NULL));
	res = parse("[]");
	assert_null(peers_routing(res));
	assert_null(peers_route_test(res));
	json_object_put(res);
	/* a rule without a name is left out */
	res = parse("{\"rules\":[{\"when\":\"x\"},{\"name\":\"a\"}]}");
	r = peers_routing(res);
	assert_string_equal(at(r, "rules"),
						"[{\"name\":\"a\",\"when\":null,\"set\":0,\"headers\":"
						"[],\"hits\":0,\"last_hit\":null}]");
	assert_string_equal(at(r, "file"), "null");
	json_object_put(r);
	json_object_put(res);

	res = captured("ccroute-test", NULL, NULL);
	t = peers_route_test(res);
	assert_string_equal(
			json_object_to_json_string_ext(t, JSON_C_TO_STRING_PLAIN),
			"{\"rule\":\"billing-fr\",\"set\":2,\"headers\":[\"X-"
			"Skill: billing-fr\",\"X-Language: fr\"]}");
	json_object_put(t);
	json_object_put(res);
	res = captured("ccroute-test-default", NULL, NULL);
	t = peers_route_test(res);
	assert_string_equal(
			json_object_to_json_string_ext(t, JSON_C_TO_STRING_PLAIN),
			"{\"rule\":\"default\",\"set\":1,\"headers\":[]}");
	json_object_put(t);
	json_object_put(res);
	/* no rule matched (rules without a catch-all): "" and 0 */
	res = parse("{\"rule\":\"\",\"set\":0,\"headers\":[]}");
	t = peers_route_test(res);
	assert_string_equal(
			json_object_to_json_string_ext(t, JSON_C_TO_STRING_PLAIN),
			"{\"rule\":null,\"set\":null,\"headers\":[]}");
	json_object_put(t);
	json_object_put(res);
	/* a context the module refuses is a fault 400, not "nothing here" */
	assert_null(captured("ccroute-test-bad", &code, &msg));
	assert_int_equal(code, 400);
	assert_false(peers_fault_absent(PEERS_CCROUTE, code, msg));
}

/* body text -> context parameter, or "ERR field: msg" */
static const char *ctx_of(const char *body)
{
	static char out[PEERS_CTX_BUF + 256];
	struct json_object *o, *ctx;
	jsonv_error e;

	if (jsonv_parse(body, strlen(body), peers_schema_routing_test,
					peers_schema_routing_test_n, &o, &e) < 0) {
		snprintf(out, sizeof(out), "ERR %s: %s", e.field, e.msg);
		return out;
	}
	json_object_object_get_ex(o, "context", &ctx);
	if (peers_context_param(ctx, out, PEERS_CTX_BUF, &e) < 0)
		snprintf(out, sizeof(out), "ERR %s: %s", e.field, e.msg);
	json_object_put(o);
	return out;
}

/* 1 when s starts with prefix */
static int starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static void routing_test_context(void **state)
{
	char big[1024], key33[64];
	int i;

	(void)state;
	assert_string_equal(
			ctx_of("{\"context\":{\"queue\":\"billing\",\"language\":\"fr\","
				   "\"priority\":5,\"page\":\"https://shop.example/a?b\"}}"),
			"queue=billing;language=fr;priority=5;page=https://shop.example/"
			"a?b");
	assert_string_equal(ctx_of("{\"context\":{},\"node\":\"kam1\"}"), "");
	assert_true(starts(ctx_of("{}"), "ERR context: required field missing"));
	assert_true(starts(ctx_of("{\"context\":\"queue=x\"}"),
					   "ERR context: must be an object"));
	assert_true(starts(ctx_of("{\"context\":{},\"colour\":1}"),
					   "ERR colour: unknown field"));
	assert_true(starts(ctx_of("{\"context\":{\"Queue\":\"x\"}}"),
					   "ERR context.Queue: key must match"));
	assert_true(starts(ctx_of("{\"context\":{\"1a\":\"x\"}}"),
					   "ERR context.1a: key must match"));
	assert_true(starts(ctx_of("{\"context\":{\"a-b\":\"x\"}}"),
					   "ERR context.a-b: key must match"));
	memset(key33, 'k', 33);
	key33[33] = '\0';
	snprintf(big, sizeof(big), "{\"context\":{\"%s\":\"x\"}}", key33);
	assert_true(starts(ctx_of(big), "ERR context."));
	key33[32] = '\0';
	snprintf(big, sizeof(big), "{\"context\":{\"%s\":\"x\"}}", key33);
	assert_false(starts(ctx_of(big), "ERR"));
	assert_true(starts(ctx_of("{\"context\":{\"queue\":\"a;b\"}}"),
					   "ERR context.queue: character 1 (0x3b) not allowed"));
	assert_true(starts(ctx_of("{\"context\":{\"queue\":\"a=b\"}}"),
					   "ERR context.queue: character 1 (0x3d)"));
	assert_true(starts(ctx_of("{\"context\":{\"queue\":\"a\\nb\"}}"),
					   "ERR context.queue: character 1 (0x0a)"));
	assert_true(starts(ctx_of("{\"context\":{\"queue\":\"a\\u0000b\"}}"),
					   "ERR context.queue: character 1 (0x00)"));
	assert_true(starts(ctx_of("{\"context\":{\"queue\":true}}"),
					   "ERR context.queue: must be a string or an integer"));
	assert_true(starts(ctx_of("{\"context\":{\"queue\":{\"a\":1}}}"),
					   "ERR context.queue: must be a string or an integer"));
	assert_true(starts(ctx_of("{\"context\":{\"queue\":1.5}}"),
					   "ERR context.queue: must be a string or an integer"));
	/* a key given twice inside the context is refused, not kept last */
	assert_true(
			starts(ctx_of("{\"context\":{\"queue\":\"a\",\"queue\":\"b\"}}"),
				   "ERR context: a member name is given more than once"));
	snprintf(big, sizeof(big), "{\"context\":{\"page\":\"%0257d\"}}", 0);
	assert_true(starts(ctx_of(big), "ERR context.page: longer than 256"));
	snprintf(big, sizeof(big), "{\"context\":{\"page\":\"%0256d\"}}", 0);
	assert_false(starts(ctx_of(big), "ERR"));
	strcpy(big, "{\"context\":{");
	for (i = 0; i < 33; i++)
		snprintf(big + strlen(big), sizeof(big) - strlen(big), "%s\"k%d\":1",
				 i ? "," : "", i);
	strcat(big, "}}");
	assert_true(starts(ctx_of(big), "ERR context: more than 32 keys"));
}

/* --------------------------------------------------------------- metrics */

static char *render(struct json_object *view, const char *labels)
{
	metrics_set *set = metrics_set_new();
	sbuf out;

	sbuf_init(&out);
	peers_metrics(set, labels, view);
	metrics_set_render_free(set, &out);
	return out.s ? out.s : strdup("");
}

static void metrics_of_a_view(void **state)
{
	struct json_object *d = captured("dispatcher-list", NULL, NULL);
	struct json_object *h = captured("htable-dump", NULL, NULL);
	struct json_object *u = captured("uac-reg-dump", NULL, NULL);
	struct json_object *c = captured("ccroute-list", NULL, NULL);
	struct json_object *view = json_object_new_object(), *p, *f;
	char *text;

	(void)state;
	p = peers_from_dispatcher(d);
	f = peers_failures(h);
	peers_add_failures(p, f);
	json_object_object_add(view, "peers", p);
	json_object_object_add(view, "trunks", peers_trunks(u));
	json_object_object_add(view, "routing", peers_routing(c));
	text = render(view, "node=\"kam1\"");
	assert_non_null(strstr(text, "# TYPE iwg_peer_up gauge\n"));
	assert_non_null(strstr(text, "# TYPE iwg_peer_failures_total counter\n"));
	assert_non_null(strstr(text, "# TYPE iwg_trunk_registered gauge\n"));
	assert_non_null(
			strstr(text, "# TYPE iwg_ccroute_rule_hits_total counter\n"));
	assert_non_null(
			strstr(text, "# TYPE iwg_ccroute_unmatched_total counter\n"));
	assert_non_null(strstr(text, "# HELP iwg_peer_up 1 when"));
	assert_non_null(strstr(text, "iwg_peer_up{node=\"kam1\",set=\"1\",uri="
								 "\"sip:127.0.0.1:15291\"} 1\n"));
	assert_non_null(strstr(text, "iwg_peer_up{node=\"kam1\",set=\"1\",uri="
								 "\"sip:127.0.0.1:15292\"} 0\n"));
	assert_non_null(strstr(text, "iwg_peer_failures_total{node=\"kam1\",set="
								 "\"1\",uri=\"sip:127.0.0.1:15292\"} 3\n"));
	assert_non_null(strstr(
			text, "iwg_trunk_registered{node=\"kam1\",trunk=\"trunk-a\"} 1\n"));
	assert_non_null(strstr(
			text, "iwg_trunk_registered{node=\"kam1\",trunk=\"trunk-b\"} 0\n"));
	assert_non_null(strstr(text, "iwg_ccroute_rule_hits_total{node=\"kam1\","
								 "rule=\"billing-fr\"} 2\n"));
	assert_non_null(strstr(text, "iwg_ccroute_unmatched_total{node=\"kam1\"} "
								 "0\n"));
	free(text);
	json_object_put(view);
	json_object_put(f);
	json_object_put(c);
	json_object_put(u);
	json_object_put(h);
	json_object_put(d);
}

static void metrics_labels_escaped_and_routing_null(void **state)
{
	struct json_object *view = parse(
			"{\"peers\":[{\"set\":3,\"uri\":\"sip:\\\"odd\\\"\\\\x\\ny\","
			"\"state\":\"trying\",\"failures\":2}],\"trunks\":[],\"routing\":"
			"null}");
	char *text = render(view, "");

	(void)state;
	assert_non_null(strstr(text, "iwg_peer_up{set=\"3\",uri=\"sip:\\\"odd\\\""
								 "\\\\x\\ny\"} 1\n"));
	assert_null(strstr(text, "iwg_ccroute"));
	assert_null(strstr(text, "iwg_trunk"));
	free(text);
	json_object_put(view);
	/* nothing at all: no family */
	text = render(NULL, "node=\"kam1\"");
	assert_string_equal(text, "");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(dispatcher_list_of_a_real_kamailio),
			cmocka_unit_test(dispatcher_states_from_flags),
			cmocka_unit_test(dispatcher_odd_answers),
			cmocka_unit_test(failures_of_a_real_htable),
			cmocka_unit_test(failures_malformed_and_absent),
			cmocka_unit_test(faults_that_mean_nothing_to_show),
			cmocka_unit_test(trunks_of_a_real_uac),
			cmocka_unit_test(trunk_states_from_flags),
			cmocka_unit_test(routing_rules_and_test),
			cmocka_unit_test(routing_test_context),
			cmocka_unit_test(metrics_of_a_view),
			cmocka_unit_test(metrics_labels_escaped_and_routing_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
