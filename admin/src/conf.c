/*
 * conf.c - iwg-admind configuration parser.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ng/ng_client.h"

#include "conf.h"

void conf_defaults(conf_settings *c)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->listen_addr, "127.0.0.1");
	c->listen_port = 8088;
	c->threads = 4;
	c->max_body = 65536;
	c->connection_limit = 256;
	c->connection_timeout_s = 30;
	strcpy(c->redis_host, "127.0.0.1");
	c->redis_port = 6379;
	c->redis_timeout_ms = 500;
	strcpy(c->redis_sentinel_master, "mymaster");
	c->redis_wait_timeout_ms = 500;
	c->kamailio_timeout_ms = 1000;
	c->rtpengine_timeout_ms = 500;
	c->rate_key = 50;
	c->burst_key = 100;
	c->rate_addr = 100;
	c->burst_addr = 200;
	strcpy(c->audit_stream, "iwg:audit");
	c->audit_maxlen = 100000;
	strcpy(c->cred_audit_stream, "iwg:audit:credentials");
	c->cred_audit_maxlen = 100000;
	c->page_size_default = 50;
	c->page_size_max = 500;
	c->calls_max = 200;
	c->registrations_list_max = 10000;
	strcpy(c->web_root, "/usr/share/iwg/web");
	c->credential_kind = CONF_CRED_OFF;
	c->credential_ttl = 300;
	c->credential_ttl_max = 3600;
	c->credential_token_alg = CONF_CRED_ES256;
	strcpy(c->credential_token_kid, "iwg-1");
	c->credential_rate = 5;
	c->credential_burst = 20;
	c->series_interval = 10;
	c->series_points = 360;
	c->diagnosis_quiet_s = 5;
}

const char *conf_cred_kind_name(int kind)
{
	static const char *const names[] = {[CONF_CRED_OFF] = "off",
										[CONF_CRED_TOKEN] = "token",
										[CONF_CRED_EPHEMERAL] = "ephemeral"};

	return kind >= 0 && kind <= CONF_CRED_EPHEMERAL ? names[kind] : "?";
}

static int conf_fail(conf_error *e, const char *fmt, ...)
		__attribute__((format(printf, 2, 3)));

static int conf_fail(conf_error *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* Role by name ("noc", "idadmin", "admin", "app"): CONF_ROLE_* or 0. */
static int conf_role_by_name(const char *name)
{
	if (!strcmp(name, "noc"))
		return CONF_ROLE_NOC;
	if (!strcmp(name, "idadmin"))
		return CONF_ROLE_IDADMIN;
	if (!strcmp(name, "admin"))
		return CONF_ROLE_ADMIN;
	if (!strcmp(name, "app"))
		return CONF_ROLE_APP;
	return 0;
}

const char *conf_role_name(int role)
{
	switch (role) {
	case CONF_ROLE_NOC:
		return "noc";
	case CONF_ROLE_IDADMIN:
		return "idadmin";
	case CONF_ROLE_ADMIN:
		return "admin";
	case CONF_ROLE_APP:
		return "app";
	}
	return "?";
}

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/*
 * Parse 64 hex digits into out[32]. Returns 0, or -1 when s is not exactly
 * 64 hex digits.
 */
