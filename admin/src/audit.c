/*
 * audit.c - the audit log's writer: a Redis stream (XADD with an
 * approximate MAXLEN). GET /api/v1/audit reads it (res_audit.c).
 */
#include <stdio.h>

#include "handlers.h"

static int audit_xadd(admind_req *r, const char *stream, long max,
					  const char *action, const char *target, unsigned status,
					  backend_err *e)
{
	const conf_settings *c = &r->app->conf;
	char maxlen[24], when[32], st[8];
	const char *argv[] = {"XADD",	stream,
						  "MAXLEN", "~",
						  maxlen,	"*",
						  "time",	when,
						  "key_id", r->key ? r->key->id : "-",
						  "role",	r->key ? conf_role_name(r->key->role) : "-",
						  "action", action,
						  "target", target,
						  "client", r->client,
						  "status", st};
	redisReply *rep;

	snprintf(maxlen, sizeof(maxlen), "%ld", max);
	snprintf(when, sizeof(when), "%.3f", admind_wallclock());
	snprintf(st, sizeof(st), "%u", status);
	rep = backend_redis_command(c, (int)(sizeof(argv) / sizeof(argv[0])), argv,
								NULL, e);
	if (!rep)
		return -1;
	freeReplyObject(rep);
	return 0;
}

int audit_write(admind_req *r, const char *action, const char *target,
				unsigned status, backend_err *e)
{
	const conf_settings *c = &r->app->conf;

	return audit_xadd(r, c->audit_stream, c->audit_maxlen, action, target,
					  status, e);
}

int audit_write_credential(admind_req *r, const char *action,
						   const char *target, unsigned status, backend_err *e)
{
	const conf_settings *c = &r->app->conf;

	return audit_xadd(r, c->cred_audit_stream, c->cred_audit_maxlen, action,
					  target, status, e);
}
