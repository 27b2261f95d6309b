/*
 * test_admind_cluster.c - iwg-admind cluster view: totals over the nodes
 * that are up only (a down or degraded node named in not_counted, never
 * counted as 0), unknown figures as null, last_seen kept for a node that
 * stopped answering, no view before the first sample. The registrations
 * of nodes that share them (WITH_CLUSTER): in the totals the largest of
 * their usrloc counts (each lists the whole cluster's), not their sum,
 * and the contacts each holds null; in the listing each contact once (AoR
 * and ruid), held by the node its Path names, never merged with a contact
 * of a node that does not share; a node down still named from its last
 * identity; the Path and Kamailio answers read as they come.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "../../admin/src/cluster.h"
#include "../../admin/src/regview.h"

#define T0 1767225600.0 /* 2026-01-01T00:00:00Z */

static cluster_node kam(const char *name, cluster_state st, double regs,
						double calls)
{
	cluster_node n;

	cluster_node_init(&n, CLUSTER_KAMAILIO, name, "http://127.0.0.1/RPC");
	n.state = st;
	n.registrations = regs;
	n.calls_active = calls;
	if (st != CLUSTER_UP)
		snprintf(n.reason, sizeof(n.reason), "%s: connection refused", name);
	return n;
}

static cluster_node rtp(const char *name, cluster_state st, double sessions)
{
	cluster_node n;

	cluster_node_init(&n, CLUSTER_RTPENGINE, name, "127.0.0.1:2223");
	n.state = st;
	n.sessions = sessions;
	return n;
}

/* jq-like path a.b of j as JSON text ("null" when null or missing) */
static const char *at(struct json_object *j, const char *a, const char *b)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(j, a, &v))
		return "missing";
	if (b && !json_object_object_get_ex(v, b, &v))
		return "missing";
	return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
}

static void test_no_view_before_first_sample(void **state)
{
	cluster *c = cluster_new();

	(void)state;
	assert_non_null(c);
	assert_null(cluster_json(c, T0, 10));
	cluster_free(c);
}

static void test_totals_over_nodes_up(void **state)
{
	cluster *c = cluster_new();
	cluster_node v[4];
	struct json_object *j, *n;

	(void)state;
	v[0] = kam("kam1", CLUSTER_UP, 2, 1);
	v[1] = kam("kam2", CLUSTER_UP, 1, 0);
	v[2] = kam("kam3", CLUSTER_UP, NAN, NAN); /* no usrloc, no dialog */
	v[3] = rtp("rtp1", CLUSTER_UP, 1);
	assert_int_equal(cluster_put(c, v, 4, T0), 0);
	j = cluster_json(c, T0 + 0.5, 10);
	assert_non_null(j);
	assert_string_equal(at(j, "sampled_at", NULL), "\"2026-01-01T00:00:00Z\"");
	assert_string_equal(at(j, "age_seconds", NULL), "0.500");
	assert_string_equal(at(j, "totals", "registrations"), "3");
	assert_string_equal(at(j, "totals", "calls_active"), "1");
	assert_string_equal(at(j, "totals", "media_sessions"), "1");
	assert_string_equal(at(j, "totals", "complete"), "true");
	assert_string_equal(at(j, "totals", "not_counted"), "[]");
	n = json_object_array_get_idx(json_object_object_get(j, "nodes"), 2);
	assert_string_equal(at(n, "registrations", NULL), "null");
	assert_string_equal(at(n, "reason", NULL), "null");
	assert_string_equal(at(n, "last_seen", NULL), "\"2026-01-01T00:00:00Z\"");
	n = json_object_array_get_idx(json_object_object_get(j, "nodes"), 3);
	assert_string_equal(at(n, "kind", NULL), "\"rtpengine\"");
	assert_string_equal(at(n, "sessions", NULL), "1");
	assert_string_equal(at(n, "registrations", NULL), "missing");
	json_object_put(j);
	cluster_free(c);
}

