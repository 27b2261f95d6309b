/*
 * metrics.c - request counters and latency histograms; Prometheus names
 * and types of the Kamailio and rtpengine statistics; the sample set.
 */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

static const unsigned metrics_codes[] = {
		200, 201, 204, 400, 401, 403, 404, 405,
		409, 413, 429, 500, 502, 503, 0 /* other */};
#define N_CODES (sizeof(metrics_codes) / sizeof(metrics_codes[0]))

static const double metrics_buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01,
										 0.025,	 0.05,	0.1,	0.25,  0.5,
										 1,		 2.5,	5};
#define N_BUCKETS (sizeof(metrics_buckets) / sizeof(metrics_buckets[0]))

typedef struct route_stats {
	uint64_t count[N_CODES];
	uint64_t bucket[N_BUCKETS]; /* not cumulative; summed when rendered */
	uint64_t total;
	uint64_t sum_ns;
} route_stats;

struct metrics {
	size_t n;			/* routes; slot n is "unmatched" */
	route_stats *stats; /* n + 1 */
};

metrics *metrics_new(size_t n_routes)
{
	metrics *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->stats = calloc(n_routes + 1, sizeof(route_stats));
	if (!m->stats) {
		free(m);
		return NULL;
	}
	m->n = n_routes;
	return m;
}

void metrics_free(metrics *m)
{
	if (!m)
		return;
	free(m->stats);
	free(m);
}

static void add(uint64_t *p, uint64_t v)
{
	__atomic_fetch_add(p, v, __ATOMIC_RELAXED);
}

static uint64_t get(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

void metrics_observe(metrics *m, int route, unsigned status, double seconds)
{
	route_stats *s;
	size_t i;

	if (route < 0 || (size_t)route >= m->n)
		route = (int)m->n;
	s = &m->stats[route];
	for (i = 0; i < N_CODES - 1 && metrics_codes[i] != status; i++)
		;
	add(&s->count[i], 1);
	for (i = 0; i < N_BUCKETS && seconds > metrics_buckets[i]; i++)
		;
	if (i < N_BUCKETS)
		add(&s->bucket[i], 1);
	add(&s->total, 1);
	if (seconds > 0)
		add(&s->sum_ns, (uint64_t)(seconds * 1e9));
}

void metrics_name(sbuf *out, const char *prefix, const char *name)
{
	int gap = 0, any = 0;
	char ch;

	sbuf_puts(out, prefix);
	for (; *name; name++) {
		ch = (char)tolower((unsigned char)*name);
		if (!(ch >= 'a' && ch <= 'z') && !(ch >= '0' && ch <= '9')) {
			gap = any;
			continue;
		}
		if (gap)
			sbuf_add(out, "_", 1);
		gap = 0;
		any = 1;
		sbuf_add(out, &ch, 1);
	}
}

void metrics_label_value(sbuf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			sbuf_puts(out, "\\\\");
		else if (*s == '"')
			sbuf_puts(out, "\\\"");
		else if (*s == '\n')
			sbuf_puts(out, "\\n");
		else
			sbuf_add(out, s, 1);
	}
}

/* Append a sample value: integers without a fraction, NaN/Inf by name. */
static void metrics_value(sbuf *out, double v)
{
	if (isnan(v))
		sbuf_puts(out, "NaN");
	else if (isinf(v))
		sbuf_puts(out, v > 0 ? "+Inf" : "-Inf");
	else if (v == floor(v) && fabs(v) < 1e15)
		sbuf_printf(out, "%.0f", v);
	else
		sbuf_printf(out, "%.9g", v);
}

static void route_labels(sbuf *out, const route_entry *routes, size_t n,
						 size_t i)
{
	sbuf_puts(out, "route=\"");
	metrics_label_value(out, i < n ? routes[i].pattern : "unmatched");
	sbuf_puts(out, "\",method=\"");
	sbuf_puts(out, i < n ? routes[i].method : "any");
	sbuf_puts(out, "\"");
}

