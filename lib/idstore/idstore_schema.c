/*
 * idstore_schema.c - Redis key names, URI normalisation and change notices.
 */
#include "idstore/idstore_schema.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int ids_fmt(char *buf, size_t bufsz, const char *prefix, const char *ns,
				   const char *b)
{
	int n;
	if (strpbrk(ns, "{}"))
		return -1;
	n = snprintf(buf, bufsz, "%s{%s}:%s", prefix, ns, b);
	return (n < 0 || (size_t)n >= bufsz) ? -1 : n;
}

int ids_key_upgrade(const char *old, size_t len, char *buf, size_t bufsz)
{
	static const char *const prefixes[] = {IDS_MAP_PREFIX, IDS_REV_PREFIX};
	const char *ns, *colon;
	size_t i, pl, nl;
	int n;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		pl = strlen(prefixes[i]);
		if (len <= pl || memcmp(old, prefixes[i], pl) != 0)
			continue;
		ns = old + pl;
		if (*ns == '{')
			return 0; /* already tagged */
		colon = memchr(ns, ':', len - pl);
		if (!colon || colon == ns || memchr(ns, '}', (size_t)(colon - ns)))
			return 0;
		nl = (size_t)(colon - ns);
		/* a NUL inside old would be cut by %.*s: not a name of ours */
		if (memchr(old, '\0', len) || len > (size_t)INT32_MAX)
			return 0;
		n = snprintf(buf, bufsz, "%s{%.*s}:%.*s", prefixes[i], (int)nl, ns,
					 (int)(len - pl - nl - 1), colon + 1);
		return (n < 0 || (size_t)n >= bufsz) ? -1 : n;
	}
	return 0;
}

int ids_key_split(const char *k, size_t len, const char **ns, size_t *nslen,
				  const char **rest)
{
	static const char *const prefixes[] = {IDS_MAP_PREFIX, IDS_REV_PREFIX};
	const char *close;
	size_t i, pl;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		pl = strlen(prefixes[i]);
		if (len < pl + 3 || memcmp(k, prefixes[i], pl) != 0 || k[pl] != '{')
			continue;
		close = memchr(k + pl + 1, '}', len - pl - 1);
		if (!close || close == k + pl + 1 || close + 1 >= k + len ||
			close[1] != ':')
			return -1;
		*ns = k + pl + 1;
		*nslen = (size_t)(close - *ns);
		*rest = close + 2;
		return 0;
	}
	return -1;
}

int ids_key_map(char *buf, size_t bufsz, const char *ns, const char *key)
{
	return ids_fmt(buf, bufsz, IDS_MAP_PREFIX, ns, key);
}

int ids_key_rev(char *buf, size_t bufsz, const char *ns, const char *norm_uri)
{
	return ids_fmt(buf, bufsz, IDS_REV_PREFIX, ns, norm_uri);
}

int ids_key_did(char *buf, size_t bufsz, const char *did)
{
	int n = snprintf(buf, bufsz, "%s%s", IDS_DID_PREFIX, did);
	return (n < 0 || (size_t)n >= bufsz) ? -1 : n;
}

int ids_did_owner_parse(const char *v, size_t len, const char **ns,
						size_t *nslen, const char **key, size_t *keylen,
						const char **tok, size_t *toklen)
{
	const char *colon = memchr(v, ':', len), *sp;
	size_t i;
	if (!colon || colon == v || (size_t)(colon - v) > IDS_NS_MAX)
		return -1;
	*ns = v;
	*nslen = (size_t)(colon - v);
	*key = colon + 1;
	sp = memchr(*key, ' ', len - *nslen - 1);
	*keylen = sp ? (size_t)(sp - *key) : len - *nslen - 1;
	*tok = sp ? sp + 1 : v + len;
	*toklen = sp ? len - (size_t)(*tok - v) : 0;
	if (*keylen == 0 || *keylen > IDS_KEY_MAX ||
		(sp && *toklen != IDS_DID_TOK_LEN))
		return -1;
	for (i = 0; i < *toklen; i++)
		if (!isxdigit((unsigned char)(*tok)[i]))
			return -1;
	return 0;
}

int ids_uri_norm(const char *uri, size_t len, char *out, size_t outsz)
{
	size_t i, n = 0, colon;
	int in_host = 0;
	const char *at;

	while (len && isspace((unsigned char)*uri)) {
		uri++;
		len--;
	}
	while (len && isspace((unsigned char)uri[len - 1]))
		len--;
	if (len >= 2 && uri[0] == '<' && uri[len - 1] == '>') {
		uri++;
		len -= 2;
	}
	if (len == 0)
		return -1;
	at = memchr(uri, '@', len);
	colon = 0;
	while (colon < len && uri[colon] != ':')
		colon++;
	/* no user part: the host starts right after the scheme */
	if (!at)
		in_host = -1;
	for (i = 0; i < len; i++) {
		char c = uri[i];
		if (i > colon && (c == ';' || c == '?'))
			break;
		if (n + 1 >= outsz)
			return -1;
		if (i <= colon || (in_host == -1 && i > colon) || in_host == 1)
			c = (char)tolower((unsigned char)c);
		if (at && uri + i == at)
			in_host = 1;
		out[n++] = c;
	}
	if (n == 0)
		return -1;
	out[n] = '\0';
	return (int)n;
}

/* next space-separated word of s[*pos..len); 0 when none */
static int ids_word(const char *s, size_t len, size_t *pos, const char **w,
					size_t *wl)
{
	size_t p = *pos, st;
	while (p < len && s[p] == ' ')
		p++;
	if (p >= len)
		return 0;
	st = p;
	while (p < len && s[p] != ' ')
		p++;
	*w = s + st;
	*wl = p - st;
	*pos = p;
	return 1;
}

int ids_inval_parse(const char *msg, size_t len, ids_inval_t *out)
{
	size_t pos = 0, wl;
	const char *w;

	memset(out, 0, sizeof(*out));
	if (!ids_word(msg, len, &pos, &w, &wl))
		return -1;
	if (wl == 1 && w[0] == '*') {
		out->all = 1;
		return ids_word(msg, len, &pos, &w, &wl) ? -1 : 0;
	}
	if (wl > IDS_NS_MAX)
		return -1;
	out->ns = w;
	out->ns_len = wl;
	if (!ids_word(msg, len, &pos, &w, &wl) || wl > IDS_KEY_MAX)
		return -1;
	out->key = w;
	out->key_len = wl;
	while (ids_word(msg, len, &pos, &w, &wl)) {
		if (w[0] == '+') {
			if (out->ndids == IDS_INVAL_DIDS || wl > IDS_DID_MAX)
				return -1;
			out->did[out->ndids] = w;
			out->did_len[out->ndids++] = wl;
			continue;
		}
		if (out->nuris == IDS_INVAL_URIS || wl > IDS_URI_MAX)
			return -1;
		out->uri[out->nuris] = w;
		out->uri_len[out->nuris++] = wl;
	}
	return 0;
}