static int conf_parse_hash(const char *s, unsigned char out[CONF_HASH_LEN])
{
	int i, hi, lo;

	if (strlen(s) != 2 * CONF_HASH_LEN)
		return -1;
	for (i = 0; i < CONF_HASH_LEN; i++) {
		hi = hexval((unsigned char)s[2 * i]);
		lo = hexval((unsigned char)s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

/* a name: 1..31 of [A-Za-z0-9_.-] */
static int conf_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= CONF_NAME_MAX)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_.-", *s))
			return 0;
	return 1;
}

/* split v at the first run of blanks: *rest points after it ("" if none) */
static char *conf_word(char *v, char **rest)
{
	char *p = v;

	while (*p && *p != ' ' && *p != '\t')
		p++;
	if (*p) {
		*p++ = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
	}
	*rest = p;
	return v;
}

static int conf_long(const char *v, long min, long max, long *out)
{
	char *end;
	long n;

	if (!isdigit((unsigned char)v[0]) && v[0] != '-')
		return -1;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

static int conf_double(const char *v, double min, double max, double *out)
{
	char *end;
	double d;

	if (!isdigit((unsigned char)v[0]))
		return -1;
	errno = 0;
	d = strtod(v, &end);
	if (errno || *end || !isfinite(d) || d < min || d > max)
		return -1;
	*out = d;
	return 0;
}

static int conf_hostport(const char *key, const char *v, char *host,
						 size_t hostsz, unsigned short *port, conf_error *e)
{
	if (ng_parse_hostport(v, host, hostsz, port) < 0 || *port == 0)
		return conf_fail(e, "%s: '%s' is not HOST:PORT", key, v);
	return 0;
}

static int conf_set_listen(conf_settings *c, char *v, conf_error *e)
{
	unsigned char tmp[16];

	if (conf_hostport("listen", v, c->listen_addr, sizeof(c->listen_addr),
					  &c->listen_port, e) < 0)
		return -1;
	if (inet_pton(AF_INET, c->listen_addr, tmp) != 1 &&
		inet_pton(AF_INET6, c->listen_addr, tmp) != 1)
		return conf_fail(e, "listen: '%s' is not a numeric IP address",
						 c->listen_addr);
	return 0;
}

/*
 * key's list of "HOST:PORT,..." (blanks allowed around the commas; IPv6 as
 * [ADDR]:PORT) into out, without blanks, IPv6 in brackets. Empty: none.
 */
static int conf_addr_list(const char *key, char *v, char *out, size_t size,
						  conf_error *e)
{
	char host[CONF_HOST_MAX], *tok, *save = NULL, *o = out;
	size_t left = size;
	unsigned short port;
	const char *pc;
	int n, v6;

	*o = '\0';
	for (tok = strtok_r(v, ", \t", &save); tok;
		 tok = strtok_r(NULL, ", \t", &save)) {
		/* a port is required: ng_parse_hostport would default it */
		pc = tok[0] == '[' ? strstr(tok, "]:") : strchr(tok, ':');
		if (!pc || (tok[0] != '[' && strchr(pc + 1, ':')) ||
			ng_parse_hostport(tok, host, sizeof(host), &port) < 0 || !port)
			return conf_fail(e,
							 "%s: '%.80s' is not HOST:PORT "
							 "([ADDR]:PORT for IPv6)",
							 key, tok);
		v6 = strchr(host, ':') != NULL;
		n = snprintf(o, left, "%s%s%s%s:%u", o > out ? "," : "", v6 ? "[" : "",
					 host, v6 ? "]" : "", port);
		if (n < 0 || (size_t)n >= left)
			return conf_fail(e, "%s: longer than %zu bytes", key, size - 1);
		o += n;
		left -= (size_t)n;
	}
	return 0;
}

/* "HOST:PORT", or "cluster:HOST:PORT,..." (Redis Cluster seeds) */
static int conf_set_redis(conf_settings *c, char *v, conf_error *e)
{
	if (strncmp(v, "cluster:", 8) != 0)
		return conf_hostport("redis", v, c->redis_host, sizeof(c->redis_host),
							 &c->redis_port, e);
	if (conf_addr_list("redis", v + 8, c->redis_cluster,
					   sizeof(c->redis_cluster), e) < 0)
		return -1;
	if (!c->redis_cluster[0])
		return conf_fail(e, "redis: 'cluster:' lists no seed HOST:PORT");
	return 0;
}

/* Sentinels' "HOST:PORT,..." (conf_addr_list). Empty: no Sentinels. */
static int conf_set_sentinels(conf_settings *c, char *v, conf_error *e)
{
	return conf_addr_list("redis_sentinels", v, c->redis_sentinels,
						  sizeof(c->redis_sentinels), e);
}

/* a Sentinel master name: 1..63 of [A-Za-z0-9_.-] */
static int conf_set_sentinel_master(conf_settings *c, char *v, conf_error *e)
{
	size_t n = strlen(v);

	if (n == 0 || n >= sizeof(c->redis_sentinel_master) ||
		strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				  "0123456789_.-") != n)
		return conf_fail(e,
						 "redis_sentinel_master: '%.80s' must be 1-%zu of "
						 "A-Z a-z 0-9 _ . -",
						 v, sizeof(c->redis_sentinel_master) - 1);
	strcpy(c->redis_sentinel_master, v);
	return 0;
}

/*
 * A new node's name: valid, not used by the n nodes already configured
 * (their names at first, first + stride, ...) and within CONF_MAX_NODES.
 */
static int conf_node_check(const char *key, const char *name, const char *first,
						   size_t stride, int n, conf_error *e)
{
	int i;

	if (!conf_name_ok(name))
		return conf_fail(e,
						 "%s: node name '%s' must be 1-31 of A-Z a-z 0-9 _ . -",
						 key, name);
	for (i = 0; i < n; i++)
		if (!strcmp(first + (size_t)i * stride, name))
			return conf_fail(e, "%s: node name '%s' used twice", key, name);
	if (n >= CONF_MAX_NODES)
		return conf_fail(e, "%s: more than %d nodes", key, CONF_MAX_NODES);
	return 0;
}

static int conf_add_kamailio(conf_settings *c, char *v, conf_error *e)
{
	char *url, *name = conf_word(v, &url);
	conf_kamailio *k;

	if (!*url || strpbrk(url, " \t"))
		return conf_fail(e, "kamailio: expected 'NAME URL'");
	if (conf_node_check("kamailio", name, c->kamailio[0].name,
						sizeof(c->kamailio[0]), c->n_kamailio, e) < 0)
		return -1;
	if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8))
		return conf_fail(e,
						 "kamailio: URL '%s' must start with http:// "
						 "or https://",
						 url);
	if (strlen(url) >= CONF_PATH_MAX)
		return conf_fail(e, "kamailio: URL longer than %d bytes",
						 CONF_PATH_MAX - 1);
	k = &c->kamailio[c->n_kamailio++];
	strcpy(k->name, name);
	strcpy(k->url, url);
	return 0;
}