void metrics_render(metrics *m, const route_entry *routes, sbuf *out)
{
	size_t i, c, b;
	uint64_t v, cum;

	sbuf_puts(out, "# HELP iwg_admind_requests_total HTTP requests answered "
				   "by iwg-admind.\n"
				   "# TYPE iwg_admind_requests_total counter\n");
	for (i = 0; i <= m->n; i++)
		for (c = 0; c < N_CODES; c++) {
			v = get(&m->stats[i].count[c]);
			if (!v)
				continue;
			sbuf_puts(out, "iwg_admind_requests_total{");
			route_labels(out, routes, m->n, i);
			if (metrics_codes[c])
				sbuf_printf(out, ",code=\"%u\"} ", metrics_codes[c]);
			else
				sbuf_puts(out, ",code=\"other\"} ");
			sbuf_printf(out, "%llu\n", (unsigned long long)v);
		}
	sbuf_puts(out, "# HELP iwg_admind_request_duration_seconds Time to "
				   "answer a request.\n"
				   "# TYPE iwg_admind_request_duration_seconds histogram\n");
	for (i = 0; i <= m->n; i++) {
		v = get(&m->stats[i].total);
		if (!v)
			continue;
		cum = 0;
		for (b = 0; b < N_BUCKETS; b++) {
			cum += get(&m->stats[i].bucket[b]);
			sbuf_puts(out, "iwg_admind_request_duration_seconds_bucket{");
			route_labels(out, routes, m->n, i);
			sbuf_printf(out, ",le=\"%g\"} %llu\n", metrics_buckets[b],
						(unsigned long long)cum);
		}
		sbuf_puts(out, "iwg_admind_request_duration_seconds_bucket{");
		route_labels(out, routes, m->n, i);
		sbuf_printf(out, ",le=\"+Inf\"} %llu\n", (unsigned long long)v);
		sbuf_puts(out, "iwg_admind_request_duration_seconds_sum{");
		route_labels(out, routes, m->n, i);
		sbuf_printf(out, "} %.9f\n", (double)get(&m->stats[i].sum_ns) / 1e9);
		sbuf_puts(out, "iwg_admind_request_duration_seconds_count{");
		route_labels(out, routes, m->n, i);
		sbuf_printf(out, "} %llu\n", (unsigned long long)v);
	}
}

/* "gauge" or "counter" */
static const char *metrics_type_name(metrics_type t)
{
	return t == METRICS_COUNTER ? "counter" : "gauge";
}

/* --------------------------------------------------------------- naming */

/* 1 when s ends with suffix */
static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

/*
 * The family name of m: prefix + sanitised parts, a unit suffix, then the
 * type's rules: a counter ends in _total; a gauge never ends in a suffix
 * the text format reserves (_total, _count, _sum, _bucket), "_value" is
 * added. Returns 0, or -1 when the name does not fit or a part is empty.
 */
static int map_name(metrics_map *m, const char *prefix, const char *a,
					const char *b, const char *unit)
{
	sbuf n;
	size_t plen;
	int ret = -1;

	sbuf_init(&n);
	metrics_name(&n, prefix, a);
	if (!sbuf_ok(&n) || n.len == strlen(prefix))
		goto out; /* nothing of a is left */
	if (b) {
		plen = n.len;
		sbuf_puts(&n, "_");
		metrics_name(&n, "", b);
		if (!sbuf_ok(&n) || n.len == plen + 1)
			goto out;
	}
	if (unit && *unit) {
		if (!strcmp(unit, "_bytes") && ends_with(n.s, "_size"))
			n.s[n.len -= 5] = '\0';
		if (!ends_with(n.s, unit))
			sbuf_puts(&n, unit);
	}
	if (m->type == METRICS_COUNTER) {
		if (!ends_with(n.s, "_total"))
			sbuf_puts(&n, "_total");
	} else if (ends_with(n.s, "_total") || ends_with(n.s, "_count") ||
			   ends_with(n.s, "_sum") || ends_with(n.s, "_bucket")) {
		sbuf_puts(&n, "_value");
	}
	if (sbuf_ok(&n) && n.len < sizeof(m->name)) {
		memcpy(m->name, n.s, n.len + 1);
		ret = 0;
	}
out:
	sbuf_free(&n);
	return ret;
}

/* pattern "*" (any), "*suffix", "prefix*" or an exact name */
static int pattern_match(const char *pat, const char *name)
{
	size_t pl = strlen(pat);

	if (!strcmp(pat, "*"))
		return 1;
	if (pat[0] == '*')
		return ends_with(name, pat + 1);
	if (pl && pat[pl - 1] == '*')
		return !strncmp(name, pat, pl - 1);
	return !strcmp(pat, name);
}

/* ------------------------------------------------------------ Kamailio */

