/*
 * idctl.c - iwg-idctl entry point: options, connection, command dispatch.
 */
#include "idctl.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
		"usage: iwg-idctl [options] COMMAND [ARGS]\n"
		"\n"
		"Manage the identity mappings of iwg in Redis.\n"
		"\n"
		"commands:\n"
		"  add NS KEY SIP_URI [FIELD=VALUE...]   create a mapping\n"
		"  set NS KEY SIP_URI [FIELD=VALUE...]   create or replace a mapping\n"
		"  get NS KEY                            print a mapping (JSON)\n"
		"  reverse NS SIP_URI                    the mapping holding a URI\n"
		"  reverse-did DID                       the mapping holding a DID\n"
		"  del NS KEY                            delete a mapping\n"
		"  enable NS KEY | disable NS KEY\n"
		"  list [NS [PATTERN]]                   keys, NS<TAB>KEY per line\n"
		"  import FILE                           CSV or JSON lines ('-': "
		"stdin)\n"
		"  validate FILE                         check a file, write nothing\n"
		"  export [NS [PATTERN]]                 all mappings to stdout\n"
		"  flush-caches                          every node drops its cache\n"
		"  migrate                               rename keys of a version "
		"before\n"
		"                                        Redis Cluster support "
		"(resumable)\n"
		"\n"
		"FIELD is one of display_name impi tenant agent_id queue language\n"
		"priority did ha1 enabled not_after (docs/identity.md; e.g.\n"
		"language=fr priority=5 did=+33123456789).\n"
		"\n"
		"options:\n"
		"  -r, --redis ADDR       host:port, unix:/path or "
		"cluster:host:port,...\n"
		"                         (default $IWG_REDIS_ADDR or "
		"127.0.0.1:6379)\n"
		"  -s, --sentinels LIST   host:port,... of Redis Sentinels\n"
		"  -m, --master NAME      Sentinel master name (default mymaster)\n"
		"  -a, --password PASS    Redis AUTH password ($IWG_REDIS_PASSWORD)\n"
		"  -t, --timeout MS       connect and command timeout (default 2000)\n"
		"  -w, --wait-replicas N  after each write, wait until N replicas "
		"have\n"
		"                         it (Redis WAIT; default "
		"$IWG_REDIS_WAIT_REPLICAS or 0)\n"
		"      --wait-timeout MS  how long to wait for them (default 500)\n"
		"  -f, --format FMT       csv or jsonl (import: detected; export: "
		"csv)\n"
		"  -n, --namespace NS     namespace for file rows without ns\n"
		"      --mode MODE        import: create, upsert (default), replace\n"
		"  -h, --help\n"
		"\n"
		"exit status: 0 ok, 1 usage or invalid input, 2 not found, 3 refused\n"
		"(exists, sip_uri or did conflict), 4 Redis error, 5 written on the\n"
		"master but fewer than N replicas acknowledged it in time (it may be\n"
		"lost in a failover: check, then write again), 6 a stored mapping\n"
		"fails validation (written by something else: set replaces it, del\n"
		"removes it; export lists the others and names it), or a stored\n"
		"key name that names no mapping (export: a NUL byte or a namespace\n"
		"that is not one; counted, redis-cli DEL removes it).\n";

ids_ctx_t *idctl_conn(idctl_t *c)
{
	if (c->ctx)
		return c->ctx;
	c->ctx = ids_connect(&c->conf);
	if (!c->ctx) {
		fprintf(stderr, "iwg-idctl: out of memory\n");
		exit(IDCTL_EREDIS);
	}
	if (c->ctx->err) {
		fprintf(stderr, "iwg-idctl: cannot connect to Redis: %s\n",
				c->ctx->errstr);
		exit(IDCTL_EREDIS);
	}
	return c->ctx;
}

int idctl_fail(idctl_t *c, const char *what)
{
	int e = c->ctx ? c->ctx->err : IDS_ERR_IO;
	fprintf(stderr, "iwg-idctl: %s: %s%s\n", what,
			c->ctx ? c->ctx->errstr : "not connected",
			e == IDS_ERR_CORRUPT ? " (the stored mapping is invalid: replace "
								   "it with set, or remove it with del)"
								 : "");
	switch (e) {
	case IDS_ERR_NOTFOUND:
		return IDCTL_ENOTFOUND;
	case IDS_ERR_EXISTS:
	case IDS_ERR_CONFLICT:
		return IDCTL_EREFUSED;
	case IDS_ERR_INVALID:
	case IDS_ERR_ARG:
		return IDCTL_EUSAGE;
	case IDS_ERR_NOT_REPLICATED:
		return IDCTL_ENOTREPL;
	case IDS_ERR_CORRUPT:
		return IDCTL_ESTORED;
	default:
		return IDCTL_EREDIS;
	}
}

