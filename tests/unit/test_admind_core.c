/*
 * test_admind_core.c - iwg-admind pure parts: route matching, API key
 * handling, rate limiting, strict JSON validation, Prometheus output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "../../admin/src/auth.h"
#include "../../admin/src/jsonv.h"
#include "../../admin/src/metrics.h"
#include "../../admin/src/ratelimit.h"
#include "../../admin/src/route.h"

static int h_dummy(admind_req *r)
{
	(void)r;
	return 0;
}

static const route_entry tab[] = {
		{"GET", "/api/v1/calls", h_dummy, 1, 0},
		{"GET", "/api/v1/calls/{call_id}", h_dummy, 1, 0},
		{"DELETE", "/api/v1/x/{a}/y/{b}", h_dummy, 1, 1},
};

static void routes_match_literals_and_params(void **state)
{
	route_params p;
	int known;

	(void)state;
	assert_int_equal(route_match("/a/b", "/a/b", &p), 1);
	assert_int_equal(route_match("/a/b", "/a/b/", &p), 0);
	assert_int_equal(route_match("/a/b", "/a", &p), 0);
	assert_int_equal(route_match("/a/{x}", "/a/", &p), 0);
	assert_int_equal(route_match("/a/{x}", "/a/42", &p), 1);
	assert_string_equal(route_param(&p, "x"), "42");
	assert_null(route_param(&p, "y"));
	assert_ptr_equal(route_find(tab, 3, "GET", "/api/v1/calls/c1", &p, &known),
					 &tab[1]);
	assert_string_equal(route_param(&p, "call_id"), "c1");
	assert_ptr_equal(route_find(tab, 3, "HEAD", "/api/v1/calls", &p, &known),
					 &tab[0]);
	assert_ptr_equal(route_find(tab, 3, "DELETE", "/api/v1/x/1/y/2", &p, NULL),
					 &tab[2]);
	assert_string_equal(route_param(&p, "b"), "2");
	assert_null(route_find(tab, 3, "POST", "/api/v1/calls", &p, &known));
	assert_int_equal(known, 1);
	assert_null(route_find(tab, 3, "GET", "/api/v1/nope", &p, &known));
	assert_int_equal(known, 0);
}

static void route_param_too_long_does_not_match(void **state)
{
	char path[600] = "/a/";

	(void)state;
	memset(path + 3, 'x', 400);
	path[403] = '\0';
	assert_int_equal(route_match("/a/{x}", path, NULL), 0);
}

static void api_keys_extract_and_lookup(void **state)
{
	conf_settings c;
	const char *k;
	size_t len;

	(void)state;
	conf_defaults(&c);
	c.n_keys = 2;
	strcpy(c.keys[0].id, "a");
	c.keys[0].role = CONF_ROLE_NOC;
	auth_hash("secret-a", 8, c.keys[0].hash);
	strcpy(c.keys[1].id, "b");
	c.keys[1].role = CONF_ROLE_ADMIN;
	auth_hash("secret-b", 8, c.keys[1].hash);

	assert_int_equal(auth_extract("Bearer secret-b", NULL, &k, &len), 1);
	assert_ptr_equal(auth_lookup(&c, k, len), &c.keys[1]);
	assert_int_equal(auth_extract("bearer   secret-a  ", NULL, &k, &len), 1);
	assert_ptr_equal(auth_lookup(&c, k, len), &c.keys[0]);
	assert_int_equal(auth_extract(NULL, "secret-a", &k, &len), 1);
	assert_ptr_equal(auth_lookup(&c, k, len), &c.keys[0]);
	assert_null(auth_lookup(&c, "secret-c", 8));
	assert_null(auth_lookup(&c, "secret-", 7));
	assert_int_equal(auth_extract(NULL, NULL, &k, &len), 0);
	assert_int_equal(auth_extract("Basic Zm9vOmJhcg==", NULL, &k, &len), -1);
	assert_int_equal(auth_extract("Bearer ", NULL, &k, &len), -1);
	assert_int_equal(auth_extract(NULL, "a b", &k, &len), -1);
}

static void hash_hex_is_sha256(void **state)
{
	char hex[65];

	(void)state;
	auth_hash_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9c"
							 "b410ff61f20015ad");
}

static void rate_limit_buckets(void **state)
{
	ratelimit *rl = ratelimit_new(2, 3, 16), *off = ratelimit_new(0, 1, 16);
	int i;

	(void)state;
	assert_non_null(rl);
	for (i = 0; i < 3; i++)
		assert_int_equal(ratelimit_take(rl, "k", 100.0), 0);
	assert_int_equal(ratelimit_take(rl, "k", 100.0), 1);
	/* another name has its own bucket */
	assert_int_equal(ratelimit_take(rl, "other", 100.0), 0);
	/* half a second refills one token at 2/s */
	assert_int_equal(ratelimit_take(rl, "k", 100.5), 0);
	assert_int_equal(ratelimit_take(rl, "k", 100.5), 1);
	/* many names: the table reuses slots instead of failing */
	for (i = 0; i < 1000; i++) {
		char n[16];
		snprintf(n, sizeof(n), "n%d", i);
		assert_int_equal(ratelimit_take(rl, n, 200.0), 0);
	}
	for (i = 0; i < 100; i++)
		assert_int_equal(ratelimit_take(off, "k", 1.0), 0);
	ratelimit_free(rl);
	ratelimit_free(off);
}

