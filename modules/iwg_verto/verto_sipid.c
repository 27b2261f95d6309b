/*
 * verto_sipid.c - P-Asserted-Identity -> connected line, Refer-To with
 * Replaces. Contracts in verto_sipid.h.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "verto_sipid.h"

typedef struct entry {
	char name[256];
	const char *uri; /* inside the value */
	size_t urilen;
} entry;

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * one entry from p (up to end): [display] <uri> or uri; *next is after
 * its terminating comma (or end). 0 or -1 when malformed.
 */
static int parse_entry(const char *p, const char *end, entry *en,
					   const char **next)
{
	size_t n = 0;
	const char *q;

	en->name[0] = '\0';
	en->uri = NULL;
	en->urilen = 0;
	while (p < end && is_ws(*p))
		p++;
	if (p < end && *p == '"') {
		/* quoted-string with \-escapes */
		for (p++; p < end && *p != '"'; p++) {
			if (*p == '\\' && p + 1 < end)
				p++;
			if (n + 1 >= sizeof(en->name))
				return -1;
			en->name[n++] = *p;
		}
		if (p >= end)
			return -1;
		en->name[n] = '\0';
		p++;
		while (p < end && is_ws(*p))
			p++;
		if (p >= end || *p != '<')
			return -1;
	} else {
		/* a token display name, if a '<' follows before any comma */
		for (q = p; q < end && *q != '<' && *q != ','; q++)
			;
		if (q < end && *q == '<') {
			const char *e = q;
			while (e > p && is_ws(e[-1]))
				e--;
			if ((size_t)(e - p) >= sizeof(en->name))
				return -1;
			memcpy(en->name, p, (size_t)(e - p));
			en->name[e - p] = '\0';
			p = q;
		}
	}
	if (p < end && *p == '<') {
		for (q = ++p; q < end && *q != '>'; q++)
			;
		if (q >= end)
			return -1;
		en->uri = p;
		en->urilen = (size_t)(q - p);
		for (p = q + 1; p < end && *p != ','; p++)
			if (*p == '<')
				return -1;
	} else {
		/* addr-spec: up to a comma; header parameters end it too */
		for (q = p; q < end && *q != ',' && !is_ws(*q); q++)
			;
		en->uri = p;
		en->urilen = (size_t)(q - p);
		for (p = q; p < end && *p != ','; p++)
			;
	}
	*next = p < end ? p + 1 : p;
	return en->urilen ? 0 : -1;
}

/* scheme of an entry: 1 sip/sips, 2 tel, 0 other */
static int scheme_of(const entry *en)
{
	if ((en->urilen > 4 && strncasecmp(en->uri, "sip:", 4) == 0) ||
		(en->urilen > 5 && strncasecmp(en->uri, "sips:", 5) == 0))
		return 1;
	if (en->urilen > 4 && strncasecmp(en->uri, "tel:", 4) == 0)
		return 2;
	return 0;
}

/* the number of a sip (user part) or tel URI into num[sz]; 0 or -1 */
static int number_of(const entry *en, int scheme, char *num, size_t sz)
{
	const char *p = memchr(en->uri, ':', en->urilen) + 1;
	const char *end = en->uri + en->urilen, *q;
	size_t n;

	if (scheme == 1) {
		const char *at = memchr(p, '@', (size_t)(end - p));
		if (!at)
			return -1; /* no user part: no number */
		end = at;
	}
	for (q = p; q < end && *q != ';' && *q != '?' && *q != ':'; q++)
		;
	n = (size_t)(q - p);
	if (!n || n >= sz)
		return -1;
	memcpy(num, p, n);
	num[n] = '\0';
	return 0;
}

static int has_ctl(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 && !is_ws(s[i]))
			return 1;
	return 0;
}

int verto_pai_parse(const char *value, size_t len, char *name, size_t namesz,
					char *number, size_t numsz)
{
	const char *p = value, *end = value + len, *any_name = NULL;
	entry en, best;
	int sch, best_sch = 0;
	size_t n;

	if (namesz)
		name[0] = '\0';
	if (numsz)
		number[0] = '\0';
	if (!value || !namesz || !numsz || has_ctl(value, len) ||
		memchr(value, '\0', len))
		return -1;
	memset(&best, 0, sizeof(best));
	while (p < end) {
		if (parse_entry(p, end, &en, &p))
			return -1;
		sch = scheme_of(&en);
		if (sch && (!best_sch || (sch == 1 && best_sch == 2))) {
			best = en;
			best_sch = sch;
		}
	}
	if (!best_sch || number_of(&best, best_sch, number, numsz)) {
		number[0] = '\0';
		return -1;
	}
	/* the display name of the chosen entry, else the first one given */
	p = value;
	if (!best.name[0]) {
		while (p < end && !parse_entry(p, end, &en, &p))
			if (en.name[0]) {
				any_name = en.name;
				break;
			}
	}
	n = strlen(best.name[0] ? best.name : any_name ? any_name : "");
	if (n >= namesz) {
		number[0] = '\0';
		return -1;
	}
	memcpy(name, best.name[0] ? best.name : any_name ? any_name : "", n + 1);
	for (; *name; name++)
		if ((unsigned char)*name < 0x20)
			*name = ' '; /* folded white space */
	return 0;
}

int verto_cline_changed(const char *last_name, const char *last_number,
						const char *name, const char *number)
{
	const char *ln = last_number ? last_number : "";
	const char *la = last_name && *last_name ? last_name : ln;
	const char *na;

	if (!number || !*number)
		return 0;
	na = name && *name ? name : number;
	return strcmp(ln, number) != 0 || strcmp(la, na) != 0;
}

/* allowed unescaped in a URI header value (RFC 3261 25.1) */
static int hvalue_char(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		   (c >= 'A' && c <= 'Z') || strchr("-_.!~*'()[]/?:+$", c);
}

/* append s, escaped, at *o (room up to end); 0 or -1 */
static int put_escaped(char **o, const char *end, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c && hvalue_char(c)) {
			if (*o + 1 >= end)
				return -1;
			*(*o)++ = (char)c;
		} else {
			if (*o + 3 >= end)
				return -1;
			*(*o)++ = '%';
			*(*o)++ = hex[c >> 4];
			*(*o)++ = hex[c & 15];
		}
	}
	**o = '\0';
	return 0;
}

static int put_raw(char **o, const char *end, const char *s)
{
	size_t n = strlen(s);

	if (*o + n >= end)
		return -1;
	memcpy(*o, s, n + 1);
	*o += n;
	return 0;
}

int verto_refer_replaces(const char *target, const char *callid,
						 const char *to_tag, const char *from_tag, char *buf,
						 size_t sz)
{
	char *o = buf;
	const char *end = buf + sz, *p;

	if (!buf || !sz)
		return -1;
	buf[0] = '\0';
	if (!target || (strncasecmp(target, "sip:", 4) != 0 &&
					strncasecmp(target, "sips:", 5) != 0))
		return -1;
	for (p = target; *p; p++)
		if (*p == '?' || *p == '<' || *p == '>' || (unsigned char)*p <= ' ' ||
			(unsigned char)*p == 0x7f)
			return -1;
	if (put_raw(&o, end, "<") || put_raw(&o, end, target) ||
		put_raw(&o, end, "?Replaces=") || put_escaped(&o, end, callid) ||
		put_raw(&o, end, "%3Bto-tag%3D") || put_escaped(&o, end, to_tag) ||
		put_raw(&o, end, "%3Bfrom-tag%3D") || put_escaped(&o, end, from_tag) ||
		put_raw(&o, end, ">")) {
		buf[0] = '\0';
		return -1;
	}
	return 0;
}