/*
 * Kamailio 5.6 statistics by group, first match wins. Read from the
 * modules' stat_export_t / counter_register calls: STAT_NO_RESET values
 * and values computed on read that can go down are gauges; values only
 * incremented are counters (a reset by stats.reset_statistics reads as a
 * counter reset).
 */
typedef struct kam_rule {
	const char *group;
	const char *pattern;
	metrics_type type;
	const char *unit; /* suffix added ("_bytes": a "_size" is replaced) */
	const char *what;
} kam_rule;

static const kam_rule kam_rules[] = {
		{"core", "*", METRICS_COUNTER, "",
		 "SIP messages received, forwarded, dropped or refused by the core"},
		{"shmem", "fragments", METRICS_GAUGE, "", "shared memory fragments"},
		{"shmem", "*_size", METRICS_GAUGE, "_bytes", "shared memory"},
		{"sl", "*", METRICS_COUNTER, "", "stateless replies"},
		{"tmx", "inuse_transactions", METRICS_GAUGE, "",
		 "transactions in memory now"},
		{"tmx", "active_transactions", METRICS_GAUGE, "",
		 "transactions not yet answered finally"},
		{"tmx", "*", METRICS_COUNTER, "", "transactions and their replies"},
		{"dialog", "active_dialogs", METRICS_GAUGE, "",
		 "dialogs established now"},
		{"dialog", "early_dialogs", METRICS_GAUGE, "",
		 "dialogs in early state"},
		{"dialog", "*", METRICS_COUNTER, "", "dialogs ended"},
		{"usrloc", "registered_users", METRICS_GAUGE, "",
		 "registered address-of-records"},
		{"usrloc", "*users", METRICS_GAUGE, "", "users in a location table"},
		{"usrloc", "*contacts", METRICS_GAUGE, "",
		 "contacts in a location table"},
		{"usrloc", "*expires", METRICS_COUNTER, "",
		 "contacts expired from a location table"},
		{"registrar", "accepted_regs", METRICS_COUNTER, "",
		 "REGISTER requests accepted"},
		{"registrar", "rejected_regs", METRICS_COUNTER, "",
		 "REGISTER requests rejected"},
		{"registrar", "*", METRICS_GAUGE, "", "registrar setting"},
		{"websocket", "*max_concurrent_connections", METRICS_GAUGE, "",
		 "most WebSocket connections open at once"},
		{"websocket", "*current_connections", METRICS_GAUGE, "",
		 "WebSocket connections open"},
		{"websocket", "*", METRICS_COUNTER, "",
		 "WebSocket connections and frames"},
		{"tcp", "current_write_queue_size", METRICS_GAUGE, "_bytes",
		 "TCP data queued for sending"},
		{"tcp", "current_*", METRICS_GAUGE, "", "TCP connections open"},
		{"tcp", "*", METRICS_COUNTER, "", "TCP connection events"},
		{"dns", "*", METRICS_COUNTER, "", "DNS lookups failed or slow"},
		{"pike", "blocked_ips", METRICS_COUNTER, "",
		 "source addresses blocked by pike"},
		{"script", "iwg_refused_*", METRICS_COUNTER, "",
		 "requests or connections refused by the iwg limits"},
		{"verto", "sessions", METRICS_GAUGE, "", "Verto sessions"},
		{"verto", "calls", METRICS_GAUGE, "", "Verto calls"},
		{"verto", "jobs_queued", METRICS_GAUGE, "", "Verto jobs waiting"},
		{"verto", "pending_bytes", METRICS_GAUGE, "",
		 "bytes held before Verto logins"},
		{"verto", "*", METRICS_COUNTER, "", "Verto endpoint events"},
};

int metrics_map_kamailio(const char *stat, metrics_map *out)
{
	char group[64];
	const char *colon = strchr(stat, ':'), *name;
	const kam_rule *r = NULL;
	size_t i, glen;

	memset(out, 0, sizeof(*out));
	if (!colon || colon == stat || !colon[1])
		return -1;
	glen = (size_t)(colon - stat);
	if (glen >= sizeof(group))
		return -1;
	memcpy(group, stat, glen);
	group[glen] = '\0';
	name = colon + 1;
	for (i = 0; i < sizeof(kam_rules) / sizeof(kam_rules[0]); i++)
		if (!strcmp(kam_rules[i].group, group) &&
			pattern_match(kam_rules[i].pattern, name)) {
			r = &kam_rules[i];
			break;
		}
	out->known = r != NULL;
	out->type = r ? r->type : METRICS_GAUGE;
	if (map_name(out, "iwg_kamailio_", group, name, r ? r->unit : "") < 0)
		return -1;
	if (r)
		snprintf(out->help, sizeof(out->help), "Kamailio statistic %s: %s.",
				 stat, r->what);
	else
		snprintf(out->help, sizeof(out->help),
				 "Kamailio statistic %s (not known to iwg-admind: a gauge).",
				 stat);
	return 0;
}