/* a decimal number >= min (and < 1000000) into *out; -1 after saying why */
static int idctl_count(const char *what, const char *s, int min, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < min || v >= 1000000) {
		fprintf(stderr, "iwg-idctl: %s: not a number from %d to 999999: %s\n",
				what, min, s);
		return -1;
	}
	*out = (int)v;
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(idctl_t *, int, char **);
} cmds[] = {
		{"add", idctl_cmd_put},
		{"set", idctl_cmd_put},
		{"get", idctl_cmd_get},
		{"reverse", idctl_cmd_get},
		{"reverse-did", idctl_cmd_get},
		{"del", idctl_cmd_del},
		{"enable", idctl_cmd_enable},
		{"disable", idctl_cmd_enable},
		{"list", idctl_cmd_list},
		{"import", idctl_cmd_import},
		{"validate", idctl_cmd_validate},
		{"export", idctl_cmd_export},
		{"flush-caches", idctl_cmd_flush},
		{"migrate", idctl_cmd_migrate},
};

int main(int argc, char **argv)
{
	static const struct option opts[] = {
			{"redis", required_argument, NULL, 'r'},
			{"sentinels", required_argument, NULL, 's'},
			{"master", required_argument, NULL, 'm'},
			{"password", required_argument, NULL, 'a'},
			{"timeout", required_argument, NULL, 't'},
			{"wait-replicas", required_argument, NULL, 'w'},
			{"wait-timeout", required_argument, NULL, 'W'},
			{"format", required_argument, NULL, 'f'},
			{"namespace", required_argument, NULL, 'n'},
			{"mode", required_argument, NULL, 'M'},
			{"help", no_argument, NULL, 'h'},
			{NULL, 0, NULL, 0},
	};
	idctl_t c;
	const char *env;
	size_t i;
	int o, rc;

	memset(&c, 0, sizeof(c));
	ids_conf_init(&c.conf);
	snprintf(c.conf.addr, sizeof(c.conf.addr), "%s",
			 (env = getenv("IWG_REDIS_ADDR")) && *env ? env : "127.0.0.1:6379");
	if ((env = getenv("IWG_REDIS_PASSWORD")))
		snprintf(c.conf.password, sizeof(c.conf.password), "%s", env);
	c.conf.connect_timeout_ms = c.conf.cmd_timeout_ms = 2000;
	if ((env = getenv("IWG_REDIS_WAIT_REPLICAS")) && *env &&
		idctl_count("$IWG_REDIS_WAIT_REPLICAS", env, 0, &c.conf.wait_replicas))
		return IDCTL_EUSAGE;
	c.mode = IDS_PUT_UPSERT;
	while ((o = getopt_long(argc, argv, "+r:s:m:a:t:w:f:n:h", opts, NULL)) !=
		   -1) {
		switch (o) {
		case 'r':
			snprintf(c.conf.addr, sizeof(c.conf.addr), "%s", optarg);
			break;
		case 's':
			snprintf(c.conf.sentinels, sizeof(c.conf.sentinels), "%s", optarg);
			break;
		case 'm':
			snprintf(c.conf.sentinel_master, sizeof(c.conf.sentinel_master),
					 "%s", optarg);
			break;
		case 'a':
			snprintf(c.conf.password, sizeof(c.conf.password), "%s", optarg);
			break;
		case 't':
			if (idctl_count("--timeout", optarg, 1, &c.conf.cmd_timeout_ms))
				return IDCTL_EUSAGE;
			c.conf.connect_timeout_ms = c.conf.cmd_timeout_ms;
			break;
		case 'w':
			if (idctl_count("--wait-replicas", optarg, 0,
							&c.conf.wait_replicas))
				return IDCTL_EUSAGE;
			break;
		case 'W':
			if (idctl_count("--wait-timeout", optarg, 1,
							&c.conf.wait_timeout_ms))
				return IDCTL_EUSAGE;
			break;
		case 'f':
			if (strcmp(optarg, "csv") == 0)
				c.format = IDS_FMT_CSV;
			else if (strcmp(optarg, "jsonl") == 0 ||
					 strcmp(optarg, "json") == 0)
				c.format = IDS_FMT_JSONL;
			else {
				fprintf(stderr, "iwg-idctl: --format: csv or jsonl, not %s\n",
						optarg);
				return IDCTL_EUSAGE;
			}
			break;
		case 'n':
			c.default_ns = optarg;
			break;
		case 'M':
			if (strcmp(optarg, "create") == 0)
				c.mode = IDS_PUT_CREATE;
			else if (strcmp(optarg, "upsert") == 0)
				c.mode = IDS_PUT_UPSERT;
			else if (strcmp(optarg, "replace") == 0)
				c.mode = IDS_PUT_REPLACE;
			else {
				fprintf(stderr,
						"iwg-idctl: --mode: create, upsert or replace, not "
						"%s\n",
						optarg);
				return IDCTL_EUSAGE;
			}
			break;
		case 'h':
			fputs(usage, stdout);
			return IDCTL_OK;
		default:
			fputs(usage, stderr);
			return IDCTL_EUSAGE;
		}
	}
	if (optind >= argc) {
		fputs(usage, stderr);
		return IDCTL_EUSAGE;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[optind], cmds[i].name) == 0) {
			rc = cmds[i].fn(&c, argc - optind, argv + optind);
			ids_free(c.ctx);
			return rc;
		}
	}
	fprintf(stderr, "iwg-idctl: unknown command '%s' (see --help)\n",
			argv[optind]);
	return IDCTL_EUSAGE;
}
