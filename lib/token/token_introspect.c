/*
 * token_introspect.c - RFC 7662 introspection client and answer checks.
 */
#include "token/token_introspect.h"
#include "token/token_claims.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <json-c/json.h>

struct tok_introspect {
	CURL *h;
	char *url, *id, *secret, *ca;
	int timeout_ms, retry_min_ms, retry_max_ms;
	int backoff_ms;
	int64_t next_try_ms;
	char body[TOK_INTROSPECT_MAX_BODY];
	size_t blen;
};

int tok_introspect_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

int tok_introspect_check_url(const char *url, char *err, size_t errsz)
{
	size_t n = url ? strlen(url) : 0;
	if (n < 9 || strncmp(url, "https://", 8) != 0) {
		snprintf(err, errsz, "must be an https:// URL (RFC 7662 needs TLS)");
		return -1;
	}
	if (n > 1024 || strpbrk(url, " \t\r\n")) {
		snprintf(err, errsz, "longer than 1024 or contains white space");
		return -1;
	}
	return 0;
}

int tok_is_jwt(const char *token, size_t len)
{
	size_t i, dots = 0;
	for (i = 0; i < len; i++)
		if (token[i] == '.')
			dots++;
	return dots == 2;
}

static char *tok_dup(const char *s)
{
	return strdup(s ? s : "");
}

void tok_introspect_free(tok_introspect_t *ti)
{
	if (!ti)
		return;
	if (ti->h)
		curl_easy_cleanup(ti->h);
	if (ti->secret)
		memset(ti->secret, 0, strlen(ti->secret));
	free(ti->url);
	free(ti->id);
	free(ti->secret);
	free(ti->ca);
	free(ti);
}

tok_introspect_t *tok_introspect_new(const tok_introspect_conf_t *conf,
									 char *err, size_t errsz)
{
	tok_introspect_t *ti;
	if (tok_introspect_check_url(conf->url, err, errsz) < 0)
		return NULL;
	if (conf->timeout_ms <= 0 || conf->retry_min_ms <= 0 ||
		conf->retry_max_ms < conf->retry_min_ms) {
		snprintf(err, errsz, "timeout and backoff must be positive");
		return NULL;
	}
	if (!(ti = calloc(1, sizeof(*ti))))
		goto oom;
	ti->url = tok_dup(conf->url);
	ti->id = tok_dup(conf->client_id);
	ti->secret = tok_dup(conf->client_secret);
	ti->ca = tok_dup(conf->ca_file);
	if (!ti->url || !ti->id || !ti->secret || !ti->ca)
		goto oom;
	ti->timeout_ms = conf->timeout_ms;
	ti->retry_min_ms = conf->retry_min_ms;
	ti->retry_max_ms = conf->retry_max_ms;
	ti->backoff_ms = conf->retry_min_ms;
	if (!(ti->h = curl_easy_init())) {
		snprintf(err, errsz, "cannot create a libcurl handle");
		tok_introspect_free(ti);
		return NULL;
	}
	return ti;
oom:
	snprintf(err, errsz, "out of memory");
	tok_introspect_free(ti);
	return NULL;
}

static size_t tok_write(char *p, size_t size, size_t n, void *arg)
{
	tok_introspect_t *ti = arg;
	size_t len = size * n;
	if (len >= sizeof(ti->body) - ti->blen)
		return 0; /* too large: libcurl stops with an error */
	memcpy(ti->body + ti->blen, p, len);
	ti->blen += len;
	return len;
}

tok_status_t tok_introspect_parse(const char *body, size_t len,
								  const tok_opts_t *opts, tok_claims_t *out)
{
	struct json_tokener *tk;
	struct json_object *o, *active;
	tok_status_t st;

	memset(out, 0, sizeof(*out));
	if (len > TOK_INTROSPECT_MAX_BODY)
		return tok_fail(out, TOK_UNAVAILABLE, "answer too large");
	if (!(tk = json_tokener_new_ex(16)))
		return tok_fail(out, TOK_INTERNAL, "out of memory");
	o = json_tokener_parse_ex(tk, body, (int)len);
	if (!o || json_tokener_get_parse_end(tk) != len) {
		json_tokener_free(tk);
		json_object_put(o);
		return tok_fail(out, TOK_UNAVAILABLE, "answer is not JSON");
	}
	json_tokener_free(tk);
	if (!json_object_is_type(o, json_type_object) ||
		!json_object_object_get_ex(o, "active", &active) ||
		!json_object_is_type(active, json_type_boolean))
		st = tok_fail(out, TOK_UNAVAILABLE, "answer has no boolean active");
	else if (!json_object_get_boolean(active))
		st = tok_fail(out, TOK_INACTIVE, "the endpoint says inactive");
	else
		st = tok_claims_check(o, opts, 0, out);
	json_object_put(o);
	return st;
}

/* a failed request: back off, say why */
static tok_status_t tok_down(tok_introspect_t *ti, int64_t now_ms,
							 tok_claims_t *out, const char *why)
{
	char buf[80];
	ti->next_try_ms = now_ms + ti->backoff_ms;
	ti->backoff_ms = ti->backoff_ms * 2 > ti->retry_max_ms ? ti->retry_max_ms
														   : ti->backoff_ms * 2;
	snprintf(buf, sizeof(buf), "%.70s", why);
	return tok_fail(out, TOK_UNAVAILABLE, buf);
}

