/*
 * peers.c - dispatcher targets, their failures, trunk registrations and
 * routing rules read from Kamailio's JSON-RPC answers.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "peers.h"

/* uac's registration flags (Kamailio 5.6 uac_reg.c) */
#define UAC_DISABLED 1
#define UAC_ONGOING	 2
#define UAC_ONLINE	 4
#define UAC_AUTHSENT 8
#define UAC_INIT	 16

/* the largest unix time written as ISO 8601: 9999-12-31T23:59:59Z */
#define PEERS_TIME_MAX 253402300799LL

static const char *const rpc_methods[] = {
		[PEERS_DISPATCHER] = "dispatcher.list",
		[PEERS_HTABLE] = "htable.dump",
		[PEERS_UAC] = "uac.reg_dump",
		[PEERS_CCROUTE] = "ccroute.list",
};
_Static_assert(sizeof(rpc_methods) / sizeof(rpc_methods[0]) == PEERS_RPC_COUNT,
			   "one method per peers_rpc");

/* the fault message that means "nothing here" for each command */
static const char *const rpc_empty[] = {
		[PEERS_DISPATCHER] = "No Destination Sets",
		[PEERS_HTABLE] = "No such htable",
		[PEERS_UAC] = "Not enabled",
		[PEERS_CCROUTE] = NULL,
};
_Static_assert(sizeof(rpc_empty) / sizeof(rpc_empty[0]) == PEERS_RPC_COUNT,
			   "one entry per peers_rpc");

const char *peers_rpc_method(peers_rpc rpc)
{
	return rpc < PEERS_RPC_COUNT ? rpc_methods[rpc] : "?";
}

int peers_fault_absent(peers_rpc rpc, int code, const char *msg)
{
	if (code == -32601)
		return 1;
	if (code != 500 || !msg || rpc >= PEERS_RPC_COUNT)
		return 0;
	return !strcmp(msg, "Method Not Found") ||
		   (rpc_empty[rpc] && !strcmp(msg, rpc_empty[rpc]));
}

/* ------------------------------------------------------------ helpers */

static struct json_object *member(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	if (!json_object_is_type(o, json_type_object))
		return NULL;
	json_object_object_get_ex(o, k, &v);
	return v;
}

/* a string member, NULL when absent or not a string */
static const char *str_member(struct json_object *o, const char *k)
{
	struct json_object *v = member(o, k);

	return json_object_is_type(v, json_type_string) ? json_object_get_string(v)
													: NULL;
}

/* a number member as an integer; 1 with *n, 0 when absent or not a number */
static int int_member(struct json_object *o, const char *k, int64_t *n)
{
	struct json_object *v = member(o, k);

	if (json_object_is_type(v, json_type_int)) {
		*n = json_object_get_int64(v);
		return 1;
	}
	if (json_object_is_type(v, json_type_double)) {
		double d = json_object_get_double(v);
		if (d != d || d < -9.2e18 || d > 9.2e18)
			return 0;
		*n = (int64_t)d;
		return 1;
	}
	return 0;
}

/* a new string of a string member, or NULL (JSON null) */
static struct json_object *str_or_null(struct json_object *o, const char *k)
{
	const char *s = str_member(o, k);

	return s ? json_object_new_string(s) : NULL;
}

/* a new integer of a number member, def when absent */
static struct json_object *int_or(struct json_object *o, const char *k,
								  int64_t def)
{
	int64_t n;

	return json_object_new_int64(int_member(o, k, &n) ? n : def);
}

/* ISO 8601 UTC of unix time t, or NULL (JSON null) when t is not > 0 */
static struct json_object *iso_time(int64_t t)
{
	char buf[32];
	time_t tt;
	struct tm tm;