static const jsonv_field fields[] = {
		{"name", JSONV_STRING, 1, 1, 8, "abcdefghijklmnopqrstuvwxyz", 0, 0},
		{"n", JSONV_INT, 0, 0, 0, NULL, 1, 10},
		{"on", JSONV_BOOL, 0, 0, 0, NULL, 0, 0},
		{"text", JSONV_STRING, 0, 0, 0, NULL, 0, 0},
};

static void expect_bad(const char *body, const char *field, const char *needle)
{
	struct json_object *o;
	jsonv_error e;

	if (jsonv_parse(body, strlen(body), fields, 4, &o, &e) == 0) {
		json_object_put(o);
		fail_msg("accepted: %s", body);
	}
	assert_null(o);
	if (strcmp(e.field, field) || !strstr(e.msg, needle))
		fail_msg("%s: got field '%s' msg '%s'", body, e.field, e.msg);
}

static void json_bodies_are_strictly_checked(void **state)
{
	struct json_object *o;
	jsonv_error e;
	const char *ok = " {\"name\":\"abc\",\"n\":3,\"on\":true,\"text\":\"é\"}\n";

	(void)state;
	assert_int_equal(jsonv_parse(ok, strlen(ok), fields, 4, &o, &e), 0);
	assert_string_equal(jsonv_str(o, "name"), "abc");
	assert_int_equal(jsonv_int(o, "n", 0), 3);
	assert_int_equal(jsonv_bool(o, "on", 0), 1);
	json_object_put(o);

	expect_bad("", "", "empty");
	expect_bad("[1]", "", "JSON object");
	expect_bad("{\"name\":\"abc\"", "", "invalid JSON");
	expect_bad("{\"name\":\"abc\"} x", "", "invalid JSON");
	expect_bad("{'name':'abc'}", "", "invalid JSON");
	expect_bad("{\"name\":\"abc\",}", "", "invalid JSON");
	expect_bad("{\"n\":3}", "name", "required");
	expect_bad("{\"name\":3}", "name", "must be a string");
	expect_bad("{\"name\":\"ABC\"}", "name", "not allowed");
	expect_bad("{\"name\":\"abcdefghi\"}", "name", "longer");
	expect_bad("{\"name\":\"\"}", "name", "shorter");
	expect_bad("{\"name\":\"a\",\"n\":\"3\"}", "n", "integer");
	expect_bad("{\"name\":\"a\",\"n\":11}", "n", "1..10");
	expect_bad("{\"name\":\"a\",\"n\":1.5}", "n", "integer");
	expect_bad("{\"name\":\"a\",\"n\":99999999999999999999}", "n", "1..10");
	expect_bad("{\"name\":\"a\",\"on\":1}", "on", "boolean");
	expect_bad("{\"name\":\"a\",\"extra\":1}", "extra", "unknown field");
	expect_bad("{\"name\":\"a\",\"text\":\"x\\u0001\"}", "text", "not allowed");
	expect_bad("{\"name\":\"a\",\"text\":\"\xff\"}", "", "invalid JSON");
	expect_bad("{\"name\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{"
			   "}}}}}}}}}",
			   "", "invalid JSON");
	assert_int_equal(jsonv_parse("{\"name\":\"a\"}\0", 14, fields, 4, &o, &e),
					 -1);

	/* json-c keeps the last of repeated names: refused by name */
	expect_bad("{\"name\":\"a\",\"name\":\"b\"}", "name", "more than once");
	expect_bad("{\"name\":\"a\",\"n\":1,\"na\\u006de\":\"b\"}", "name",
			   "more than once");
	expect_bad("{\"name\":\"a\",\"x\":{\"a\":1,\"a\":2}}", "x", "unknown");
	ok = "{\"name\":\"a\",\"text\":\"k:\\\"v\\\",\\\"name\\\":{[\"}";
	assert_int_equal(jsonv_parse(ok, strlen(ok), fields, 4, &o, &e), 0);
	assert_string_equal(jsonv_str(o, "text"), "k:\"v\",\"name\":{[");
	json_object_put(o);
}

