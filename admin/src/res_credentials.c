/*
 * res_credentials.c - POST /api/v1/credentials: a short-lived credential
 * for one user, of the kind the gateway accepts (credential_kind), for a
 * web back-end to hand to its browser. Rate-limited per key on top of the
 * per-key limit, audit-logged with the user as target (never the
 * credential). The credentials themselves are cred.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <microhttpd.h>

#include "cred.h"
#include "handlers.h"
#include "idstore/idstore.h"
#include "jsonv.h"
#include "log.h"
#include "schemas.h"

/* the audit entry of an outcome for user (a failure to log is logged) */
static void cred_audit(admind_req *r, const char *user, unsigned status)
{
	backend_err e = {0};

	if (audit_write_credential(r, "credentials.issue", user, status, &e) < 0)
		log_err("audit write failed: %s", e.msg);
}

/* the user's mapping under namespace web must exist, pass validation and
 * be usable; -1 after answering (404, 409 and 403 audit-logged; 503/502) */
static int cred_mapping_ok(admind_req *r, const char *user, int64_t now,
						   char *sip_uri, size_t sip_uri_size, int *ret)
{
	backend_err e = {0};
	ids_record_t rec;
	ids_ctx_t *ctx;
	int rc;

	if (!(ctx = res_identities_ctx(&r->app->conf, &e))) {
		*ret = reply_backend_error(r, "identity store", &e);
		return -1;
	}
	rc = ids_get(ctx, "web", user, &rec);
	if (rc == IDS_ERR_NOTFOUND) {
		cred_audit(r, user, MHD_HTTP_NOT_FOUND);
		*ret = reply_error(r, MHD_HTTP_NOT_FOUND, "not_found", "user",
						   "no identity mapping web/%s", user);
		return -1;
	}
	if (rc == IDS_ERR_CORRUPT) /* a refusal too, like 404 and 403 */
		cred_audit(r, user, MHD_HTTP_CONFLICT);
	if (rc != IDS_OK) {
		*ret = res_identities_fail(r, ctx, rc, "identity");
		return -1;
	}
	rc = ids_record_usable(&rec, now);
	if (rc <= 0) {
		cred_audit(r, user, MHD_HTTP_FORBIDDEN);
		*ret = reply_error(r, MHD_HTTP_FORBIDDEN, "forbidden", "user",
						   "the identity mapping web/%s is %s", user,
						   rc == 0 ? "disabled" : "past its not_after");
		return -1;
	}
	snprintf(sip_uri, sip_uri_size, "%s", rec.sip_uri);
	return 0;
}

/* uri: the SIP URI to register (a token's: its mapping's sip_uri, which
 * the edge checks the REGISTER against); NULL: sip:<user>@<sip_domain> */
static struct json_object *cred_answer(admind_req *r, const char *user,
									   int64_t expires, const char *sip_uri)
{
	struct json_object *j = json_object_new_object();
	const char *dom = r->app->conf.sip_domain;
	char uri[CRED_USER_MAX + CONF_HOST_MAX + 8];

	json_object_object_add(
			j, "kind",
			json_object_new_string(conf_cred_kind_name(r->app->cred.kind)));
	json_object_object_add(j, "user", json_object_new_string(user));
	json_object_object_add(j, "expires", json_object_new_int64(expires));
	snprintf(uri, sizeof(uri), "sip:%s@%s", user, dom);
	json_object_object_add(j, "uri",
						   sip_uri	? json_object_new_string(sip_uri)
						   : dom[0] ? json_object_new_string(uri)
									: NULL);
	return j;
}

/* after the body and ttl are checked: issue, audit, answer 201 */
static int cred_issue(admind_req *r, const char *user, int ttl)
{
	const cred_signer *s = &r->app->cred;
	int64_t now = (int64_t)time(NULL), exp = now + ttl;
	char username[CRED_USERNAME_MAX], password[CRED_PASSWORD_MAX], jti[23];
	char sip_uri[IDS_FIELD_MAXLEN + 1];
	struct json_object *j;
	char *tok;
	int ret;

	if (s->kind == CONF_CRED_TOKEN) {
		if (cred_mapping_ok(r, user, now, sip_uri, sizeof(sip_uri), &ret) < 0)
			return ret;
		if (cred_jti(jti) < 0 || !(tok = cred_jwt(s, user, now, exp, jti)))
			return reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
							   NULL, "signing failed");
		j = cred_answer(r, user, exp, sip_uri);
		json_object_object_add(j, "token", json_object_new_string(tok));
		free(tok);
	} else {
		if (cred_ephemeral(s->secret, s->secret_len, user, exp, username,
						   sizeof(username), password, sizeof(password)) < 0)
			return reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
							   NULL, "HMAC failed");
		j = cred_answer(r, user, exp, NULL);
		json_object_object_add(j, "username", json_object_new_string(username));
		json_object_object_add(j, "password", json_object_new_string(password));
		explicit_bzero(password, sizeof(password));
	}
	cred_audit(r, user, MHD_HTTP_CREATED);
	return reply_json(r, MHD_HTTP_CREATED, j);
}

int res_credentials(admind_req *r)
{
	const conf_settings *c = &r->app->conf;
	struct json_object *o;
	char user[CRED_USER_MAX + 1];
	jsonv_error ve;
	int64_t ttl;
	int wait;

	if (r->app->cred.kind == CONF_CRED_OFF)
		return reply_error(r, MHD_HTTP_CONFLICT, "credentials_off", NULL,
						   "this gateway issues no credentials "
						   "(credential_kind off)");
	wait = ratelimit_take(r->app->rl_cred, r->key->id, admind_now());
	if (wait)
		return http_reply_429(r, wait,
							  "too many credentials asked with this API key");
	if (jsonv_parse(r->body, r->body_len, schemas_credentials,
					schemas_credentials_n, &o, &ve) < 0)
		return reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request", ve.field,
						   "%s%s%s", ve.field, ve.field[0] ? ": " : "", ve.msg);
	snprintf(user, sizeof(user), "%s", jsonv_str(o, "user"));
	ttl = jsonv_int(o, "ttl", c->credential_ttl);
	json_object_put(o);
	if (!cred_user_ok(user))
		return reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request", "user",
						   "user: 1-64 of A-Z a-z 0-9 . _ ~ + -");
	if (ttl < 10 || ttl > c->credential_ttl_max)
		return reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request", "ttl",
						   "ttl: %lld is not in 10..%d seconds", (long long)ttl,
						   c->credential_ttl_max);
	return cred_issue(r, user, (int)ttl);
}
