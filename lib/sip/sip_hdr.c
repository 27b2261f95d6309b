/*
 * sip_hdr.c - header-line safety, URIs in angle brackets and
 * quoted-strings (sip_hdr.h).
 */
#include "sip_hdr.h"

int sip_hdr_value_safe(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] == '\r' || s[i] == '\n' || s[i] == '\0')
			return 0;
	return 1;
}

int sip_hdr_uri_safe(const char *s, size_t len, const char **why)
{
	const char *w = NULL;
	unsigned char c;
	size_t i;

	if (len == 0)
		w = "is empty";
	else if (!sip_hdr_value_safe(s, len))
		w = "contains a CR, LF or NUL";
	for (i = 0; !w && i < len; i++) {
		c = (unsigned char)s[i];
		if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>' || c == '"')
			w = "contains a space, control or non-ASCII byte, '<', '>' or "
				"'\"'";
	}
	if (w && why)
		*why = w;
	return w == NULL;
}

/* 1 when byte c is not qdtext (RFC 3261 25.1) and needs a quoted-pair */
static int sip_hdr_needs_escape(unsigned char c)
{
	return c == '"' || c == '\\' || (c < 0x20 && c != '\t') || c == 0x7f;
}

int sip_hdr_quote(const char *s, size_t len, char *out, size_t outsz)
{
	size_t i, n = 0, need;
	int rc = SIP_HDR_NO_ROOM;

	if (!sip_hdr_value_safe(s, len)) {
		rc = SIP_HDR_BAD_VALUE;
		goto err;
	}
	if (outsz < 3)
		goto err;
	out[n++] = '"';
	for (i = 0; i < len; i++) {
		need = sip_hdr_needs_escape((unsigned char)s[i]) ? 2 : 1;
		/* this byte (and its backslash), then the closing quote, the NUL */
		if (outsz - n < need + 2)
			goto err;
		if (need == 2)
			out[n++] = '\\';
		out[n++] = s[i];
	}
	out[n++] = '"';
	out[n] = '\0';
	return (int)n;
err:
	if (outsz > 0)
		out[0] = '\0';
	return rc;
}