static void test_down_and_degraded_not_counted(void **state)
{
	cluster *c = cluster_new();
	cluster_node v[3];
	struct json_object *j, *n;

	(void)state;
	v[0] = kam("kam1", CLUSTER_UP, 2, 1);
	v[1] = kam("kam2", CLUSTER_UP, 5, 3);
	v[2] = rtp("rtp1", CLUSTER_UP, 4);
	assert_int_equal(cluster_put(c, v, 3, T0), 0);
	/* 20 s later kam2 is down, rtp1 answers its ping but not statistics */
	v[1] = kam("kam2", CLUSTER_DOWN, NAN, NAN);
	v[2] = rtp("rtp1", CLUSTER_DEGRADED, NAN);
	assert_int_equal(cluster_put(c, v, 3, T0 + 20), 0);
	j = cluster_json(c, T0 + 21, 10);
	assert_string_equal(at(j, "totals", "registrations"), "2");
	assert_string_equal(at(j, "totals", "calls_active"), "1");
	assert_string_equal(at(j, "totals", "media_sessions"), "null");
	assert_string_equal(at(j, "totals", "complete"), "false");
	assert_string_equal(at(j, "totals", "not_counted"), "[\"kam2\",\"rtp1\"]");
	assert_string_equal(at(j, "totals", "nodes_up"), "1");
	assert_string_equal(at(j, "totals", "nodes_degraded"), "1");
	assert_string_equal(at(j, "totals", "nodes_down"), "1");
	n = json_object_array_get_idx(json_object_object_get(j, "nodes"), 1);
	assert_string_equal(at(n, "state", NULL), "\"down\"");
	assert_string_equal(at(n, "reason", NULL), "\"kam2: connection refused\"");
	assert_string_equal(at(n, "registrations", NULL), "null");
	/* last seen: the sample it last answered, not the newest */
	assert_string_equal(at(n, "last_seen", NULL), "\"2026-01-01T00:00:00Z\"");
	n = json_object_array_get_idx(json_object_object_get(j, "nodes"), 2);
	assert_string_equal(at(n, "state", NULL), "\"degraded\"");
	assert_string_equal(at(n, "last_seen", NULL), "\"2026-01-01T00:00:20Z\"");
	json_object_put(j);
	cluster_free(c);
}

static void test_never_seen_is_null(void **state)
{
	cluster *c = cluster_new();
	cluster_node v = kam("kam9", CLUSTER_DOWN, NAN, NAN);
	struct json_object *j, *n;

	(void)state;
	assert_int_equal(cluster_put(c, &v, 1, T0), 0);
	j = cluster_json(c, T0, 10);
	n = json_object_array_get_idx(json_object_object_get(j, "nodes"), 0);
	assert_string_equal(at(n, "last_seen", NULL), "null");
	assert_string_equal(at(j, "totals", "registrations"), "null");
	assert_string_equal(at(j, "totals", "not_counted"), "[\"kam9\"]");
	json_object_put(j);
	cluster_free(c);
}

/* ------------------------------------------------ shared registrations */

/* ul.dump as Kamailio's jsonrpcs answers it */
#define CT(addr, ruid, path)                                           \
	"{\"Contact\":{\"Address\":\"" addr "\",\"Expires\":600,\"Q\":-1," \
	"\"Call-ID\":\"c-" ruid "\",\"Path\":\"" path "\",\"Ruid\":\"" ruid "\"}}"
#define AOR(aor, cts) \
	"{\"Info\":{\"AoR\":\"" aor "\",\"HashID\":1,\"Contacts\":[" cts "]}}"
#define DUMP(aors)                                                      \
	"{\"Domains\":[{\"Domain\":{\"Domain\":\"location\",\"Size\":1024," \
	"\"AoRs\":[" aors "],\"Stats\":{\"Records\":1,\"Max-Slots\":1}}}]}"
#define PATH_A \
	"<sip:127.0.0.21:5060;transport=tcp;lr;iwg-flow=sip%3A1;iwg-cid=4>"
#define PATH_B \
	"<sip:127.0.0.22:5060;transport=tcp;lr;iwg-flow=sip%3A2;iwg-cid=9>"

static const char *const names3[] = {"kam1", "kamA", "kamB"};