	if (t <= 0 || t > PEERS_TIME_MAX)
		return NULL;
	tt = (time_t)t;
	if (!gmtime_r(&tt, &tm) ||
		!strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
		return NULL;
	return json_object_new_string(buf);
}

/* the value of key in "k=v;k=v" attrs into out; 1 when found */
static int attr_value(const char *attrs, const char *key, char *out,
					  size_t size)
{
	size_t klen = strlen(key), vlen;
	const char *p = attrs, *end;

	while (p && *p) {
		end = strchr(p, ';');
		if (!end)
			end = p + strlen(p);
		if ((size_t)(end - p) > klen && !strncmp(p, key, klen) &&
			p[klen] == '=') {
			vlen = (size_t)(end - p) - klen - 1;
			if (vlen >= size)
				vlen = size - 1;
			memcpy(out, p + klen + 1, vlen);
			out[vlen] = '\0';
			return 1;
		}
		p = *end ? end + 1 : end;
	}
	return 0;
}

/* elements of array a, 0 when a is not an array */
static size_t array_len(struct json_object *a)
{
	return json_object_is_type(a, json_type_array) ? json_object_array_length(a)
												   : 0;
}

/* ------------------------------------------------------------ dispatcher */

const char *peers_state(const char *flags)
{
	if (!flags)
		return "unknown";
	switch (flags[0]) {
	case 'D':
		return "disabled";
	case 'I':
		return flags[1] == 'P' ? "probing" : "down";
	case 'T':
		return "trying";
	case 'A':
		return "up";
	}
	return "unknown";
}

int peers_state_up(const char *state)
{
	return state && (!strcmp(state, "up") || !strcmp(state, "trying"));
}

static struct json_object *latency_json(struct json_object *l)
{
	/* dispatcher's figures (milliseconds) and the names shown */
	static const char *const names[][2] = {{"AVG", "avg_ms"},
										   {"STD", "std_ms"},
										   {"EST", "est_ms"},
										   {"MAX", "max_ms"},
										   {"TIMEOUT", "timeouts"}};
	struct json_object *j, *v;
	size_t i;

	if (!json_object_is_type(l, json_type_object))
		return NULL;
	j = json_object_new_object();
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		v = member(l, names[i][0]);
		json_object_object_add(
				j, names[i][1],
				i < 3 ? json_object_new_double(json_object_get_double(v))
					  : json_object_new_int64(json_object_get_int64(v)));
	}
	return j;
}

/* one DEST of set id as a peer */
static struct json_object *peer_json(int64_t set, struct json_object *d)
{
	struct json_object *j = json_object_new_object(), *attrs;
	const char *flags = str_member(d, "FLAGS"), *body;
	char name[128];

	attrs = member(d, "ATTRS");
	body = str_member(attrs, "BODY");
	json_object_object_add(j, "set", json_object_new_int64(set));
	json_object_object_add(j, "uri", str_or_null(d, "URI"));
	json_object_object_add(j, "name",
						   body && attr_value(body, "name", name, sizeof(name))
								   ? json_object_new_string(name)
								   : NULL);
	json_object_object_add(j, "state",
						   json_object_new_string(peers_state(flags)));
	json_object_object_add(j, "flags",
						   flags ? json_object_new_string(flags) : NULL);
	json_object_object_add(j, "priority", int_or(d, "PRIORITY", 0));
	json_object_object_add(j, "weight",
						   json_object_is_type(attrs, json_type_object)
								   ? int_or(attrs, "WEIGHT", 0)
								   : NULL);
	json_object_object_add(j, "attrs",
						   body ? json_object_new_string(body) : NULL);
	json_object_object_add(j, "latency", latency_json(member(d, "LATENCY")));
	return j;
}

struct json_object *peers_from_dispatcher(struct json_object *res)
{
	struct json_object *out = json_object_new_array(), *recs, *set, *tg, *d;
	size_t i, k;
	int64_t id;

	if (!out)
		return NULL;
	recs = member(res, "RECORDS");
	for (i = 0; i < array_len(recs); i++) {
		set = member(json_object_array_get_idx(recs, i), "SET");
		if (!int_member(set, "ID", &id))
			continue;
		tg = member(set, "TARGETS");
		for (k = 0; k < array_len(tg); k++) {
			d = member(json_object_array_get_idx(tg, k), "DEST");
			if (str_member(d, "URI"))
				json_object_array_add(out, peer_json(id, d));
		}
	}
	return out;
}