static int conf_add_rtpengine(conf_settings *c, char *v, conf_error *e)
{
	char *addr, *name = conf_word(v, &addr);
	conf_rtpengine *r;

	if (!*addr || strpbrk(addr, " \t"))
		return conf_fail(e, "rtpengine: expected 'NAME HOST:PORT'");
	if (conf_node_check("rtpengine", name, c->rtpengine[0].name,
						sizeof(c->rtpengine[0]), c->n_rtpengine, e) < 0)
		return -1;
	r = &c->rtpengine[c->n_rtpengine];
	if (conf_hostport("rtpengine", addr, r->host, sizeof(r->host), &r->port,
					  e) < 0)
		return -1;
	strcpy(r->name, name);
	c->n_rtpengine++;
	return 0;
}

static int conf_add_key(conf_settings *c, char *v, conf_error *e)
{
	char *rest, *hash, *id = conf_word(v, &rest);
	char *role = conf_word(rest, &hash);
	conf_key *k;
	int i;

	if (!*hash || strpbrk(hash, " \t"))
		return conf_fail(e, "api_key: expected 'ID ROLE SHA256-HEX'");
	if (!conf_name_ok(id))
		return conf_fail(
				e, "api_key: id '%s' must be 1-31 of A-Z a-z 0-9 _ . -", id);
	for (i = 0; i < c->n_keys; i++)
		if (!strcmp(c->keys[i].id, id))
			return conf_fail(e, "api_key: id '%s' used twice", id);
	if (c->n_keys >= CONF_MAX_KEYS)
		return conf_fail(e, "api_key: more than %d keys", CONF_MAX_KEYS);
	k = &c->keys[c->n_keys];
	k->role = conf_role_by_name(role);
	if (!k->role)
		return conf_fail(e,
						 "api_key: role '%s' is not noc, idadmin, admin or "
						 "app",
						 role);
	if (conf_parse_hash(hash, k->hash) < 0)
		return conf_fail(e, "api_key: hash must be 64 hex digits "
							"(iwg-admind --hash-key prints it)");
	strcpy(k->id, id);
	c->n_keys++;
	return 0;
}

/* CSP sources: words of [A-Za-z0-9:/.*_+[]-], nothing that could end the
 * directive or add a keyword (';' ',' quotes, control bytes) */
static int conf_set_connect_src(conf_settings *c, char *v, conf_error *e)
{
	char *o = c->web_connect_src;
	const char *p;

	if (strlen(v) >= sizeof(c->web_connect_src))
		return conf_fail(e, "web_connect_src: longer than %zu bytes",
						 sizeof(c->web_connect_src) - 1);
	for (p = v; *p; p++) {
		if (*p == ' ' || *p == '\t') {
			/* one space between sources */
			if (o > c->web_connect_src && o[-1] != ' ')
				*o++ = ' ';
			continue;
		}
		if (!isalnum((unsigned char)*p) && !strchr(":/.*_+[]-", *p))
			return conf_fail(e,
							 "web_connect_src: '%c' is not allowed (sources "
							 "such as wss://gw.example.net:8443, space-"
							 "separated)",
							 *p);
		*o++ = *p;
	}
	if (o > c->web_connect_src && o[-1] == ' ')
		o--;
	*o = '\0';
	return 0;
}

