/*
 * idmap_pai.c - the P-Asserted-Identity line of a mapping (idmap_pai.h).
 */
#include <stdio.h>
#include <string.h>

#include "idmap_pai.h"

#define IDMAP_PAI_NAME "P-Asserted-Identity: "

static int idmap_pai_fail(int rc, const char *field, const char *why, char *out,
						  size_t outsz, char *errstr, size_t errsz)
{
	if (outsz > 0)
		out[0] = '\0';
	if (errstr && errsz > 0)
		snprintf(errstr, errsz, "%s %s", field, why);
	return rc;
}

int idmap_pai_build(const char *display, size_t dlen, const char *uri,
					size_t ulen, char *out, size_t outsz, char *errstr,
					size_t errsz)
{
	size_t n = sizeof(IDMAP_PAI_NAME) - 1;
	const char *why = NULL;
	int q;

	if (!sip_hdr_uri_safe(uri, ulen, &why))
		return idmap_pai_fail(IDMAP_PAI_BAD_URI, "sip_uri", why, out, outsz,
							  errstr, errsz);
	if (!sip_hdr_value_safe(display, dlen))
		return idmap_pai_fail(IDMAP_PAI_BAD_DISPLAY, "display_name",
							  "contains a CR, LF or NUL", out, outsz, errstr,
							  errsz);
	if (outsz <= n)
		goto no_room;
	memcpy(out, IDMAP_PAI_NAME, n);
	if (dlen > 0) {
		q = sip_hdr_quote(display, dlen, out + n, outsz - n);
		if (q < 0 || outsz - n - (size_t)q < 2)
			goto no_room;
		n += (size_t)q;
		out[n++] = ' ';
	}
	/* "<" URI ">" CR LF NUL */
	if (outsz - n < ulen + 5)
		goto no_room;
	out[n++] = '<';
	memcpy(out + n, uri, ulen);
	n += ulen;
	memcpy(out + n, ">\r\n", 4);
	return (int)(n + 3);
no_room:
	return idmap_pai_fail(IDMAP_PAI_NO_ROOM, "the line", "does not fit", out,
						  outsz, errstr, errsz);
}