static regview_ident ident(int shared, const char *sockets)
{
	struct json_object *j = json_tokener_parse(sockets);
	regview_ident id;

	memset(&id, 0, sizeof(id));
	id.known = 1;
	id.shared = shared;
	regview_ident_sockets(j, &id);
	json_object_put(j);
	return id;
}

/* core.sockets_list of a node on ADDR (udp and tcp 5060, ws 8080) */
#define SOCKETS(addr)                                                     \
	"[{\"socket\":{\"proto\":\"udp\",\"address\":\"" addr "\",\"port\":"  \
	"\"5060\",\"mcast\":\"no\",\"mhomed\":\"no\",\"virtual\":\"no\"}},"   \
	"{\"socket\":{\"proto\":\"tcp\",\"address\":\"" addr "\",\"port\":"   \
	"\"5060\"}},{\"socket\":{\"proto\":\"tcp\",\"address\":\"" addr "\"," \
	"\"port\":\"8080\"}},{\"socket\":{\"proto\":\"tcp\",\"address\":"     \
	"\"127.0.0.1\",\"port\":\"5065\"}}]"

static void add(regview *v, int i, const char *dump, const char *user,
				int taken)
{
	struct json_object *j = json_tokener_parse(dump);

	assert_non_null(j);
	assert_int_equal(regview_add_dump(v, i, j, user), taken);
	json_object_put(j); /* the view keeps its own reference */
}

/* "aor@node(listed_by,...):ruid,ruid" per item, space separated */
static const char *items_text(regview *v, int only, char *buf, size_t sz)
{
	struct json_object *items = regview_items(v, only), *it, *x;
	size_t i, k, o = 0;

	assert_non_null(items);
	buf[0] = '\0';
	for (i = 0; i < json_object_array_length(items); i++) {
		it = json_object_array_get_idx(items, i);
		x = json_object_object_get(it, "node");
		o += (size_t)snprintf(
				buf + o, sz - o, "%s%s@%s(", i ? " " : "",
				json_object_get_string(json_object_object_get(it, "aor")),
				x ? json_object_get_string(x) : "null");
		x = json_object_object_get(it, "listed_by");
		for (k = 0; k < json_object_array_length(x); k++)
			o += (size_t)snprintf(
					buf + o, sz - o, "%s%s", k ? "," : "",
					json_object_get_string(json_object_array_get_idx(x, k)));
		o += (size_t)snprintf(buf + o, sz - o, "):");
		x = json_object_object_get(it, "contacts");
		for (k = 0; k < json_object_array_length(x); k++)
			o += (size_t)snprintf(
					buf + o, sz - o, "%s%s", k ? "," : "",
					json_object_get_string(json_object_object_get(
							json_object_array_get_idx(x, k), "ruid")));
	}
	json_object_put(items);
	return buf;
}

/* kam1 on its own; kamA and kamB share: alice has a browser on each, bob
 * and frank are on B (frank not yet copied to A), a static contact has no
 * Path; kam1 made a ruid that kamA made too */
static regview *three_nodes(void)
{
	regview *v = regview_new(3, names3);
	regview_ident a = ident(1, SOCKETS("127.0.0.21")),
				  b = ident(1, SOCKETS("127.0.0.22")), one = ident(0, "[]");

	assert_non_null(v);
	regview_set_ident(v, 0, &one);
	regview_set_ident(v, 1, &a);
	regview_set_ident(v, 2, &b);
	add(v, 0,
		DUMP(AOR("alice@iwg.test", CT("sip:alice@10.0.0.1", "r1", "")) "," AOR(
				"carol@iwg.test", CT("sip:carol@10.0.0.2", "k2", ""))),
		NULL, 2);
	add(v, 1,
		DUMP(AOR(
				"alice@iwg.test",
				CT("sip:a1@df7jal23ls0d.invalid;transport=ws", "r1",
				   PATH_A) "," CT("sip:a2@x.invalid;transport=ws", "r3",
								  PATH_B)) "," AOR("bob@iwg.test",
												   CT("sip:b@y.invalid;"
													  "transport=ws",
													  "r2",
													  PATH_B)) "," AOR("static@"
																	   "iwg."
																	   "test",
																	   CT("sip:"
																		  "s@"
																		  "10."
																		  "0.0."
																		  "9",
																		  "s1",
																		  ""))),
		NULL, 4);
	add(v, 2,
		DUMP(AOR("static@iwg.test", CT("sip:s@10.0.0.9", "s1", "")) "," AOR(
				"frank@iwg.test",
				CT("sip:f@z.invalid;transport=ws", "r4",
				   PATH_B)) "," AOR("bob@iwg.test",
									CT("sip:b@y.invalid;transport=ws", "r2",
									   PATH_B)) "," AOR("alice@iwg.test",
														CT("sip:a2@x.invalid;"
														   "transport=ws",
														   "r3",
														   PATH_B) "," CT("sip:"
																		  "a1@"
																		  "df7j"
																		  "al23"
																		  "ls0d"
																		  ".inv"
																		  "alid"
																		  ";tra"
																		  "nspo"
																		  "rt="
																		  "ws",
																		  "r1",
																		  PATH_A))),
		NULL, 5);
	return v;
}