/* a SIP domain: host name or IP literal, optionally :port */
static int conf_set_sip_domain(conf_settings *c, char *v, conf_error *e)
{
	const char *p;

	if (strlen(v) >= sizeof(c->sip_domain))
		return conf_fail(e, "sip_domain: longer than %zu bytes",
						 sizeof(c->sip_domain) - 1);
	for (p = v; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr(".-:[]", *p))
			return conf_fail(e, "sip_domain: '%s' is not a host name", v);
	strcpy(c->sip_domain, v);
	return 0;
}

static int conf_set_cred_kind(conf_settings *c, char *v, conf_error *e)
{
	int k;

	for (k = CONF_CRED_OFF; k <= CONF_CRED_EPHEMERAL; k++)
		if (!strcmp(v, conf_cred_kind_name(k))) {
			c->credential_kind = k;
			c->credential_kind_line = k == CONF_CRED_OFF ? 0 : e->line;
			return 0;
		}
	return conf_fail(
			e, "credential_kind: '%.40s' is not off, token or ephemeral", v);
}

static int conf_set_token_alg(conf_settings *c, char *v, conf_error *e)
{
	if (!strcmp(v, "ES256"))
		c->credential_token_alg = CONF_CRED_ES256;
	else if (!strcmp(v, "HS256"))
		c->credential_token_alg = CONF_CRED_HS256;
	else
		return conf_fail(e,
						 "credential_token_alg: '%.40s' is not ES256 or "
						 "HS256",
						 v);
	return 0;
}