/* -------------------------------------------------------------- failures */

/* the entry of uri in fails, made when missing */
static struct json_object *fail_entry(struct json_object *fails,
									  const char *uri, size_t len)
{
	struct json_object *e;
	char *k = strndup(uri, len);

	if (!k)
		return NULL;
	if (!json_object_object_get_ex(fails, k, &e)) {
		e = json_object_new_object();
		json_object_object_add(e, "last_failure", NULL);
		json_object_object_add(e, "failures", json_object_new_int(0));
		json_object_object_add(fails, k, e);
	}
	free(k);
	return e;
}

/* "<code> <time>": 0 with the pair, -1 when malformed */
static int parse_last(const char *s, int *code, int64_t *at)
{
	char *end;
	long c;
	long long t;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	c = strtol(s, &end, 10);
	if (end == s || *end != ' ' || c < 100 || c > 699)
		return -1;
	s = end + 1;
	if (*s < '0' || *s > '9')
		return -1;
	t = strtoll(s, &end, 10);
	if (*end || errno || t <= 0 || t > PEERS_TIME_MAX)
		return -1;
	*code = (int)c;
	*at = t;
	return 0;
}

/* an htable value as a count >= 0; -1 when it is not one */
static int64_t parse_count(struct json_object *v)
{
	const char *s;
	char *end;
	long long n;

	if (json_object_is_type(v, json_type_int))
		return json_object_get_int64(v) < 0 ? -1 : json_object_get_int64(v);
	if (!json_object_is_type(v, json_type_string))
		return -1;
	s = json_object_get_string(v);
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	n = strtoll(s, &end, 10);
	return *end || errno ? -1 : n;
}

/* one htable item {"name", "value", "type"} into fails */
static void fail_item(struct json_object *fails, struct json_object *it)
{
	const char *name = str_member(it, "name");
	struct json_object *e, *lf;
	size_t len;
	int64_t at, n;
	int code;

	if (!name || (len = strlen(name)) < 3)
		return;
	if (len > 6 && !strcmp(name + len - 6, "::last")) {
		if (parse_last(str_member(it, "value"), &code, &at) < 0)
			return;
		e = fail_entry(fails, name, len - 6);
		if (!e)
			return;
		lf = json_object_new_object();
		json_object_object_add(lf, "code", json_object_new_int(code));
		json_object_object_add(lf, "at", iso_time(at));
		json_object_object_add(e, "last_failure", lf);
	} else if (len > 7 && !strcmp(name + len - 7, "::count")) {
		n = parse_count(member(it, "value"));
		if (n < 0)
			return;
		e = fail_entry(fails, name, len - 7);
		if (e)
			json_object_object_add(e, "failures", json_object_new_int64(n));
	}
}

struct json_object *peers_failures(struct json_object *res)
{
	struct json_object *fails = json_object_new_object(), *slot;
	size_t i, k;

	if (!fails)
		return NULL;
	for (i = 0; i < array_len(res); i++) {
		slot = member(json_object_array_get_idx(res, i), "slot");
		for (k = 0; k < array_len(slot); k++)
			fail_item(fails, json_object_array_get_idx(slot, k));
	}
	return fails;
}

void peers_add_failures(struct json_object *peers, struct json_object *fails)
{
	struct json_object *p, *e, *lf;
	const char *uri;
	size_t i;

	for (i = 0; i < array_len(peers); i++) {
		p = json_object_array_get_idx(peers, i);
		uri = str_member(p, "uri");
		e = uri ? member(fails, uri) : NULL;
		lf = member(e, "last_failure");
		json_object_object_add(p, "last_failure",
							   lf ? json_object_get(lf) : NULL);
		json_object_object_add(p, "failures",
							   e ? int_or(e, "failures", 0)
								 : json_object_new_int(0));
	}
}

/* ---------------------------------------------------------------- trunks */

