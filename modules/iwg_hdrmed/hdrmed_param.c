/*
 * hdrmed_param.c - header value elements and parameter edits (pure C).
 */
#include <string.h>

#include "hdrmed_param.h"

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* index just after the quoted string starting at V[I] (which is '"') */
static int skip_quoted(const char *v, int len, int i)
{
	for (i++; i < len; i++) {
		if (v[i] == '\\')
			i++;
		else if (v[i] == '"')
			return i + 1;
	}
	return len;
}

static int scheme_len(const char *s, int len)
{
	int i;

	if (len < 2 || !((s[0] | 32) >= 'a' && (s[0] | 32) <= 'z'))
		return 0;
	for (i = 1; i < len; i++) {
		if (s[i] == ':')
			return i;
		if (!(((s[i] | 32) >= 'a' && (s[i] | 32) <= 'z') ||
			  (s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '-' ||
			  s[i] == '.'))
			return 0;
	}
	return 0;
}

/* find the URI parameter region of the URI v[e->uri_s..e->uri_e) */
static void uri_params(const char *v, struct hdrmed_elem *e)
{
	int q = e->uri_s, host, i, sl;

	while (q < e->uri_e && v[q] != '?')
		q++;
	sl = scheme_len(v + e->uri_s, e->uri_e - e->uri_s);
	e->is_uri = sl > 0;
	host = e->uri_s + sl;
	for (i = host; i < q; i++)
		if (v[i] == '@')
			host = i;
	for (i = host; i < q && v[i] != ';'; i++)
		;
	e->up_s = i;
	e->up_e = q;
}

static void analyse(const char *v, struct hdrmed_elem *e)
{
	int i = e->s;

	while (i < e->e) {
		if (v[i] == '"') {
			i = skip_quoted(v, e->e, i);
			continue;
		}
		if (v[i] == '<') {
			e->bracket = 1;
			e->uri_s = i + 1;
			for (i = e->uri_s; i < e->e && v[i] != '>'; i++)
				;
			if (i >= e->e) {
				e->opaque = 1;
				e->uri_s = e->uri_e = e->up_s = e->up_e = e->hp_s = e->e;
				return;
			}
			e->uri_e = i;
			e->hp_s = i + 1;
			uri_params(v, e);
			return;
		}
		if (v[i] == ';')
			break;
		i++;
	}
	e->uri_s = e->s;
	e->uri_e = i;
	while (e->uri_e > e->uri_s && is_blank(v[e->uri_e - 1]))
		e->uri_e--;
	e->hp_s = i;
	e->is_uri = scheme_len(v + e->uri_s, e->uri_e - e->uri_s) > 0;
	/* a bare addr-spec has no URI parameters: its ';' start header ones */
	e->up_s = e->up_e = e->uri_e;
}

static int add_elem(const char *v, int s, int e, struct hdrmed_elem *out, int n,
					int max)
{
	while (s < e && is_blank(v[s]))
		s++;
	while (e > s && is_blank(v[e - 1]))
		e--;
	if (s == e || n >= max)
		return n;
	memset(&out[n], 0, sizeof(out[n]));
	out[n].s = s;
	out[n].e = e;
	analyse(v, &out[n]);
	return n + 1;
}

int hdrmed_elems(const char *v, int len, int split, struct hdrmed_elem *out,
				 int max)
{
	int i = 0, s = 0, n = 0, angle = 0;

	while (split && i < len) {
		if (v[i] == '"') {
			i = skip_quoted(v, len, i);
			continue;
		}
		if (v[i] == '<')
			angle = 1;
		else if (v[i] == '>')
			angle = 0;
		else if (v[i] == ',' && !angle) {
			n = add_elem(v, s, i, out, n, max);
			s = i + 1;
		}
		i++;
	}
	return add_elem(v, s, len, out, n, max);
}

int hdrmed_param_next(const char *r, int rlen, int *pos, struct hdrmed_pspan *p)
{
	int i = *pos;

	while (i < rlen) {
		while (i < rlen && r[i] != ';') {
			if (r[i] == '"')
				i = skip_quoted(r, rlen, i);
			else
				i++;
		}
		if (i >= rlen)
			break;
		p->raw_s = i++;
		while (i < rlen && is_blank(r[i]))
			i++;
		p->name_s = i;
		while (i < rlen && r[i] != '=' && r[i] != ';' && !is_blank(r[i]))
			i++;
		p->name_e = i;
		while (i < rlen && is_blank(r[i]))
			i++;
		p->val_s = p->val_e = -1;
		if (i < rlen && r[i] == '=') {
			i++;
			while (i < rlen && is_blank(r[i]))
				i++;
			p->val_s = i;
			while (i < rlen && r[i] != ';') {
				if (r[i] == '"')
					i = skip_quoted(r, rlen, i);
				else
					i++;
			}
			p->val_e = i;
			while (p->val_e > p->val_s && is_blank(r[p->val_e - 1]))
				p->val_e--;
		}
		while (i < rlen && r[i] != ';')
			i++;
		p->raw_e = i;
		*pos = i;
		if (p->name_e > p->name_s)
			return 1;
	}
	*pos = rlen;
	return 0;
}

static void put_param(struct hdrmed_buf *out, const char *name, int nlen,
					  const char *val, int vlen)
{
	hdrmed_buf_addc(out, ';');
	hdrmed_buf_add(out, name, nlen);
	if (val) {
		hdrmed_buf_addc(out, '=');
		hdrmed_buf_add(out, val, vlen);
	}
}

int hdrmed_param_edit(const char *r, int rlen, enum hdrmed_pop op,
					  const char *name, int nlen, const char *val, int vlen,
					  struct hdrmed_buf *out)
{
	struct hdrmed_pspan p;
	int pos = 0, copied = 0, found = 0, changed = 0, same;

	while (hdrmed_param_next(r, rlen, &pos, &p)) {
		if (!hdrmed_ci_eq(r + p.name_s, p.name_e - p.name_s, name, nlen))
			continue;
		hdrmed_buf_add(out, r + copied, p.raw_s - copied);
		copied = p.raw_e;
		if (op == HDRMED_POP_DEL || (op == HDRMED_POP_SET && found)) {
			changed = 1;
		} else if (op == HDRMED_POP_SET) {
			same = val ? (p.val_s >= 0 && p.val_e - p.val_s == vlen &&
						  memcmp(r + p.val_s, val, vlen) == 0)
					   : p.val_s < 0;
			if (same)
				hdrmed_buf_add(out, r + p.raw_s, p.raw_e - p.raw_s);
			else
				put_param(out, name, nlen, val, vlen);
			changed |= !same;
		} else {
			hdrmed_buf_add(out, r + p.raw_s, p.raw_e - p.raw_s);
		}
		found = 1;
	}
	hdrmed_buf_add(out, r + copied, rlen - copied);
	if (!found && op != HDRMED_POP_DEL) {
		put_param(out, name, nlen, val, vlen);
		changed = 1;
	}
	return changed;
}

int hdrmed_elem_edit(const char *v, const struct hdrmed_elem *e, int uriparam,
					 enum hdrmed_pop op, const char *name, int nlen,
					 const char *val, int vlen, struct hdrmed_buf *out)
{
	int changed, wrap;

	if (e->opaque || (uriparam && !e->is_uri))
		return -1;
	if (!uriparam) {
		hdrmed_buf_add(out, v + e->s, e->hp_s - e->s);
		return hdrmed_param_edit(v + e->hp_s, e->e - e->hp_s, op, name, nlen,
								 val, vlen, out);
	}
	wrap = !e->bracket;
	if (wrap && op == HDRMED_POP_DEL) {
		/* a bare addr-spec has no URI parameter to remove */
		hdrmed_buf_add(out, v + e->s, e->e - e->s);
		return 0;
	}
	if (wrap)
		hdrmed_buf_addc(out, '<');
	hdrmed_buf_add(out, v + e->s, e->up_s - e->s);
	changed = hdrmed_param_edit(v + e->up_s, e->up_e - e->up_s, op, name, nlen,
								val, vlen, out);
	hdrmed_buf_add(out, v + e->up_e, e->uri_e - e->up_e);
	if (wrap)
		hdrmed_buf_addc(out, '>');
	hdrmed_buf_add(out, v + e->uri_e, e->e - e->uri_e);
	return changed;
}