/* ----------------------------------------------------------- rtpengine */

/*
 * rtpengine 10.5 NG "statistics", named as rtpengine's own Prometheus
 * output names them (daemon/statistics.c), with the iwg_rtpengine_ prefix
 * and units in the name. name NULL: left out (a sum or average of the
 * figures that are kept).
 */
typedef struct rtpe_rule {
	const char *section;
	const char *key;
	const char *name;
	metrics_type type;
	const char *label;
	const char *help;
} rtpe_rule;

#define RTPE_SKIP(s, k)                     \
	{                                       \
		s, k, NULL, METRICS_GAUGE, "", NULL \
	}
#define CUR "currentstatistics"
#define TOT "totalstatistics"
static const char rtpe_closed_help[] = "Sessions ended, by reason.";
static const char rtpe_packets_help[] = "Packets relayed.";
static const char rtpe_errors_help[] = "Packets that could not be relayed.";
static const char rtpe_bytes_help[] = "Bytes relayed.";
static const char rtpe_streams_help[] = "Media streams now, by where "
										"they are forwarded.";

static const rtpe_rule rtpe_rules[] = {
		{CUR, "sessionsown", "sessions", METRICS_GAUGE, "type=\"own\"",
		 "Sessions now (own, or foreign: replicated from a peer)."},
		{CUR, "sessionsforeign", "sessions", METRICS_GAUGE, "type=\"foreign\"",
		 "Sessions now (own, or foreign: replicated from a peer)."},
		RTPE_SKIP(CUR, "sessionstotal"),
		{CUR, "transcodedmedia", "transcoded_media", METRICS_GAUGE, "",
		 "Media streams being transcoded now."},
		RTPE_SKIP(CUR, "packetrate*"),
		RTPE_SKIP(CUR, "byterate*"),
		RTPE_SKIP(CUR, "errorrate*"),
		{CUR, "media_userspace", "mediastreams", METRICS_GAUGE,
		 "type=\"userspace\"", rtpe_streams_help},
		{CUR, "media_kernel", "mediastreams", METRICS_GAUGE, "type=\"kernel\"",
		 rtpe_streams_help},
		{CUR, "media_mixed", "mediastreams", METRICS_GAUGE, "type=\"mixed\"",
		 rtpe_streams_help},
		{TOT, "uptime", "uptime_seconds", METRICS_GAUGE, "",
		 "Seconds since rtpengine started."},
		{TOT, "managedsessions", "sessions_total", METRICS_COUNTER, "",
		 "Sessions ended (rtpengine counts a session when it is gone)."},
		{TOT, "rejectedsessions", "closed_sessions_total", METRICS_COUNTER,
		 "reason=\"rejected\"", rtpe_closed_help},
		{TOT, "timeoutsessions", "closed_sessions_total", METRICS_COUNTER,
		 "reason=\"timeout\"", rtpe_closed_help},
		{TOT, "silenttimeoutsessions", "closed_sessions_total", METRICS_COUNTER,
		 "reason=\"silent_timeout\"", rtpe_closed_help},
		{TOT, "finaltimeoutsessions", "closed_sessions_total", METRICS_COUNTER,
		 "reason=\"final_timeout\"", rtpe_closed_help},
		{TOT, "offertimeoutsessions", "closed_sessions_total", METRICS_COUNTER,
		 "reason=\"offer_timeout\"", rtpe_closed_help},
		{TOT, "regularterminatedsessions", "closed_sessions_total",
		 METRICS_COUNTER, "reason=\"terminated\"", rtpe_closed_help},
		{TOT, "forcedterminatedsessions", "closed_sessions_total",
		 METRICS_COUNTER, "reason=\"force_terminated\"", rtpe_closed_help},
		{TOT, "relayedpackets_user", "packets_total", METRICS_COUNTER,
		 "type=\"userspace\"", rtpe_packets_help},
		{TOT, "relayedpackets_kernel", "packets_total", METRICS_COUNTER,
		 "type=\"kernel\"", rtpe_packets_help},
		{TOT, "relayedpacketerrors_user", "packet_errors_total",
		 METRICS_COUNTER, "type=\"userspace\"", rtpe_errors_help},
		{TOT, "relayedpacketerrors_kernel", "packet_errors_total",
		 METRICS_COUNTER, "type=\"kernel\"", rtpe_errors_help},
		{TOT, "relayedbytes_user", "bytes_total", METRICS_COUNTER,
		 "type=\"userspace\"", rtpe_bytes_help},
		{TOT, "relayedbytes_kernel", "bytes_total", METRICS_COUNTER,
		 "type=\"kernel\"", rtpe_bytes_help},
		RTPE_SKIP(TOT, "relayedpackets"),
		RTPE_SKIP(TOT, "relayedpacketerrors"),
		RTPE_SKIP(TOT, "relayedbytes"),
		{TOT, "zerowaystreams", "zero_packet_streams_total", METRICS_COUNTER,
		 "", "Media streams that ended without relaying a packet."},
		{TOT, "onewaystreams", "one_way_sessions_total", METRICS_COUNTER, "",
		 "Media streams that ended with packets in one direction only."},
		{TOT, "totalcallsduration", "call_duration_seconds_total",
		 METRICS_COUNTER, "", "Duration of the sessions ended."},
		RTPE_SKIP(TOT, "avgcallduration"),
		RTPE_SKIP(TOT, "totalcallsduration2"),
		RTPE_SKIP(TOT, "totalcallsduration_stddev"),
		{"mos", "mos_total", "mos_total", METRICS_COUNTER, "",
		 "Sum of the MOS values sampled (from RTCP)."},
		{"mos", "mos_samples_total", "mos_samples_total", METRICS_COUNTER, "",
		 "MOS values sampled."},
		RTPE_SKIP("mos", "*"),
		{"interfaces", "used", "ports_used", METRICS_GAUGE, "",
		 "Media ports in use, per interface."},
		{"interfaces", "free", "ports_free", METRICS_GAUGE, "",
		 "Media ports free, per interface."},
		{"interfaces", "totals", "ports", METRICS_GAUGE, "",
		 "Media ports of the interface."},
		{"transcoders", "num", "transcoders", METRICS_GAUGE, "",
		 "Transcoders running, per codec chain."},
		{"transcoders", "packets", "transcode_packets_total", METRICS_COUNTER,
		 "", "Packets transcoded, per codec chain."},
		{"transcoders", "bytes", "transcode_bytes_total", METRICS_COUNTER, "",
		 "Bytes transcoded, per codec chain."},
		{"transcoders", "samples", "transcode_samples_total", METRICS_COUNTER,
		 "", "Audio samples transcoded, per codec chain."},
};
#undef CUR
#undef TOT