/* a key id: 1..64 of [A-Za-z0-9_.-] */
static int conf_set_token_kid(conf_settings *c, char *v, conf_error *e)
{
	const char *p;

	if (!*v || strlen(v) > CONF_KID_MAX)
		return conf_fail(e, "credential_token_kid: 1-%d characters",
						 CONF_KID_MAX);
	for (p = v; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_.-", *p))
			return conf_fail(e,
							 "credential_token_kid: '%.40s' must be of "
							 "A-Z a-z 0-9 _ . -",
							 v);
	strcpy(c->credential_token_kid, v);
	return 0;
}

/* an absolute path into buf, remembering its line */
static int conf_set_file(const char *key, char *buf, size_t size, long *line,
						 const char *v, conf_error *e)
{
	if (strlen(v) >= size)
		return conf_fail(e, "%s: longer than %zu bytes", key, size - 1);
	if (*v && *v != '/')
		return conf_fail(e, "%s: '%.120s' is not an absolute path", key, v);
	strcpy(buf, v);
	*line = *v ? e->line : 0;
	return 0;
}

static int conf_set_token_key_file(conf_settings *c, char *v, conf_error *e)
{
	return conf_set_file("credential_token_key_file",
						 c->credential_token_key_file,
						 sizeof(c->credential_token_key_file),
						 &c->credential_token_key_line, v, e);
}

static int conf_set_secret_file(conf_settings *c, char *v, conf_error *e)
{
	return conf_set_file("credential_secret_file", c->credential_secret_file,
						 sizeof(c->credential_secret_file),
						 &c->credential_secret_line, v, e);
}

typedef enum conf_type {
	CT_INT,	   /* int, range min..max */
	CT_LONG,   /* long */
	CT_SIZE,   /* size_t */
	CT_DOUBLE, /* double, range */
	CT_STR,	   /* char[size], may be empty */
	CT_FUNC,   /* custom setter */
} conf_type;

typedef struct conf_key_def {
	const char *name;
	conf_type type;
	size_t off;
	size_t size; /* CT_STR: buffer size */
	double min, max;
	int (*set)(conf_settings *c, char *v, conf_error *e);
	int repeat; /* may appear on several lines */
} conf_key_def;

#define OFF(f) offsetof(conf_settings, f)
#define SZ(f)  sizeof(((conf_settings *)0)->f)

static const conf_key_def conf_keys[] = {
		{"listen", CT_FUNC, 0, 0, 0, 0, conf_set_listen, 0},
		{"tls_cert", CT_STR, OFF(tls_cert), SZ(tls_cert), 0, 0, NULL, 0},
		{"tls_key", CT_STR, OFF(tls_key), SZ(tls_key), 0, 0, NULL, 0},
		{"threads", CT_INT, OFF(threads), 0, 1, 64, NULL, 0},
		{"max_body", CT_SIZE, OFF(max_body), 0, 16, 16777216, NULL, 0},
		{"connection_limit", CT_INT, OFF(connection_limit), 0, 1, 100000, NULL,
		 0},
		{"connection_timeout", CT_INT, OFF(connection_timeout_s), 0, 1, 3600,
		 NULL, 0},
		{"redis", CT_FUNC, 0, 0, 0, 0, conf_set_redis, 0},
		{"redis_timeout_ms", CT_INT, OFF(redis_timeout_ms), 0, 1, 60000, NULL,
		 0},
		{"redis_password", CT_STR, OFF(redis_password), SZ(redis_password), 0,
		 0, NULL, 0},
		{"redis_sentinels", CT_FUNC, 0, 0, 0, 0, conf_set_sentinels, 0},
		{"redis_sentinel_master", CT_FUNC, 0, 0, 0, 0, conf_set_sentinel_master,
		 0},
		{"redis_wait_replicas", CT_INT, OFF(redis_wait_replicas), 0, 0, 16,
		 NULL, 0},
		{"redis_wait_timeout_ms", CT_INT, OFF(redis_wait_timeout_ms), 0, 1,
		 60000, NULL, 0},
		{"kamailio", CT_FUNC, 0, 0, 0, 0, conf_add_kamailio, 1},
		{"kamailio_timeout_ms", CT_INT, OFF(kamailio_timeout_ms), 0, 1, 60000,
		 NULL, 0},
		{"kamailio_rpc_key_file", CT_STR, OFF(kamailio_rpc_key_file),
		 SZ(kamailio_rpc_key_file), 0, 0, NULL, 0},
		{"rtpengine", CT_FUNC, 0, 0, 0, 0, conf_add_rtpengine, 1},
		{"rtpengine_timeout_ms", CT_INT, OFF(rtpengine_timeout_ms), 0, 1, 60000,
		 NULL, 0},
		{"api_key", CT_FUNC, 0, 0, 0, 0, conf_add_key, 1},
		{"api_key_file", CT_STR, OFF(api_key_file), SZ(api_key_file), 0, 0,
		 NULL, 0},
		{"rate_limit_key", CT_DOUBLE, OFF(rate_key), 0, 0, 1e6, NULL, 0},
		{"rate_burst_key", CT_DOUBLE, OFF(burst_key), 0, 1, 1e6, NULL, 0},
		{"rate_limit_addr", CT_DOUBLE, OFF(rate_addr), 0, 0, 1e6, NULL, 0},
		{"rate_burst_addr", CT_DOUBLE, OFF(burst_addr), 0, 1, 1e6, NULL, 0},
		{"audit_stream", CT_STR, OFF(audit_stream), SZ(audit_stream), 0, 0,
		 NULL, 0},
		{"audit_maxlen", CT_LONG, OFF(audit_maxlen), 0, 1, 1e9, NULL, 0},
		{"credential_audit_stream", CT_STR, OFF(cred_audit_stream),
		 SZ(cred_audit_stream), 0, 0, NULL, 0},
		{"credential_audit_maxlen", CT_LONG, OFF(cred_audit_maxlen), 0, 1, 1e9,
		 NULL, 0},
		{"page_size_default", CT_INT, OFF(page_size_default), 0, 1, 10000, NULL,
		 0},
		{"page_size_max", CT_INT, OFF(page_size_max), 0, 1, 10000, NULL, 0},
		{"calls_max", CT_INT, OFF(calls_max), 0, 1, 100000, NULL, 0},
		{"registrations_list_max", CT_INT, OFF(registrations_list_max), 0, 1,
		 1000000, NULL, 0},
		{"web_root", CT_STR, OFF(web_root), SZ(web_root), 0, 0, NULL, 0},
		{"web_connect_src", CT_FUNC, 0, 0, 0, 0, conf_set_connect_src, 0},
		{"sip_domain", CT_FUNC, 0, 0, 0, 0, conf_set_sip_domain, 0},
		{"credential_kind", CT_FUNC, 0, 0, 0, 0, conf_set_cred_kind, 0},
		{"credential_ttl", CT_INT, OFF(credential_ttl), 0, 10, 86400, NULL, 0},
		{"credential_ttl_max", CT_INT, OFF(credential_ttl_max), 0, 10, 604800,
		 NULL, 0},
		{"credential_token_alg", CT_FUNC, 0, 0, 0, 0, conf_set_token_alg, 0},
		{"credential_token_kid", CT_FUNC, 0, 0, 0, 0, conf_set_token_kid, 0},
		{"credential_token_key_file", CT_FUNC, 0, 0, 0, 0,
		 conf_set_token_key_file, 0},
		{"credential_token_issuer", CT_STR, OFF(credential_token_issuer),
		 SZ(credential_token_issuer), 0, 0, NULL, 0},
		{"credential_token_audience", CT_STR, OFF(credential_token_audience),
		 SZ(credential_token_audience), 0, 0, NULL, 0},
		{"credential_secret_file", CT_FUNC, 0, 0, 0, 0, conf_set_secret_file,
		 0},
		{"credential_rate", CT_DOUBLE, OFF(credential_rate), 0, 0, 1e6, NULL,
		 0},
		{"credential_burst", CT_DOUBLE, OFF(credential_burst), 0, 1, 1e6, NULL,
		 0},
		{"series_interval", CT_INT, OFF(series_interval), 0, 1, 3600, NULL, 0},
		{"series_points", CT_INT, OFF(series_points), 0, 2, 8640, NULL, 0},
		{"diagnosis_quiet_seconds", CT_INT, OFF(diagnosis_quiet_s), 0, 1, 3600,
		 NULL, 0},
};
#define N_CONF_KEYS (sizeof(conf_keys) / sizeof(conf_keys[0]))

const char *conf_key_name(size_t i)
{
	return i < N_CONF_KEYS ? conf_keys[i].name : NULL;
}

static int conf_set(conf_settings *c, const conf_key_def *d, char *v,
					conf_error *e)
{
	char *base = (char *)c;
	long n;
	double x;

	switch (d->type) {
	case CT_FUNC:
		return d->set(c, v, e);
	case CT_STR:
		if (strlen(v) >= d->size)
			return conf_fail(e, "%s: longer than %zu bytes", d->name,
							 d->size - 1);
		strcpy(base + d->off, v);
		return 0;
	case CT_DOUBLE:
		if (conf_double(v, d->min, d->max, &x) < 0)
			return conf_fail(e, "%s: '%s' is not a number in %g..%g", d->name,
							 v, d->min, d->max);
		*(double *)(base + d->off) = x;
		return 0;
	case CT_INT:
	case CT_LONG:
	case CT_SIZE:
		if (conf_long(v, (long)d->min, (long)d->max, &n) < 0)
			return conf_fail(e, "%s: '%s' is not an integer in %.0f..%.0f",
							 d->name, v, d->min, d->max);
		if (d->type == CT_INT)
			*(int *)(base + d->off) = (int)n;
		else if (d->type == CT_LONG)
			*(long *)(base + d->off) = n;
		else
			*(size_t *)(base + d->off) = (size_t)n;
		return 0;
	}
	return conf_fail(e, "%s: internal error", d->name);
}

/* the value-independent checks after the last line */
static int conf_finish(conf_settings *c, conf_error *e)
{
	e->line = 0;
	if (!c->tls_cert[0] != !c->tls_key[0])
		return conf_fail(e, "tls_cert and tls_key must be set together");
	if (c->page_size_default > c->page_size_max)
		return conf_fail(e,
						 "page_size_default (%d) exceeds page_size_max "
						 "(%d)",
						 c->page_size_default, c->page_size_max);
	if (c->redis_cluster[0] && c->redis_sentinels[0])
		return conf_fail(e, "redis = cluster:... and redis_sentinels exclude "
							"each other (a Redis Cluster has no Sentinels)");
	if (!c->audit_stream[0])
		return conf_fail(e, "audit_stream must not be empty");
	if (!c->cred_audit_stream[0] ||
		!strcmp(c->cred_audit_stream, c->audit_stream))
		return conf_fail(e, "credential_audit_stream must be set and differ "
							"from audit_stream");
	if (c->api_key_file[0] && c->api_key_file[0] != '/')
		return conf_fail(e, "api_key_file: '%.120s' is not an absolute path",
						 c->api_key_file);
	if (c->kamailio_rpc_key_file[0] && c->kamailio_rpc_key_file[0] != '/')
		return conf_fail(e,
						 "kamailio_rpc_key_file: '%.120s' is not an absolute "
						 "path",
						 c->kamailio_rpc_key_file);
	if (c->credential_ttl > c->credential_ttl_max)
		return conf_fail(e,
						 "credential_ttl (%d) exceeds credential_ttl_max (%d)",
						 c->credential_ttl, c->credential_ttl_max);
	e->line = c->credential_kind_line; /* the two below: that line */
	if (c->credential_kind == CONF_CRED_TOKEN &&
		!c->credential_token_key_file[0])
		return conf_fail(e, "credential_kind token needs "
							"credential_token_key_file");
	if (c->credential_kind == CONF_CRED_EPHEMERAL &&
		!c->credential_secret_file[0])
		return conf_fail(e, "credential_kind ephemeral needs "
							"credential_secret_file");
	e->line = 0;
	if (c->web_root[0] && c->web_root[0] != '/')
		return conf_fail(e, "web_root: '%.120s' is not an absolute path",
						 c->web_root);
	if (c->n_kamailio == 0) {
		strcpy(c->kamailio[0].name, "kamailio");
		strcpy(c->kamailio[0].url, "http://127.0.0.1:5065/RPC");
		c->n_kamailio = 1;
	}
	if (c->n_rtpengine == 0) {
		strcpy(c->rtpengine[0].name, "rtpengine");
		strcpy(c->rtpengine[0].host, "127.0.0.1");
		c->rtpengine[0].port = 2223;
		c->n_rtpengine = 1;
	}
	return 0;
}

/* keys_only: the line must be an api_key (api_key_file) */
static int conf_line(conf_settings *c, char *line, unsigned char *seen,
					 int keys_only, conf_error *e)
{
	char *p = line, *key, *v, *end;
	size_t i;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p || *p == '#')
		return 0;
	key = p;
	while (*p && *p != '=' && *p != ' ' && *p != '\t')
		p++;
	end = p;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '=')
		return conf_fail(e, "expected 'key = value'");
	*end = '\0';
	v = p + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	end = v + strlen(v);
	while (end > v && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	for (i = 0; i < N_CONF_KEYS; i++)
		if (!strcmp(conf_keys[i].name, key))
			break;
	if (i == N_CONF_KEYS)
		return conf_fail(e, "unknown key '%.40s'", key);
	if (keys_only && strcmp(key, "api_key"))
		return conf_fail(e, "'%.40s': only api_key lines belong here", key);
	if (seen[i] && !conf_keys[i].repeat)
		return conf_fail(e, "'%s' given twice", key);
	seen[i] = 1;
	return conf_set(c, &conf_keys[i], v, e);
}