static void test_shared_contacts_counted_once(void **state)
{
	regview *v = three_nodes();

	(void)state;
	assert_int_equal(regview_total(v), 7); /* 5 shared + kam1's 2 */
	assert_true(regview_held(v, 0) == 2);
	assert_true(regview_held(v, 1) == 1); /* alice's r1 */
	assert_true(regview_held(v, 2) == 3); /* alice's r3, bob, frank */
	assert_true(regview_listed(v, 1) == 4);
	assert_true(regview_listed(v, 2) == 5);
	regview_free(v);
}

static void test_shared_listing_names_the_holder(void **state)
{
	regview *v = three_nodes();
	char buf[1024];

	(void)state;
	assert_string_equal(items_text(v, -1, buf, sizeof(buf)),
						"alice@iwg.test@kam1(kam1):r1 "
						"alice@iwg.test@kamA(kamA,kamB):r1 "
						"alice@iwg.test@kamB(kamA,kamB):r3 "
						"bob@iwg.test@kamB(kamA,kamB):r2 "
						"carol@iwg.test@kam1(kam1):k2 "
						"frank@iwg.test@kamB(kamB):r4 "
						"static@iwg.test@null(kamA,kamB):s1");
	assert_string_equal(items_text(v, 2, buf, sizeof(buf)),
						"alice@iwg.test@kamB(kamA,kamB):r3 "
						"bob@iwg.test@kamB(kamA,kamB):r2 "
						"frank@iwg.test@kamB(kamB):r4");
	assert_string_equal(items_text(v, 0, buf, sizeof(buf)),
						"alice@iwg.test@kam1(kam1):r1 "
						"carol@iwg.test@kam1(kam1):k2");
	regview_free(v);
}

static void test_contact_keys_snake_case(void **state)
{
	regview *v = three_nodes();
	struct json_object *items = regview_items(v, 1), *ct;

	(void)state;
	ct = json_object_array_get_idx(
			json_object_object_get(json_object_array_get_idx(items, 0),
								   "contacts"),
			0);
	assert_string_equal(at(ct, "call_id", NULL), "\"c-r1\"");
	assert_string_equal(at(ct, "path", NULL), "\"" PATH_A "\"");
	assert_string_equal(at(ct, "Call-ID", NULL), "missing");
	json_object_put(items);
	regview_free(v);
}

static void test_user_filter(void **state)
{
	regview *v = regview_new(3, names3);
	regview_ident b = ident(1, SOCKETS("127.0.0.22"));
	char buf[512];

	(void)state;
	regview_set_ident(v, 2, &b);
	add(v, 2,
		DUMP(AOR("alice@iwg.test", CT("sip:a@x", "r3", PATH_B)) "," AOR(
				"alice2@iwg.test",
				CT("sip:a2@x", "r5", PATH_B)) "," AOR("bob@iwg.test",
													  CT("sip:b@y", "r2",
														 PATH_B))),
		"alice", 1);
	assert_string_equal(items_text(v, -1, buf, sizeof(buf)),
						"alice@iwg.test@kamB(kamB):r3");
	/* a second dump of the same node is refused */
	add(v, 2, DUMP(AOR("bob@iwg.test", CT("sip:b@y", "r2", PATH_B))), NULL, -1);
	regview_free(v);
}

