/*
 * conf.h - iwg-admind configuration: defaults and the file parser.
 *
 * File format: one "key = value" per line; blank lines and lines whose first
 * non-blank character is '#' are ignored. Keys are the fields documented in
 * admin/iwg-admind.conf. "kamailio", "rtpengine" and "api_key" may repeat
 * (one node or key per line); every other key may appear once. Unknown keys,
 * repeated single keys and bad values are errors reported as
 * "file:line: message". Pure C (no I/O except conf_load_file(), which also
 * reads the files named by api_key_file and kamailio_rpc_key_file).
 */
#ifndef IWG_ADMIND_CONF_H
#define IWG_ADMIND_CONF_H

#include <stddef.h>

#define CONF_MAX_NODES	 16
#define CONF_MAX_KEYS	 64
#define CONF_NAME_MAX	 32
#define CONF_HOST_MAX	 128
#define CONF_PATH_MAX	 256
#define CONF_MAX_FILE	 (1024 * 1024)
#define CONF_RPC_KEY_MAX 256 /* bytes of the Kamailio JSON-RPC key */
#define CONF_HASH_LEN	 32	 /* SHA-256 */
#define CONF_CSP_MAX	 512 /* web_connect_src */
/* redis_cluster: "cluster:" and this fit lib/idstore's IDS_ADDR_MAX */
#define CONF_CLUSTER_MAX 240

/* API key roles (bit values; a route lists the roles it admits) */
enum {
	CONF_ROLE_NOC = 1,	   /* read-only monitoring */
	CONF_ROLE_IDADMIN = 2, /* identities */
	CONF_ROLE_ADMIN = 4,   /* everything */
	CONF_ROLE_APP = 8,	   /* a web back-end: credentials (and whoami) only */
};
/* the people's roles: every route but the credential one and whoami admits
 * no more than these */
#define CONF_ROLE_ANY (CONF_ROLE_NOC | CONF_ROLE_IDADMIN | CONF_ROLE_ADMIN)

/* credential_kind and credential_token_alg */
enum { CONF_CRED_OFF = 0, CONF_CRED_TOKEN, CONF_CRED_EPHEMERAL };
enum { CONF_CRED_ES256 = 0, CONF_CRED_HS256 };
#define CONF_CLAIM_MAX 256 /* credential_token_issuer / _audience */
#define CONF_KID_MAX   64

typedef struct conf_kamailio {
	char name[CONF_NAME_MAX];
	char url[CONF_PATH_MAX]; /* JSON-RPC endpoint, http(s)://... */
} conf_kamailio;

typedef struct conf_rtpengine {
	char name[CONF_NAME_MAX];
	char host[CONF_HOST_MAX];
	unsigned short port;
} conf_rtpengine;

typedef struct conf_key {
	char id[CONF_NAME_MAX];
	int role; /* one CONF_ROLE_* */
	unsigned char hash[CONF_HASH_LEN];
} conf_key;