const char *peers_trunk_state(int flags)
{
	if (flags & UAC_DISABLED)
		return "disabled";
	if (flags & UAC_ONLINE)
		return "registered";
	if (flags & (UAC_ONGOING | UAC_AUTHSENT))
		return "registering";
	if (flags & UAC_INIT)
		return "failed";
	return "pending";
}

static struct json_object *trunk_json(struct json_object *r)
{
	struct json_object *j = json_object_new_object();
	const char *domain = str_member(r, "r_domain");
	const char *proxy = str_member(r, "auth_proxy");
	int64_t flags = 0, expires = 0, left = 0, timer = 0;
	int online;
	char reg[320];

	int_member(r, "flags", &flags);
	int_member(r, "expires", &expires);
	int_member(r, "diff_expires", &left);
	int_member(r, "timer_expires", &timer);
	online = !(flags & UAC_DISABLED) && (flags & UAC_ONLINE);
	if (proxy && proxy[0] && strcmp(proxy, "none"))
		snprintf(reg, sizeof(reg), "%s", proxy);
	else if (domain)
		snprintf(reg, sizeof(reg), "sip:%s", domain);
	else
		reg[0] = '\0';
	json_object_object_add(j, "id", str_or_null(r, "l_uuid"));
	json_object_object_add(j, "username", str_or_null(r, "r_username"));
	json_object_object_add(j, "domain", str_or_null(r, "r_domain"));
	json_object_object_add(j, "registrar",
						   reg[0] ? json_object_new_string(reg) : NULL);
	json_object_object_add(
			j, "state", json_object_new_string(peers_trunk_state((int)flags)));
	json_object_object_add(j, "flags", json_object_new_int64(flags));
	json_object_object_add(j, "expires", json_object_new_int64(expires));
	json_object_object_add(j, "expires_in",
						   online ? json_object_new_int64(left < 0 ? 0 : left)
								  : NULL);
	/* uac adds the granted expiry to the time the REGISTER was sent */
	json_object_object_add(j, "last_register_at",
						   online && timer > expires ? iso_time(timer - expires)
													 : NULL);
	return j;
}

struct json_object *peers_trunks(struct json_object *res)
{
	struct json_object *out = json_object_new_array(), *r;
	size_t i;

	if (!out)
		return NULL;
	for (i = 0; i < array_len(res); i++) {
		r = json_object_array_get_idx(res, i);
		if (str_member(r, "l_uuid"))
			json_object_array_add(out, trunk_json(r));
	}
	return out;
}

/* --------------------------------------------------------------- routing */

/* the string elements of array member k as a new array */
static struct json_object *strings(struct json_object *o, const char *k)
{
	struct json_object *a = member(o, k), *out = json_object_new_array(), *s;
	size_t i;

	for (i = 0; i < array_len(a); i++) {
		s = json_object_array_get_idx(a, i);
		if (json_object_is_type(s, json_type_string))
			json_object_array_add(out, json_object_get(s));
	}
	return out;
}

static struct json_object *rule_json(struct json_object *r)
{
	struct json_object *j = json_object_new_object();
	int64_t t = 0;

	int_member(r, "last_hit", &t);
	json_object_object_add(j, "name", str_or_null(r, "name"));
	json_object_object_add(j, "when", str_or_null(r, "when"));
	json_object_object_add(j, "set", int_or(r, "set", 0));
	json_object_object_add(j, "headers", strings(r, "headers"));
	json_object_object_add(j, "hits", int_or(r, "hits", 0));
	json_object_object_add(j, "last_hit", iso_time(t));
	return j;
}

struct json_object *peers_routing(struct json_object *res)
{
	struct json_object *j, *rules, *r, *a;
	int64_t t = 0;
	size_t i;

	if (!json_object_is_type(res, json_type_object))
		return NULL;
	j = json_object_new_object();
	rules = json_object_new_array();
	int_member(res, "loaded", &t);
	json_object_object_add(j, "file", str_or_null(res, "file"));
	json_object_object_add(j, "loaded", iso_time(t));
	json_object_object_add(j, "unmatched", int_or(res, "unmatched", 0));
	a = member(res, "rules");
	for (i = 0; i < array_len(a); i++) {
		r = json_object_array_get_idx(a, i);
		if (str_member(r, "name"))
			json_object_array_add(rules, rule_json(r));
	}
	json_object_object_add(j, "rules", rules);
	return j;
}