/* kamB is down: its contacts, still in kamA's usrloc, are named after it
 * from its last identity; its own figures are unknown; a node never seen
 * is not named */
static void test_node_down_named_from_its_last_identity(void **state)
{
	regview *v = regview_new(3, names3);
	regview_ident a = ident(1, SOCKETS("127.0.0.21")),
				  b = ident(1, SOCKETS("127.0.0.22"));
	regview_cache *c = regview_cache_new(3);
	regview_ident got;
	char buf[512];

	(void)state;
	regview_cache_get(c, 2, &got);
	assert_int_equal(got.known, 0);
	regview_cache_put(c, 2, &b);
	regview_cache_get(c, 2, &got);
	regview_set_ident(v, 1, &a);
	add(v, 1,
		DUMP(AOR("bob@iwg.test", CT("sip:b@y", "r2", PATH_B)) "," AOR(
				"dan@iwg.test",
				CT("sip:d@y", "r6", "<sip:127.0.0.23:5060;lr>"))),
		NULL, 2);
	assert_string_equal(items_text(v, -1, buf, sizeof(buf)),
						"bob@iwg.test@null(kamA):r2 "
						"dan@iwg.test@null(kamA):r6");
	regview_set_ident(v, 2, &got);
	assert_string_equal(items_text(v, -1, buf, sizeof(buf)),
						"bob@iwg.test@kamB(kamA):r2 "
						"dan@iwg.test@null(kamA):r6");
	assert_true(isnan(regview_held(v, 2)));
	assert_true(regview_held(v, 1) == 0);
	assert_int_equal(regview_total(v), 2);
	regview_cache_free(c);
	regview_free(v);
}

static void test_path_addr(void **state)
{
	static const struct {
		const char *path, *host;
		unsigned port;
	} ok[] = {
			{PATH_A, "127.0.0.21", 5060},
			{" <SIP:Edge.Example.ORG;lr>", "edge.example.org", 5060},
			{"sip:10.1.2.3:5070;lr", "10.1.2.3", 5070},
			{"<sips:[2001:DB8::1]:5071;lr>", "2001:db8::1", 5071},
			{"<sips:edge>", "edge", 5061},
			{"<sip:node@10.0.0.1:5080;lr>,<sip:10.9.9.9;lr>", "10.0.0.1", 5080},
	};
	static const char *const bad[] = {
			"",
			"<tel:+4915112345678>",
			"<sip:;lr>",
			"<sip:host:0;lr>",
			"<sip:host:65536>",
			"<sip:[::1;lr>",
			"<sip:host:x>",
			"sip:",
			"<sip:[]:5060>",
			"<sip:a123456789b123456789c123456789d123456789e123456789f123456789g"
			"123456789;lr>",
	};
	regview_addr a;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(regview_path_addr(ok[i].path, &a), 0);
		assert_string_equal(a.host, ok[i].host);
		assert_int_equal(a.port, ok[i].port);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (regview_path_addr(bad[i], &a) == 0)
			fail_msg("'%s' read as %s:%u", bad[i], a.host, a.port);
}

static void test_ident_from_kamailio(void **state)
{
	static const char *const infos[] = {
			"{\"preset\":\"gateway\",\"auth\":\"digest\",\"open\":0,"
			"\"cluster_nodes\":\"127.0.0.21/32,127.0.0.22/32\"}",
			"{\"preset\":\"gateway\",\"auth\":\"digest\",\"open\":0,"
			"\"cluster_nodes\":\"\"}",
			"{\"preset\":\"ims\"}",
			"[]",
	};
	struct json_object *j;
	regview_ident id;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(infos) / sizeof(infos[0]); i++) {
		memset(&id, 0, sizeof(id));
		j = json_tokener_parse(infos[i]);
		regview_ident_edge(j, &id);
		json_object_put(j);
		assert_int_equal(id.known, 1);
		assert_int_equal(id.shared, i == 0);
	}
	id = ident(1, SOCKETS("127.0.0.21"));
	assert_int_equal(id.n_addrs, 4);
	assert_string_equal(id.addrs[2].host, "127.0.0.21");
	assert_int_equal(id.addrs[2].port, 8080);
	/* no address or port, a port out of range: skipped */
	id = ident(1, "[{\"socket\":{\"proto\":\"udp\",\"port\":\"5060\"}},"
				  "{\"socket\":{\"address\":\"::1\",\"port\":\"70000\"}},"
				  "{\"address\":\"[::1]\",\"port\":5062},7,null]");
	assert_int_equal(id.n_addrs, 1);
	assert_string_equal(id.addrs[0].host, "::1");
}