typedef struct conf_settings {
	char listen_addr[64]; /* numeric IPv4/IPv6 */
	unsigned short listen_port;
	char tls_cert[CONF_PATH_MAX]; /* both empty: plain HTTP */
	char tls_key[CONF_PATH_MAX];
	int threads;
	size_t max_body;
	int connection_limit;
	int connection_timeout_s;

	char redis_host[CONF_HOST_MAX];
	unsigned short redis_port;
	/* "host:port,..." of Redis Cluster seed nodes, from "redis =
	 * cluster:LIST" (normalised like redis_sentinels); when not empty
	 * redis_host/port are unused */
	char redis_cluster[CONF_CLUSTER_MAX];
	int redis_timeout_ms;
	char redis_password[CONF_HOST_MAX];
	/* "host:port,..." of Redis Sentinels (normalised: no blanks, IPv6 in
	 * brackets); when not empty every Redis connection asks them for the
	 * master named redis_sentinel_master and redis_host/port are unused */
	char redis_sentinels[CONF_PATH_MAX];
	char redis_sentinel_master[64];
	/* identity writes WAIT for this many replicas (0: no WAIT), at most
	 * redis_wait_timeout_ms; fewer acknowledged: 503 not_replicated */
	int redis_wait_replicas;
	int redis_wait_timeout_ms;

	int kamailio_timeout_ms;
	/* file whose first line is the key sent as X-IWG-RPC-Key on every
	 * JSON-RPC request; an empty path: no header. conf_parse() only records
	 * the path, conf_load_file() fills kamailio_rpc_key from it. */
	char kamailio_rpc_key_file[CONF_PATH_MAX];
	char kamailio_rpc_key[CONF_RPC_KEY_MAX + 1];
	conf_kamailio kamailio[CONF_MAX_NODES];
	int n_kamailio;
	int rtpengine_timeout_ms;
	conf_rtpengine rtpengine[CONF_MAX_NODES];
	int n_rtpengine;

	conf_key keys[CONF_MAX_KEYS];
	int n_keys;
	/* file of "api_key = ..." lines (and comments), read by
	 * conf_load_file() after the configuration; empty: none. Its keys add
	 * to the api_key lines (ids unique across both). */
	char api_key_file[CONF_PATH_MAX];

	double rate_key;   /* requests/s per API key; 0: no limit */
	double burst_key;  /* bucket size */
	double rate_addr;  /* requests/s per client address; 0: no limit */
	double burst_addr; /* bucket size */

	char audit_stream[CONF_NAME_MAX * 2];
	long audit_maxlen;
	/* credentials issued and refused (POST /api/v1/credentials): a stream
	 * of their own, so a web back-end's traffic never trims the writes */
	char cred_audit_stream[CONF_NAME_MAX * 2];
	long cred_audit_maxlen;
	int page_size_default;
	int page_size_max;
	int calls_max;
	/* GET /api/v1/registrations refuses to ul.dump a node whose usrloc
	 * holds more contacts than this */
	int registrations_list_max;

	/* static files: web_root/{console,portal,sdk}/ at /console/ ...;
	 * empty: none */
	char web_root[CONF_PATH_MAX];
	/* extra CSP connect-src sources, space-separated (validated: no ';',
	 * ',' or quote can reach the header) */
	char web_connect_src[CONF_CSP_MAX];
	char sip_domain[CONF_HOST_MAX]; /* credential "uri"; empty: null */

	/* POST /api/v1/credentials; the files are read by cred_load() */
	int credential_kind; /* CONF_CRED_* */
	int credential_ttl, credential_ttl_max;
	int credential_token_alg; /* CONF_CRED_ES256, CONF_CRED_HS256 */
	char credential_token_kid[CONF_KID_MAX + 1];
	char credential_token_key_file[CONF_PATH_MAX];
	char credential_token_issuer[CONF_CLAIM_MAX];
	char credential_token_audience[CONF_CLAIM_MAX];
	char credential_secret_file[CONF_PATH_MAX];
	/* the lines that set credential_kind (when not off) and the two files,
	 * for errors found when the files are read; 0 when not set */
	long credential_kind_line;
	long credential_token_key_line;
	long credential_secret_line;
	double credential_rate, credential_burst; /* per key on that route */

	int series_interval;   /* seconds between samples of /api/v1/series */
	int series_points;	   /* samples kept */
	int diagnosis_quiet_s; /* no packet for this long: a direction is silent */
} conf_settings;

typedef struct conf_error {
	long line; /* 0 when not about one line */
	char msg[200];
} conf_error;

/* Fill c with the defaults (documented in admin/iwg-admind.conf). */
void conf_defaults(conf_settings *c);

/*
 * Parse text[0..len) on top of the values already in c (normally the
 * defaults). After the last line, nodes that were not configured get their
 * defaults. Returns 0, or -1 with e->line and e->msg set; c is then
 * partially updated and must not be used.
 */
int conf_parse(conf_settings *c, const char *text, size_t len, conf_error *e);

/*
 * Read and parse the file at path, then the api_key lines of api_key_file
 * (any other key there is an error) and the key from
 * kamailio_rpc_key_file when they are given (its first line without the
 * trailing LF/CR: 1..CONF_RPC_KEY_MAX bytes, no control character, no space
 * at either end). Returns 0, or -1 with errbuf holding "path:line: message"
 * (path being the file at fault; "path: message" for I/O errors and for the
 * key file); c must then not be used. The key never appears in errbuf.
 */
int conf_load_file(conf_settings *c, const char *path, char *errbuf,
				   size_t errsz);

/* Name of the i-th configuration key (0-based), NULL past the last. */
const char *conf_key_name(size_t i);

/* Name of one CONF_CRED_* kind ("off", "token", "ephemeral"). */
const char *conf_cred_kind_name(int kind);

/* Name of one CONF_ROLE_* value, "?" otherwise. */
const char *conf_role_name(int role);

/* Kamailio / rtpengine node by name, or NULL. */
const conf_kamailio *conf_find_kamailio(const conf_settings *c, const char *n);
const conf_rtpengine *conf_find_rtpengine(const conf_settings *c,
										  const char *n);

#endif