struct json_object *peers_route_test(struct json_object *res)
{
	struct json_object *j;
	const char *rule = str_member(res, "rule");
	int64_t set = 0;

	if (!json_object_is_type(res, json_type_object))
		return NULL;
	int_member(res, "set", &set);
	j = json_object_new_object();
	json_object_object_add(
			j, "rule", rule && rule[0] ? json_object_new_string(rule) : NULL);
	json_object_object_add(
			j, "set",
			rule && rule[0] && set > 0 ? json_object_new_int64(set) : NULL);
	json_object_object_add(j, "headers", strings(res, "headers"));
	return j;
}

/* ----------------------------------------------------- the routing test */

const jsonv_field peers_schema_routing_test[] = {
		{"context", JSONV_OBJECT, 1, 0, 0, NULL, 0, 0},
		{"node", JSONV_STRING, 0, 1, 31, NULL, 0, 0},
};
const size_t peers_schema_routing_test_n = sizeof(peers_schema_routing_test) /
										   sizeof(peers_schema_routing_test[0]);

static int ctx_fail(jsonv_error *e, const char *key, const char *fmt, ...)
		__attribute__((format(printf, 3, 4)));

static int ctx_fail(jsonv_error *e, const char *key, const char *fmt, ...)
{
	va_list ap;

	if (key)
		snprintf(e->field, sizeof(e->field), "context.%.32s", key);
	else
		snprintf(e->field, sizeof(e->field), "context");
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* 1 when k is [a-z][a-z0-9_]{0,31} */
static int ctx_key_ok(const char *k)
{
	size_t i;

	if (k[0] < 'a' || k[0] > 'z')
		return 0;
	for (i = 1; k[i]; i++)
		if (i > 31 || !((k[i] >= 'a' && k[i] <= 'z') ||
						(k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
			return 0;
	return 1;
}

int peers_context_param(struct json_object *ctx, char *out, size_t size,
						jsonv_error *e)
{
	char num[24];
	const char *v;
	size_t len = 0, vlen, i;
	int n = 0;

	memset(e, 0, sizeof(*e));
	if (size < PEERS_CTX_BUF)
		return ctx_fail(e, NULL, "internal: buffer too small");
	out[0] = '\0';
	if (!json_object_is_type(ctx, json_type_object))
		return ctx_fail(e, NULL, "must be an object");
	json_object_object_foreach(ctx, key, val)
	{
		if (!ctx_key_ok(key))
			return ctx_fail(e, key, "key must match [a-z][a-z0-9_]{0,31}");
		if (++n > PEERS_CTX_MAX)
			return ctx_fail(e, NULL, "more than %d keys", PEERS_CTX_MAX);
		if (json_object_is_type(val, json_type_int)) {
			snprintf(num, sizeof(num), "%lld",
					 (long long)json_object_get_int64(val));
			v = num;
			vlen = strlen(num);
		} else if (json_object_is_type(val, json_type_string)) {
			v = json_object_get_string(val);
			vlen = (size_t)json_object_get_string_len(val);
		} else {
			return ctx_fail(e, key, "must be a string or an integer");
		}
		if (vlen > PEERS_CTX_VALUE_MAX)
			return ctx_fail(e, key, "longer than %d bytes",
							PEERS_CTX_VALUE_MAX);
		for (i = 0; i < vlen; i++)
			if (v[i] == ';' || v[i] == '=' || (unsigned char)v[i] < 0x20 ||
				v[i] == 0x7f) /* NUL included */
				return ctx_fail(e, key,
								"character %zu (0x%02x) not allowed (no ';', "
								"'=' or control characters)",
								i, (unsigned char)v[i]);
		len += (size_t)snprintf(out + len, size - len, "%s%s=%s",
								len ? ";" : "", key, v);
	}
	return 0;
}

/* ---------------------------------------------------------------- metrics */

static const char up_help[] =
		"1 when the dispatcher routes calls to the target (state up or "
		"trying), 0 when it is down, probing or disabled.";
static const char fail_help[] =
		"Calls the target failed since Kamailio started (htable peerfail "
		"<uri>::count, written by the routing script).";
static const char trunk_help[] =
		"1 when the trunk registration (uac) is registered, else 0.";
static const char hits_help[] =
		"Calls routed by the contact-center routing rule (iwg_ccroute) "
		"since its rules were loaded.";
static const char unmatched_help[] =
		"Calls no contact-center routing rule matched (iwg_ccroute).";

/* labels + ,name="value" ... (pairs of name, value; NULL-terminated) */
static void labels_of(sbuf *b, const char *labels, ...)
{
	const char *name, *value;
	va_list ap;

	sbuf_puts(b, labels);
	va_start(ap, labels);
	while ((name = va_arg(ap, const char *))) {
		value = va_arg(ap, const char *);
		sbuf_printf(b, "%s%s=\"", b->len ? "," : "", name);
		metrics_label_value(b, value ? value : "");
		sbuf_puts(b, "\"");
	}
	va_end(ap);
}

static void add_sample(metrics_set *set, const char *family, metrics_type t,
					   const char *help, sbuf *l, double v)
{
	if (sbuf_ok(l))
		metrics_set_add(set, family, t, help, l->s ? l->s : "", v);
	sbuf_free(l);
}

static void peer_metrics(metrics_set *set, const char *labels,
						 struct json_object *p)
{
	char sid[24];
	int64_t n = 0;
	sbuf l;

	int_member(p, "set", &n);
	snprintf(sid, sizeof(sid), "%lld", (long long)n);
	sbuf_init(&l);
	labels_of(&l, labels, "set", sid, "uri", str_member(p, "uri"), NULL);
	add_sample(set, "iwg_peer_up", METRICS_GAUGE, up_help, &l,
			   peers_state_up(str_member(p, "state")));
	n = 0;
	int_member(p, "failures", &n);
	sbuf_init(&l);
	labels_of(&l, labels, "set", sid, "uri", str_member(p, "uri"), NULL);
	add_sample(set, "iwg_peer_failures_total", METRICS_COUNTER, fail_help, &l,
			   (double)n);
}

void peers_metrics(metrics_set *set, const char *labels,
				   struct json_object *view)
{
	struct json_object *a, *x, *routing;
	const char *s;
	int64_t n;
	size_t i;
	sbuf l;

	a = member(view, "peers");
	for (i = 0; i < array_len(a); i++)
		peer_metrics(set, labels, json_object_array_get_idx(a, i));
	a = member(view, "trunks");
	for (i = 0; i < array_len(a); i++) {
		x = json_object_array_get_idx(a, i);
		s = str_member(x, "state");
		sbuf_init(&l);
		labels_of(&l, labels, "trunk", str_member(x, "id"), NULL);
		add_sample(set, "iwg_trunk_registered", METRICS_GAUGE, trunk_help, &l,
				   s && !strcmp(s, "registered"));
	}
	routing = member(view, "routing");
	if (!json_object_is_type(routing, json_type_object))
		return;
	a = member(routing, "rules");
	for (i = 0; i < array_len(a); i++) {
		x = json_object_array_get_idx(a, i);
		n = 0;
		int_member(x, "hits", &n);
		sbuf_init(&l);
		labels_of(&l, labels, "rule", str_member(x, "name"), NULL);
		add_sample(set, "iwg_ccroute_rule_hits_total", METRICS_COUNTER,
				   hits_help, &l, (double)n);
	}
	n = 0;
	int_member(routing, "unmatched", &n);
	sbuf_init(&l);
	sbuf_puts(&l, labels);
	add_sample(set, "iwg_ccroute_unmatched_total", METRICS_COUNTER,
			   unmatched_help, &l, (double)n);
}