/* a Kamailio node that shares its registrations and lists listed */
static cluster_node kam_shared(const char *name, cluster_state st,
							   double listed)
{
	cluster_node n = kam(name, st, NAN, 0);

	n.shared = 1;
	n.registrations_listed = listed;
	return n;
}

static void test_cluster_total_with_shared_nodes(void **state)
{
	cluster *c = cluster_new();
	cluster_node v[4];
	struct json_object *j, *n;

	(void)state;
	v[0] = kam("kam1", CLUSTER_UP, 2, 0);
	v[0].registrations_listed = 2;
	v[1] = kam_shared("kamA", CLUSTER_UP, 5);
	v[2] = kam_shared("kamB", CLUSTER_UP, 4); /* DMQ still catching up */
	v[3] = kam_shared("kamC", CLUSTER_DOWN, NAN);
	/* each sharing node lists the whole cluster's: the largest, not the
	 * sum 5 + 4, plus kam1's own */
	assert_true(cluster_registrations(v, 4) == 7);
	v[1].state = CLUSTER_DEGRADED; /* kamA not counted: kamB's */
	assert_true(cluster_registrations(v, 4) == 6);
	assert_true(cluster_registrations(v + 1, 3) == 4);
	v[2].state = CLUSTER_DOWN; /* no sharing node up: kam1's alone */
	assert_true(cluster_registrations(v, 4) == 2);
	assert_true(isnan(cluster_registrations(v + 1, 3)));
	v[1].state = v[2].state = CLUSTER_UP;
	assert_true(isnan(cluster_total_registrations(c))); /* no view yet */
	assert_int_equal(cluster_put(c, v, 4, T0), 0);
	assert_true(cluster_total_registrations(c) == 7);
	j = cluster_json(c, T0, 10);
	assert_string_equal(at(j, "totals", "registrations"), "7");
	assert_string_equal(at(j, "totals", "not_counted"), "[\"kamC\"]");
	n = json_object_array_get_idx(json_object_object_get(j, "nodes"), 1);
	assert_string_equal(at(n, "shares_registrations", NULL), "true");
	/* the contacts whose connection it holds: not known from statistics */
	assert_string_equal(at(n, "registrations", NULL), "null");
	assert_string_equal(at(n, "registrations_listed", NULL), "5");
	n = json_object_array_get_idx(json_object_object_get(j, "nodes"), 0);
	assert_string_equal(at(n, "shares_registrations", NULL), "false");
	assert_string_equal(at(n, "registrations", NULL), "2");
	assert_string_equal(at(n, "registrations_listed", NULL), "2");
	json_object_put(j);
	cluster_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_no_view_before_first_sample),
			cmocka_unit_test(test_totals_over_nodes_up),
			cmocka_unit_test(test_down_and_degraded_not_counted),
			cmocka_unit_test(test_never_seen_is_null),
			cmocka_unit_test(test_shared_contacts_counted_once),
			cmocka_unit_test(test_shared_listing_names_the_holder),
			cmocka_unit_test(test_contact_keys_snake_case),
			cmocka_unit_test(test_user_filter),
			cmocka_unit_test(test_node_down_named_from_its_last_identity),
			cmocka_unit_test(test_path_addr),
			cmocka_unit_test(test_ident_from_kamailio),
			cmocka_unit_test(test_cluster_total_with_shared_nodes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
