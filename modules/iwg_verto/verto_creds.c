/*
 * verto_creds.c - TEMPORARY static credentials file (see verto_creds.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verto_creds.h"

#define MAX_USERS 10000
#define MAX_FILE  (1024 * 1024)

static int fail(char *err, size_t errsz, const char *name, int line,
				const char *why)
{
	snprintf(err, errsz, "%s:%d: %s", name, line, why);
	return -1;
}

/* copy the next blank-separated field of [*p, end) into out[outsz];
 * 1 copied, 0 none left, -1 too long */
static int field(const char **p, const char *end, char *out, size_t outsz)
{
	const char *s = *p, *f;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	f = s;
	while (s < end && *s != ' ' && *s != '\t')
		s++;
	*p = s;
	if (s == f)
		return 0;
	if ((size_t)(s - f) >= outsz)
		return -1;
	memcpy(out, f, (size_t)(s - f));
	out[s - f] = '\0';
	return 1;
}

static int parse_line(const char *s, const char *end, verto_cred *c,
					  const char *name, int line, char *err, size_t errsz)
{
	const char *p = s;

	memset(c, 0, sizeof(*c));
	if (field(&p, end, c->login, sizeof(c->login)) != 1)
		return fail(err, errsz, name, line, "login missing or too long");
	if (field(&p, end, c->passwd, sizeof(c->passwd)) != 1)
		return fail(err, errsz, name, line, "password missing or too long");
	if (field(&p, end, c->sip_uri, sizeof(c->sip_uri)) != 1)
		return fail(err, errsz, name, line, "SIP URI missing or too long");
	if (strncmp(c->sip_uri, "sip:", 4) && strncmp(c->sip_uri, "sips:", 5))
		return fail(err, errsz, name, line, "SIP URI must start with sip:");
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if ((size_t)(end - p) >= sizeof(c->display))
		return fail(err, errsz, name, line, "display name too long");
	memcpy(c->display, p, (size_t)(end - p));
	return 0;
}

verto_creds *verto_creds_parse(const char *text, size_t len, const char *name,
							   char *err, size_t errsz)
{
	const char *p = text, *end = text + len, *eol;
	verto_creds *t;
	size_t cap = 16, i;
	int line = 0;

	if (len > MAX_FILE) {
		fail(err, errsz, name, 0, "file larger than 1 MiB");
		return NULL;
	}
	t = malloc(sizeof(*t) + cap * sizeof(verto_cred));
	if (!t) {
		fail(err, errsz, name, 0, "out of memory");
		return NULL;
	}
	t->n = 0;
	for (; p < end; p = eol + 1) {
		const char *s = p, *e;
		line++;
		eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		e = eol;
		if (e > s && e[-1] == '\r')
			e--;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		if (s == e || *s == '#')
			continue;
		if (memchr(s, '\0', (size_t)(e - s))) {
			fail(err, errsz, name, line, "NUL byte");
			goto bad;
		}
		if (t->n == MAX_USERS) {
			fail(err, errsz, name, line, "more than 10000 users");
			goto bad;
		}
		if (t->n == cap) {
			verto_creds *n2;
			cap *= 2;
			n2 = realloc(t, sizeof(*t) + cap * sizeof(verto_cred));
			if (!n2) {
				fail(err, errsz, name, line, "out of memory");
				goto bad;
			}
			t = n2;
		}
		if (parse_line(s, e, &t->users[t->n], name, line, err, errsz))
			goto bad;
		for (i = 0; i < t->n; i++) {
			if (strcmp(t->users[i].login, t->users[t->n].login) == 0) {
				fail(err, errsz, name, line, "duplicate login");
				goto bad;
			}
		}
		t->n++;
	}
	return t;
bad:
	free(t);
	return NULL;
}

verto_creds *verto_creds_load(const char *path, char *err, size_t errsz)
{
	FILE *f = fopen(path, "rb");
	verto_creds *t;
	char *buf;
	size_t n;

	if (!f) {
		snprintf(err, errsz, "%s: cannot open", path);
		return NULL;
	}
	buf = malloc(MAX_FILE + 1);
	if (!buf) {
		fclose(f);
		snprintf(err, errsz, "%s: out of memory", path);
		return NULL;
	}
	n = fread(buf, 1, MAX_FILE + 1, f);
	fclose(f);
	t = verto_creds_parse(buf, n, path, err, errsz);
	free(buf);
	return t;
}

/* compare without an early exit on the first difference */
static int same(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned char d = la != lb;

	for (i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

const verto_cred *verto_creds_check(const verto_creds *t, const char *login,
									const char *passwd)
{
	size_t i;

	if (!t)
		return NULL;
	for (i = 0; i < t->n; i++)
		if (strcmp(t->users[i].login, login) == 0)
			return same(t->users[i].passwd, passwd) ? &t->users[i] : NULL;
	return NULL;
}