/* the form body: token=<escaped>&token_type_hint=access_token */
static char *tok_form(CURL *h, const char *token, size_t len)
{
	char *esc = curl_easy_escape(h, token, (int)len), *form;
	size_t n;
	if (!esc)
		return NULL;
	n = strlen(esc) + sizeof("token=&token_type_hint=access_token");
	if ((form = malloc(n)))
		snprintf(form, n, "token=%s&token_type_hint=access_token", esc);
	curl_free(esc);
	return form;
}

/* client credentials: form-urlencoded, then HTTP Basic (RFC 6749 2.3.1) */
static int tok_basic_auth(tok_introspect_t *ti)
{
	char *u, *p;
	int rc;
	if (!ti->id[0])
		return 0;
	u = curl_easy_escape(ti->h, ti->id, 0);
	p = curl_easy_escape(ti->h, ti->secret, 0);
	rc = u && p &&
						 curl_easy_setopt(ti->h, CURLOPT_HTTPAUTH,
										  CURLAUTH_BASIC) == CURLE_OK &&
						 curl_easy_setopt(ti->h, CURLOPT_USERNAME, u) ==
								 CURLE_OK &&
						 curl_easy_setopt(ti->h, CURLOPT_PASSWORD, p) ==
								 CURLE_OK
				 ? 0
				 : -1;
	curl_free(u);
	if (p) {
		memset(p, 0, strlen(p));
		curl_free(p);
	}
	return rc;
}

tok_status_t tok_introspect(tok_introspect_t *ti, const tok_opts_t *opts,
							const char *token, size_t len, int64_t now_ms,
							tok_claims_t *out)
{
	struct curl_slist *hdrs = NULL;
	char *form;
	long code = 0;
	CURLcode rc;
	char why[96];
	size_t max = opts->max_len ? opts->max_len : TOK_DEFAULT_MAXLEN;

	memset(out, 0, sizeof(*out));
	if (len > max)
		return tok_fail(out, TOK_TOO_LONG, "token longer than the maximum");
	if (len == 0 || memchr(token, '\0', len))
		return tok_fail(out, TOK_MALFORMED, "empty token or NUL in it");
	if (now_ms < ti->next_try_ms)
		return tok_fail(out, TOK_UNAVAILABLE, "endpoint failed recently");
	if (!(form = tok_form(ti->h, token, len)))
		return tok_fail(out, TOK_INTERNAL, "out of memory");
	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	curl_easy_reset(ti->h);
	ti->blen = 0;
	if (!hdrs || tok_basic_auth(ti) < 0 ||
		curl_easy_setopt(ti->h, CURLOPT_URL, ti->url) != CURLE_OK ||
		curl_easy_setopt(ti->h, CURLOPT_PROTOCOLS_STR, "https") != CURLE_OK ||
		curl_easy_setopt(ti->h, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
		curl_easy_setopt(ti->h, CURLOPT_TIMEOUT_MS, (long)ti->timeout_ms) !=
				CURLE_OK ||
		curl_easy_setopt(ti->h, CURLOPT_CONNECTTIMEOUT_MS,
						 (long)ti->timeout_ms) != CURLE_OK ||
		(ti->ca[0] &&
		 curl_easy_setopt(ti->h, CURLOPT_CAINFO, ti->ca) != CURLE_OK) ||
		curl_easy_setopt(ti->h, CURLOPT_HTTPHEADER, hdrs) != CURLE_OK ||
		curl_easy_setopt(ti->h, CURLOPT_POSTFIELDS, form) != CURLE_OK ||
		curl_easy_setopt(ti->h, CURLOPT_POSTFIELDSIZE, (long)strlen(form)) !=
				CURLE_OK ||
		curl_easy_setopt(ti->h, CURLOPT_WRITEFUNCTION, tok_write) != CURLE_OK ||
		curl_easy_setopt(ti->h, CURLOPT_WRITEDATA, ti) != CURLE_OK) {
		curl_slist_free_all(hdrs);
		free(form);
		return tok_fail(out, TOK_INTERNAL, "cannot set up the request");
	}
	rc = curl_easy_perform(ti->h);
	curl_easy_getinfo(ti->h, CURLINFO_RESPONSE_CODE, &code);
	/* the form holds the token: wipe it */
	memset(form, 0, strlen(form));
	free(form);
	curl_slist_free_all(hdrs);
	if (rc != CURLE_OK) {
		snprintf(why, sizeof(why), "request failed: %s",
				 curl_easy_strerror(rc));
		return tok_down(ti, now_ms, out, why);
	}
	if (code != 200) {
		snprintf(why, sizeof(why), "endpoint answered HTTP %ld", code);
		return tok_down(ti, now_ms, out, why);
	}
	ti->backoff_ms = ti->retry_min_ms;
	ti->next_try_ms = 0;
	return tok_introspect_parse(ti->body, ti->blen, opts, out);
}
