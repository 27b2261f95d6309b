/*
 * iwg_webrtc: the auth-done Authorization header, see webrtc_auth.h.
 */
#include <string.h>
#include <strings.h>

#include "webrtc_auth.h"

/* visible ASCII without '"' and '\': nothing to escape in a quoted string */
static int quotable(const char *s, size_t len, size_t max)
{
	size_t i;

	if (len == 0 || len > max)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c >= 0x7f || c == '"' || c == '\\')
			return 0;
	}
	return 1;
}

/* a host name: letters, digits, '-' and '.', not starting with '.' */
static int host_name(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > WEBRTC_AUTH_REALM_MAX || s[0] == '.')
		return 0;
	for (i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '-' || c == '.'))
			return 0;
	}
	return 1;
}

int webrtc_auth_done_value(const char *impi, size_t impilen, const char *realm,
						   size_t realmlen, const char *uri, size_t urilen,
						   char *out, size_t outsz)
{
	static const char *parts[] = {"Digest username=\"", "\", realm=\"",
								  "\", uri=\"",
								  "\", nonce=\"\", response=\"\", "
								  "integrity-protected=\"auth-done\""};
	const char *vals[3];
	size_t lens[3], need = 1, i, n, off = 0;

	if (outsz > 0)
		out[0] = '\0';
	if (impi == NULL || !quotable(impi, impilen, WEBRTC_AUTH_IMPI_MAX))
		return WEBRTC_AUTH_BAD_IMPI;
	if (realm == NULL || !host_name(realm, realmlen))
		return WEBRTC_AUTH_BAD_REALM;
	if (uri == NULL || !quotable(uri, urilen, WEBRTC_AUTH_URI_MAX) ||
		memchr(uri, ':', urilen) == NULL)
		return WEBRTC_AUTH_BAD_URI;
	vals[0] = impi;
	lens[0] = impilen;
	vals[1] = realm;
	lens[1] = realmlen;
	vals[2] = uri;
	lens[2] = urilen;
	for (i = 0; i < 4; i++)
		need += strlen(parts[i]) + (i < 3 ? lens[i] : 0);
	if (out == NULL || need > outsz)
		return WEBRTC_AUTH_NO_ROOM;
	for (i = 0; i < 4; i++) {
		n = strlen(parts[i]);
		memcpy(out + off, parts[i], n);
		off += n;
		if (i < 3) {
			memcpy(out + off, vals[i], lens[i]);
			off += lens[i];
		}
	}
	out[off] = '\0';
	return (int)off;
}

int webrtc_auth_realm_of(const char *uri, size_t urilen, const char **host,
						 size_t *hostlen)
{
	const char *p, *end = uri + urilen, *h, *at;

	if (urilen >= 4 && strncasecmp(uri, "sip:", 4) == 0)
		p = uri + 4;
	else if (urilen >= 5 && strncasecmp(uri, "sips:", 5) == 0)
		p = uri + 5;
	else
		return -1;
	/* the userinfo ends at the last '@' before any parameter or header */
	h = p;
	for (at = p; at < end && *at != ';' && *at != '?'; at++)
		if (*at == '@')
			h = at + 1;
	p = h;
	if (p < end && *p == '[') {
		while (p < end && *p != ']')
			p++;
		if (p == end)
			return -1;
		p++;
	} else {
		while (p < end && *p != ':' && *p != ';' && *p != '?')
			p++;
	}
	if (p == h)
		return -1;
	*host = h;
	*hostlen = (size_t)(p - h);
	return 0;
}

const char *webrtc_auth_rc_str(int rc)
{
	switch (rc) {
	case WEBRTC_AUTH_BAD_IMPI:
		return "bad private identity (IMPI)";
	case WEBRTC_AUTH_BAD_REALM:
		return "bad realm";
	case WEBRTC_AUTH_BAD_URI:
		return "bad Request-URI";
	case WEBRTC_AUTH_NO_ROOM:
		return "no room for the header";
	}
	return rc >= 0 ? "ok" : "error";
}