/* controlstatistics "total<command>count": NG commands served */
static int rtpe_control(const char *key, metrics_map *out)
{
	size_t n = strlen(key), i;

	if (n <= 10 || strncmp(key, "total", 5) || !ends_with(key, "count") ||
		n - 10 >= 32)
		return 1;
	for (i = 5; i < n - 5; i++)
		if (key[i] < 'a' || key[i] > 'z')
			return 1;
	out->known = 1;
	out->type = METRICS_COUNTER;
	snprintf(out->name, sizeof(out->name), "iwg_rtpengine_ng_requests_total");
	snprintf(out->label, sizeof(out->label), "request=\"%.*s\"", (int)(n - 10),
			 key + 5);
	snprintf(out->help, sizeof(out->help),
			 "NG control requests served, by command.");
	return 0;
}

int metrics_map_rtpengine(const char *section, const char *key,
						  metrics_map *out)
{
	const rtpe_rule *r;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!strcmp(section, "controlstatistics"))
		return rtpe_control(key, out);
	for (i = 0; i < sizeof(rtpe_rules) / sizeof(rtpe_rules[0]); i++) {
		r = &rtpe_rules[i];
		if (strcmp(r->section, section) || !pattern_match(r->key, key))
			continue;
		if (!r->name)
			return 1;
		out->known = 1;
		out->type = r->type;
		snprintf(out->name, sizeof(out->name), "iwg_rtpengine_%s", r->name);
		snprintf(out->label, sizeof(out->label), "%s", r->label);
		snprintf(out->help, sizeof(out->help), "rtpengine: %s", r->help);
		return 0;
	}
	if (strcmp(section, "currentstatistics") &&
		strcmp(section, "totalstatistics"))
		return 1;
	out->type = METRICS_GAUGE;
	if (map_name(out, "iwg_rtpengine_", key, NULL, "") < 0)
		return -1;
	snprintf(out->help, sizeof(out->help),
			 "rtpengine statistic %s.%s (not known to iwg-admind: a gauge).",
			 section, key);
	return 0;
}