static int conf_parse_lines(conf_settings *c, const char *text, size_t len,
							int keys_only, conf_error *e)
{
	unsigned char seen[N_CONF_KEYS] = {0};
	char line[1024];
	size_t pos = 0, n;
	const char *nl;

	memset(e, 0, sizeof(*e));
	while (pos < len) {
		e->line++;
		nl = memchr(text + pos, '\n', len - pos);
		n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		if (n >= sizeof(line))
			return conf_fail(e, "line longer than %zu bytes", sizeof(line) - 1);
		memcpy(line, text + pos, n);
		line[n] = '\0';
		if (strlen(line) != n)
			return conf_fail(e, "NUL byte in line");
		if (conf_line(c, line, seen, keys_only, e) < 0)
			return -1;
		pos += n + (nl ? 1 : 0);
	}
	return 0;
}

int conf_parse(conf_settings *c, const char *text, size_t len, conf_error *e)
{
	if (conf_parse_lines(c, text, len, 0, e) < 0)
		return -1;
	return conf_finish(c, e);
}

/*
 * The key from c->kamailio_rpc_key_file into c->kamailio_rpc_key: the first
 * line without its LF and one CR before it. Returns 0, or -1 with e set
 * (line 0: the message names the key and the file, never the key itself).
 */
static int conf_read_rpc_key(conf_settings *c, conf_error *e)
{
	const char *path = c->kamailio_rpc_key_file;
	char buf[CONF_RPC_KEY_MAX + 2]; /* the longest key, CR, LF */
	const char *nl;
	size_t n, i;
	FILE *f;
	int rc = -1;

	e->line = 0;
	f = fopen(path, "rb");
	if (!f)
		return conf_fail(e, "kamailio_rpc_key_file: '%.120s': %s", path,
						 strerror(errno));
	n = fread(buf, 1, sizeof(buf), f);
	if (ferror(f)) {
		conf_fail(e, "kamailio_rpc_key_file: '%.120s': %s", path,
				  strerror(errno));
		goto out;
	}
	nl = memchr(buf, '\n', n);
	if (nl)
		n = (size_t)(nl - buf);
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	if (n == 0) {
		conf_fail(e,
				  "kamailio_rpc_key_file: '%.120s': the first line (the key) "
				  "is empty",
				  path);
		goto out;
	}
	if (n > CONF_RPC_KEY_MAX) {
		conf_fail(e,
				  "kamailio_rpc_key_file: '%.120s': the key is longer than "
				  "%d bytes",
				  path, CONF_RPC_KEY_MAX);
		goto out;
	}
	for (i = 0; i < n; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			break;
	if (i < n) {
		conf_fail(e,
				  "kamailio_rpc_key_file: '%.120s': the key contains a "
				  "control character",
				  path);
		goto out;
	}
	if (buf[0] == ' ' || buf[n - 1] == ' ') {
		conf_fail(e,
				  "kamailio_rpc_key_file: '%.120s': the key begins or ends "
				  "with a space",
				  path);
		goto out;
	}
	memcpy(c->kamailio_rpc_key, buf, n);
	c->kamailio_rpc_key[n] = '\0';
	rc = 0;
out:
	explicit_bzero(buf, sizeof(buf));
	fclose(f);
	return rc;
}

/* the whole file at path (at most CONF_MAX_FILE bytes) into a malloc'ed
 * *text; -1 with "path: reason" in errbuf */
static int conf_read_text(const char *path, char **text, size_t *len,
						  char *errbuf, size_t errsz)
{
	FILE *f;
	int rc;

	f = fopen(path, "rb");
	if (!f) {
		snprintf(errbuf, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	*text = malloc(CONF_MAX_FILE + 1);
	if (!*text) {
		fclose(f);
		snprintf(errbuf, errsz, "%s: out of memory", path);
		return -1;
	}
	*len = fread(*text, 1, CONF_MAX_FILE + 1, f);
	rc = ferror(f);
	fclose(f);
	if (rc || *len > CONF_MAX_FILE) {
		free(*text);
		snprintf(errbuf, errsz, "%s: %s", path,
				 rc ? "read error" : "larger than 1 MiB");
		return -1;
	}
	return 0;
}

/* parse the file at path (keys_only: an api_key_file); "path:line: message"
 * or "path: message" in errbuf */
static int conf_parse_file(conf_settings *c, const char *path, int keys_only,
						   char *errbuf, size_t errsz)
{
	conf_error e;
	char *text;
	size_t len;
	int rc;

	if (conf_read_text(path, &text, &len, errbuf, errsz) < 0)
		return -1;
	rc = conf_parse_lines(c, text, len, keys_only, &e);
	if (rc == 0 && !keys_only)
		rc = conf_finish(c, &e);
	free(text);
	if (rc < 0) {
		if (e.line)
			snprintf(errbuf, errsz, "%s:%ld: %s", path, e.line, e.msg);
		else
			snprintf(errbuf, errsz, "%s: %s", path, e.msg);
	}
	return rc;
}

int conf_load_file(conf_settings *c, const char *path, char *errbuf,
				   size_t errsz)
{
	conf_error e;

	if (conf_parse_file(c, path, 0, errbuf, errsz) < 0)
		return -1;
	if (c->api_key_file[0] &&
		conf_parse_file(c, c->api_key_file, 1, errbuf, errsz) < 0)
		return -1;
	if (c->kamailio_rpc_key_file[0] && conf_read_rpc_key(c, &e) < 0) {
		snprintf(errbuf, errsz, "%s: %s", path, e.msg);
		return -1;
	}
	return 0;
}

const conf_kamailio *conf_find_kamailio(const conf_settings *c, const char *n)
{
	int i;

	for (i = 0; i < c->n_kamailio; i++)
		if (!strcmp(c->kamailio[i].name, n))
			return &c->kamailio[i];
	return NULL;
}

const conf_rtpengine *conf_find_rtpengine(const conf_settings *c, const char *n)
{
	int i;

	for (i = 0; i < c->n_rtpengine; i++)
		if (!strcmp(c->rtpengine[i].name, n))
			return &c->rtpengine[i];
	return NULL;
}