/* a valid Prometheus metric name whose suffix fits its type */
static void assert_family_name(const metrics_map *m)
{
	const char *p;
	size_t n = strlen(m->name);

	assert_true(n > 0);
	for (p = m->name; *p; p++)
		assert_true((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
					*p == '_');
	assert_true(m->name[n - 1] != '_');
	assert_null(strstr(m->name, "__"));
	if (m->type == METRICS_COUNTER)
		assert_string_equal(m->name + n - 6, "_total");
	else
		assert_null(strstr(m->name + (n > 7 ? n - 7 : 0), "_total"));
}

static void expect_kam(const char *stat, const char *name, metrics_type type,
					   int known)
{
	metrics_map m;

	assert_int_equal(metrics_map_kamailio(stat, &m), 0);
	assert_string_equal(m.name, name);
	assert_int_equal(m.type, type);
	assert_int_equal(m.known, known);
	assert_string_equal(m.label, "");
	assert_non_null(strstr(m.help, stat));
	assert_family_name(&m);
}

static void kamailio_statistics_are_typed_and_named(void **state)
{
	char big[300];
	metrics_map m;

	(void)state;
	expect_kam("core:rcv_requests", "iwg_kamailio_core_rcv_requests_total",
			   METRICS_COUNTER, 1);
	expect_kam("core:bad_URIs_rcvd", "iwg_kamailio_core_bad_uris_rcvd_total",
			   METRICS_COUNTER, 1);
	expect_kam("shmem:used_size", "iwg_kamailio_shmem_used_bytes",
			   METRICS_GAUGE, 1);
	expect_kam("shmem:real_used_size", "iwg_kamailio_shmem_real_used_bytes",
			   METRICS_GAUGE, 1);
	expect_kam("shmem:fragments", "iwg_kamailio_shmem_fragments", METRICS_GAUGE,
			   1);
	expect_kam("sl:received_ACKs", "iwg_kamailio_sl_received_acks_total",
			   METRICS_COUNTER, 1);
	expect_kam("tmx:2xx_transactions",
			   "iwg_kamailio_tmx_2xx_transactions_total", METRICS_COUNTER, 1);
	expect_kam("tmx:UAS_transactions",
			   "iwg_kamailio_tmx_uas_transactions_total", METRICS_COUNTER, 1);
	expect_kam("tmx:inuse_transactions", "iwg_kamailio_tmx_inuse_transactions",
			   METRICS_GAUGE, 1);
	expect_kam("tmx:active_transactions",
			   "iwg_kamailio_tmx_active_transactions", METRICS_GAUGE, 1);
	expect_kam("dialog:active_dialogs", "iwg_kamailio_dialog_active_dialogs",
			   METRICS_GAUGE, 1);
	expect_kam("dialog:early_dialogs", "iwg_kamailio_dialog_early_dialogs",
			   METRICS_GAUGE, 1);
	expect_kam("dialog:failed_dialogs",
			   "iwg_kamailio_dialog_failed_dialogs_total", METRICS_COUNTER, 1);
	expect_kam("usrloc:registered_users",
			   "iwg_kamailio_usrloc_registered_users", METRICS_GAUGE, 1);
	expect_kam("usrloc:location-contacts",
			   "iwg_kamailio_usrloc_location_contacts", METRICS_GAUGE, 1);
	expect_kam("usrloc:location_users", "iwg_kamailio_usrloc_location_users",
			   METRICS_GAUGE, 1);
	expect_kam("usrloc:location_expires",
			   "iwg_kamailio_usrloc_location_expires_total", METRICS_COUNTER,
			   1);
	expect_kam("registrar:max_expires", "iwg_kamailio_registrar_max_expires",
			   METRICS_GAUGE, 1);
	expect_kam("registrar:accepted_regs",
			   "iwg_kamailio_registrar_accepted_regs_total", METRICS_COUNTER,
			   1);
	expect_kam("websocket:ws_current_connections",
			   "iwg_kamailio_websocket_ws_current_connections", METRICS_GAUGE,
			   1);
	expect_kam("websocket:ws_sip_max_concurrent_connections",
			   "iwg_kamailio_websocket_ws_sip_max_concurrent_connections",
			   METRICS_GAUGE, 1);
	expect_kam("websocket:ws_received_frames",
			   "iwg_kamailio_websocket_ws_received_frames_total",
			   METRICS_COUNTER, 1);
	expect_kam("tcp:current_write_queue_size",
			   "iwg_kamailio_tcp_current_write_queue_bytes", METRICS_GAUGE, 1);
	expect_kam("tcp:current_opened_connections",
			   "iwg_kamailio_tcp_current_opened_connections", METRICS_GAUGE, 1);
	expect_kam("tcp:established", "iwg_kamailio_tcp_established_total",
			   METRICS_COUNTER, 1);
	expect_kam("dns:slow_dns_request",
			   "iwg_kamailio_dns_slow_dns_request_total", METRICS_COUNTER, 1);
	expect_kam("pike:blocked_ips", "iwg_kamailio_pike_blocked_ips_total",
			   METRICS_COUNTER, 1);
	expect_kam("script:iwg_refused_rate",
			   "iwg_kamailio_script_iwg_refused_rate_total", METRICS_COUNTER,
			   1);
	expect_kam("verto:sessions", "iwg_kamailio_verto_sessions", METRICS_GAUGE,
			   1);
	expect_kam("verto:pending_bytes", "iwg_kamailio_verto_pending_bytes",
			   METRICS_GAUGE, 1);
	expect_kam("verto:frames_in", "iwg_kamailio_verto_frames_in_total",
			   METRICS_COUNTER, 1);
	/* the default: a gauge, never a reserved suffix, the charset kept */
	expect_kam("script:my_value", "iwg_kamailio_script_my_value", METRICS_GAUGE,
			   0);
	expect_kam("Mod-X:Some Thing..Here", "iwg_kamailio_mod_x_some_thing_here",
			   METRICS_GAUGE, 0);
	expect_kam("mod:hits_total", "iwg_kamailio_mod_hits_total_value",
			   METRICS_GAUGE, 0);
	expect_kam("mod:calls_count", "iwg_kamailio_mod_calls_count_value",
			   METRICS_GAUGE, 0);
	assert_int_equal(metrics_map_kamailio("mod:x", &m), 0);
	assert_non_null(strstr(m.help, "not known"));
	/* not group:name, or nothing left after sanitising */
	assert_int_equal(metrics_map_kamailio("nocolon", &m), -1);
	assert_int_equal(metrics_map_kamailio(":x", &m), -1);
	assert_int_equal(metrics_map_kamailio("x:", &m), -1);
	assert_int_equal(metrics_map_kamailio("x:-- --", &m), -1);
	assert_int_equal(metrics_map_kamailio("--:x", &m), -1);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[3] = ':';
	assert_int_equal(metrics_map_kamailio(big, &m), -1);
}

static void expect_rtpe(const char *section, const char *key, const char *name,
						metrics_type type, const char *label)
{
	metrics_map m;

	assert_int_equal(metrics_map_rtpengine(section, key, &m), 0);
	assert_string_equal(m.name, name);
	assert_int_equal(m.type, type);
	assert_string_equal(m.label, label);
	assert_true(m.help[0] != '\0');
	assert_family_name(&m);
}

static void rtpengine_statistics_are_typed_and_named(void **state)
{
	static const char *const left_out[][2] = {
			{"currentstatistics", "sessionstotal"},
			{"currentstatistics", "packetrate_user"},
			{"currentstatistics", "byterate"},
			{"totalstatistics", "relayedpackets"},
			{"totalstatistics", "avgcallduration"},
			{"mos", "mos_average"},
			{"intervalstatistics", "minofferdelay"},
			{"controlstatistics", "proxies"},
			{"controlstatistics", "totalX1count"},
			{"interfaces", "used_pct"},
			{"transcoders", "packetrate"},
	};
	metrics_map m;
	size_t i;

	(void)state;
	expect_rtpe("currentstatistics", "sessionsown", "iwg_rtpengine_sessions",
				METRICS_GAUGE, "type=\"own\"");
	expect_rtpe("currentstatistics", "sessionsforeign",
				"iwg_rtpengine_sessions", METRICS_GAUGE, "type=\"foreign\"");
	expect_rtpe("currentstatistics", "media_kernel",
				"iwg_rtpengine_mediastreams", METRICS_GAUGE, "type=\"kernel\"");
	expect_rtpe("totalstatistics", "uptime", "iwg_rtpengine_uptime_seconds",
				METRICS_GAUGE, "");
	expect_rtpe("totalstatistics", "managedsessions",
				"iwg_rtpengine_sessions_total", METRICS_COUNTER, "");
	expect_rtpe("totalstatistics", "silenttimeoutsessions",
				"iwg_rtpengine_closed_sessions_total", METRICS_COUNTER,
				"reason=\"silent_timeout\"");
	expect_rtpe("totalstatistics", "relayedpacketerrors_user",
				"iwg_rtpengine_packet_errors_total", METRICS_COUNTER,
				"type=\"userspace\"");
	expect_rtpe("totalstatistics", "totalcallsduration",
				"iwg_rtpengine_call_duration_seconds_total", METRICS_COUNTER,
				"");
	expect_rtpe("totalstatistics", "onewaystreams",
				"iwg_rtpengine_one_way_sessions_total", METRICS_COUNTER, "");
	expect_rtpe("mos", "mos_total", "iwg_rtpengine_mos_total", METRICS_COUNTER,
				"");
	expect_rtpe("controlstatistics", "totaloffercount",
				"iwg_rtpengine_ng_requests_total", METRICS_COUNTER,
				"request=\"offer\"");
	expect_rtpe("interfaces", "used", "iwg_rtpengine_ports_used", METRICS_GAUGE,
				"");
	expect_rtpe("transcoders", "packets",
				"iwg_rtpengine_transcode_packets_total", METRICS_COUNTER, "");
	/* the default for a new member of a dictionary section: a gauge */
	expect_rtpe("currentstatistics", "New Thing", "iwg_rtpengine_new_thing",
				METRICS_GAUGE, "");
	assert_int_equal(metrics_map_rtpengine("totalstatistics", "x", &m), 0);
	assert_int_equal(m.known, 0);
	for (i = 0; i < sizeof(left_out) / sizeof(left_out[0]); i++)
		assert_int_equal(
				metrics_map_rtpengine(left_out[i][0], left_out[i][1], &m), 1);
	assert_int_equal(metrics_map_rtpengine("totalstatistics", "--", &m), -1);
}

static void prometheus_text(void **state)
{
	metrics *m = metrics_new(3);
	metrics_set *s = metrics_set_new();
	metrics_map k;
	sbuf b;

	(void)state;
	sbuf_init(&b);
	assert_int_equal(metrics_map_kamailio("core:rcv requests", &k), 0);
	metrics_set_add_map(s, &k, "node=\"k2\"", 7);
	metrics_set_add(s, "iwg_up", METRICS_GAUGE, "Up\\down\nor not.",
					"node=\"a\"", 1);
	metrics_set_add_map(s, &k, "node=\"k1\"", 0.25);
	/* the same family and labels again: dropped */
	metrics_set_add_map(s, &k, "node=\"k1\"", 9);
	assert_int_equal(
			metrics_map_rtpengine("currentstatistics", "sessionsown", &k), 0);
	metrics_set_add_map(s, &k, "node=\"r\"", 2);
	assert_int_equal(metrics_map_rtpengine("interfaces", "used", &k), 0);
	metrics_set_add_map(s, &k, "", 3);
	assert_int_equal(metrics_set_unmapped(s), 0);
	assert_int_equal(metrics_map_kamailio("mod:thing", &k), 0);
	metrics_set_add_map(s, &k, "", 4);
	assert_int_equal(metrics_set_unmapped(s), 1);
	metrics_set_render_free(s, &b);
	assert_string_equal(
			b.s,
			"# HELP iwg_kamailio_core_rcv_requests_total Kamailio statistic "
			"core:rcv requests: SIP messages received, forwarded, dropped or "
			"refused by the core.\n"
			"# TYPE iwg_kamailio_core_rcv_requests_total counter\n"
			"iwg_kamailio_core_rcv_requests_total{node=\"k2\"} 7\n"
			"iwg_kamailio_core_rcv_requests_total{node=\"k1\"} 0.25\n"
			"# HELP iwg_kamailio_mod_thing Kamailio statistic mod:thing (not "
			"known to iwg-admind: a gauge).\n"
			"# TYPE iwg_kamailio_mod_thing gauge\n"
			"iwg_kamailio_mod_thing 4\n"
			"# HELP iwg_rtpengine_ports_used rtpengine: Media ports in use, "
			"per interface.\n"
			"# TYPE iwg_rtpengine_ports_used gauge\n"
			"iwg_rtpengine_ports_used 3\n"
			"# HELP iwg_rtpengine_sessions rtpengine: Sessions now (own, or "
			"foreign: replicated from a peer).\n"
			"# TYPE iwg_rtpengine_sessions gauge\n"
			"iwg_rtpengine_sessions{node=\"r\",type=\"own\"} 2\n"
			"# HELP iwg_up Up\\\\down\\nor not.\n"
			"# TYPE iwg_up gauge\n"
			"iwg_up{node=\"a\"} 1\n");
	sbuf_free(&b);
	sbuf_init(&b);
	metrics_name(&b, "p_", "A--b  c:");
	assert_string_equal(b.s, "p_a_b_c");
	sbuf_free(&b);
	sbuf_init(&b);

	metrics_observe(m, 0, 200, 0.0001);
	metrics_observe(m, 0, 200, 0.2);
	metrics_observe(m, -1, 404, 0.001);
	metrics_render(m, tab, &b);
	assert_non_null(strstr(b.s, "iwg_admind_requests_total{route=\"/api/v1/"
								"calls\",method=\"GET\",code=\"200\"} 2\n"));
	assert_non_null(strstr(b.s, "route=\"unmatched\",method=\"any\","
								"code=\"404\"} 1\n"));
	assert_non_null(strstr(b.s, "iwg_admind_request_duration_seconds_bucket{"
								"route=\"/api/v1/calls\",method=\"GET\","
								"le=\"0.0005\"} 1\n"));
	assert_non_null(strstr(b.s, "le=\"+Inf\"} 2\n"));
	sbuf_free(&b);
	sbuf_init(&b);
	metrics_label_value(&b, "a\"b\\c\nd");
	assert_string_equal(b.s, "a\\\"b\\\\c\\nd");
	sbuf_free(&b);
	metrics_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(routes_match_literals_and_params),
			cmocka_unit_test(route_param_too_long_does_not_match),
			cmocka_unit_test(api_keys_extract_and_lookup),
			cmocka_unit_test(hash_hex_is_sha256),
			cmocka_unit_test(rate_limit_buckets),
			cmocka_unit_test(json_bodies_are_strictly_checked),
			cmocka_unit_test(prometheus_text),
			cmocka_unit_test(kamailio_statistics_are_typed_and_named),
			cmocka_unit_test(rtpengine_statistics_are_typed_and_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