/* ------------------------------------------------------------ the set */

typedef struct metrics_sample {
	char *name;
	char *labels;
	char *help;
	metrics_type type;
	double v;
	size_t seq;
} metrics_sample;

struct metrics_set {
	metrics_sample *v;
	size_t n, cap;
	size_t unmapped;
	int oom;
};

metrics_set *metrics_set_new(void)
{
	return calloc(1, sizeof(metrics_set));
}

void metrics_set_add(metrics_set *s, const char *name, metrics_type type,
					 const char *help, const char *labels, double v)
{
	metrics_sample *nv, *p;

	if (s->oom)
		return;
	if (s->n == s->cap) {
		nv = realloc(s->v, (s->cap ? s->cap * 2 : 64) * sizeof(*nv));
		if (!nv) {
			s->oom = 1;
			return;
		}
		s->v = nv;
		s->cap = s->cap ? s->cap * 2 : 64;
	}
	p = &s->v[s->n];
	p->name = strdup(name);
	p->labels = strdup(labels);
	p->help = strdup(help);
	if (!p->name || !p->labels || !p->help) {
		free(p->name);
		free(p->labels);
		free(p->help);
		s->oom = 1;
		return;
	}
	p->type = type;
	p->v = v;
	p->seq = s->n++;
}

void metrics_set_add_map(metrics_set *s, const metrics_map *m,
						 const char *labels, double v)
{
	sbuf l;

	if (!m->known)
		s->unmapped++;
	sbuf_init(&l);
	sbuf_puts(&l, labels);
	if (labels[0] && m->label[0])
		sbuf_puts(&l, ",");
	sbuf_puts(&l, m->label);
	if (!sbuf_ok(&l))
		s->oom = 1;
	else
		metrics_set_add(s, m->name, m->type, m->help, l.s ? l.s : "", v);
	sbuf_free(&l);
}

size_t metrics_set_unmapped(const metrics_set *s)
{
	return s->unmapped;
}

static int sample_cmp(const void *a, const void *b)
{
	const metrics_sample *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* HELP text escaping: backslash and newline */
static void metrics_help(sbuf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			sbuf_puts(out, "\\\\");
		else if (*s == '\n')
			sbuf_puts(out, "\\n");
		else
			sbuf_add(out, s, 1);
	}
}

/* 1 when sample i repeats the labels of an earlier sample of its family */
static int repeated(const metrics_set *s, size_t first, size_t i)
{
	size_t j;

	for (j = first; j < i; j++)
		if (!strcmp(s->v[j].labels, s->v[i].labels))
			return 1;
	return 0;
}

void metrics_set_render_free(metrics_set *s, sbuf *out)
{
	size_t i, first = 0;

	if (!s)
		return;
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), sample_cmp);
	for (i = 0; i < s->n; i++) {
		if (i == 0 || strcmp(s->v[i].name, s->v[i - 1].name)) {
			first = i;
			sbuf_printf(out, "# HELP %s ", s->v[i].name);
			metrics_help(out, s->v[i].help);
			sbuf_printf(out, "\n# TYPE %s %s\n", s->v[i].name,
						metrics_type_name(s->v[i].type));
		} else if (repeated(s, first, i)) {
			continue;
		}
		sbuf_puts(out, s->v[i].name);
		if (s->v[i].labels[0])
			sbuf_printf(out, "{%s}", s->v[i].labels);
		sbuf_puts(out, " ");
		metrics_value(out, s->v[i].v);
		sbuf_puts(out, "\n");
	}
	for (i = 0; i < s->n; i++) {
		free(s->v[i].name);
		free(s->v[i].labels);
		free(s->v[i].help);
	}
	free(s->v);
	free(s);
}
