/*
 * bencode.c - strict bencode decoder, encoder and JSON conversion.
 * See bencode.h for the contracts.
 */
#include "ng/bencode.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

/* ------------------------------------------------------------ decoder */

/* nodes live in blocks so that pointers between them stay valid */
struct node_block {
	struct node_block *next;
	size_t used;
	size_t cap;
	bencode_node n[];
};

struct parser {
	const unsigned char *p;
	size_t len;
	size_t pos;
	bencode_doc *doc;
	unsigned max_depth;
	size_t max_nodes;
	size_t nnodes;
	char *sp; /* next free byte of doc->strings_ */
};

static int perr(struct parser *ps, int code, size_t off, const char *fmt, ...)
		__attribute__((format(printf, 4, 5)));

static int perr(struct parser *ps, int code, size_t off, const char *fmt, ...)
{
	bencode_doc *d = ps->doc;
	va_list ap;
	int n;

	d->err = code;
	n = snprintf(d->errstr, sizeof(d->errstr), "offset %zu: ", off);
	if (n < 0 || (size_t)n >= sizeof(d->errstr))
		return -1;
	va_start(ap, fmt);
	vsnprintf(d->errstr + n, sizeof(d->errstr) - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static bencode_node *node_new(struct parser *ps, size_t off)
{
	struct node_block *b = ps->doc->blocks_;
	bencode_node *n;

	if (ps->nnodes >= ps->max_nodes) {
		perr(ps, BENCODE_ERR_LIMIT, off, "more than %zu nodes", ps->max_nodes);
		return NULL;
	}
	if (!b || b->used == b->cap) {
		size_t cap = b ? b->cap * 2 : 16;
		if (cap > 4096)
			cap = 4096;
		b = malloc(sizeof(*b) + cap * sizeof(bencode_node));
		if (!b) {
			perr(ps, BENCODE_ERR_OOM, off, "out of memory");
			return NULL;
		}
		b->used = 0;
		b->cap = cap;
		b->next = ps->doc->blocks_;
		ps->doc->blocks_ = b;
	}
	n = &b->n[b->used++];
	memset(n, 0, sizeof(*n));
	ps->nnodes++;
	return n;
}

/*
 * Parse "<len>:<bytes>" at ps->pos; copy the bytes, NUL-terminated, into
 * the string area. Every string takes at least len+2 input bytes and len+1
 * output bytes, so the area (input length + 1) never overflows.
 */
static int parse_bytes(struct parser *ps, const char **out, size_t *outlen)
{
	size_t start = ps->pos, n = 0, digits = 0;

	while (ps->pos < ps->len && ps->p[ps->pos] >= '0' &&
		   ps->p[ps->pos] <= '9') {
		if (digits == 1 && n == 0)
			return perr(ps, BENCODE_ERR_SYNTAX, start,
						"leading zero in string length");
		if (n > ps->len / 10)
			return perr(ps, BENCODE_ERR_SYNTAX, start,
						"string length exceeds the input");
		n = n * 10 + (size_t)(ps->p[ps->pos] - '0');
		digits++;
		ps->pos++;
		if (n > ps->len)
			return perr(ps, BENCODE_ERR_SYNTAX, start,
						"string length exceeds the input");
	}
	if (digits == 0)
		return perr(ps, BENCODE_ERR_SYNTAX, start, "expected string length");
	if (ps->pos >= ps->len)
		return perr(ps, BENCODE_ERR_SYNTAX, ps->pos,
					"unexpected end of input in string length");
	if (ps->p[ps->pos] != ':')
		return perr(ps, BENCODE_ERR_SYNTAX, ps->pos,
					"expected ':' after string length, got 0x%02x",
					ps->p[ps->pos]);
	ps->pos++;
	if (n > ps->len - ps->pos)
		return perr(ps, BENCODE_ERR_SYNTAX, start,
					"string length %zu exceeds the input (%zu bytes left)", n,
					ps->len - ps->pos);
	memcpy(ps->sp, ps->p + ps->pos, n);
	ps->sp[n] = '\0';
	*out = ps->sp;
	*outlen = n;
	ps->sp += n + 1;
	ps->pos += n;
	return 0;
}

static int parse_int(struct parser *ps, int64_t *out)
{
	size_t start = ps->pos, digits = 0;
	uint64_t mag = 0, limit = (uint64_t)INT64_MAX;
	int neg = 0;

	ps->pos++; /* 'i' */
	if (ps->pos < ps->len && ps->p[ps->pos] == '-') {
		neg = 1;
		limit = (uint64_t)INT64_MAX + 1;
		ps->pos++;
	}
	while (ps->pos < ps->len && ps->p[ps->pos] >= '0' &&
		   ps->p[ps->pos] <= '9') {
		unsigned d = (unsigned)(ps->p[ps->pos] - '0');
		if (digits == 1 && mag == 0)
			return perr(ps, BENCODE_ERR_SYNTAX, start,
						"leading zero in integer");
		if (mag > (limit - d) / 10)
			return perr(ps, BENCODE_ERR_SYNTAX, start,
						"integer out of 64-bit range");
		mag = mag * 10 + d;
		digits++;
		ps->pos++;
	}
	if (ps->pos >= ps->len)
		return perr(ps, BENCODE_ERR_SYNTAX, ps->pos,
					"unexpected end of input in integer");
	if (digits == 0)
		return perr(ps, BENCODE_ERR_SYNTAX, ps->pos,
					"expected digit in integer, got 0x%02x", ps->p[ps->pos]);
	if (ps->p[ps->pos] != 'e')
		return perr(ps, BENCODE_ERR_SYNTAX, ps->pos,
					"expected 'e' after integer, got 0x%02x", ps->p[ps->pos]);
	if (neg && mag == 0)
		return perr(ps, BENCODE_ERR_SYNTAX, start, "negative zero");
	ps->pos++;
	if (neg)
		*out = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
	else
		*out = (int64_t)mag;
	return 0;
}

static int key_cmp(const bencode_node *a, const bencode_node *b)
{
	size_t m = a->key_len < b->key_len ? a->key_len : b->key_len;
	int c = memcmp(a->key, b->key, m);

	if (c)
		return c;
	return a->key_len < b->key_len ? -1 : a->key_len > b->key_len;
}

static int key_cmp_q(const void *a, const void *b)
{
	return key_cmp(*(const bencode_node *const *)a,
				   *(const bencode_node *const *)b);
}

/* reject a dictionary that holds the same key twice */
static int check_dup_keys(struct parser *ps, bencode_node *dict, size_t off)
{
	const bencode_node *dup = NULL;
	bencode_node *a, *b;

	if (dict->count < 2)
		return 0;
	if (dict->count <= 8) {
		for (a = dict->child; a && !dup; a = a->next)
			for (b = a->next; b; b = b->next)
				if (!key_cmp(a, b)) {
					dup = a;
					break;
				}
	} else {
		bencode_node **v = malloc(dict->count * sizeof(*v));
		size_t i = 0;

		if (!v)
			return perr(ps, BENCODE_ERR_OOM, off, "out of memory");
		for (a = dict->child; a; a = a->next)
			v[i++] = a;
		qsort(v, i, sizeof(*v), key_cmp_q);
		for (i = 1; i < dict->count && !dup; i++)
			if (!key_cmp(v[i - 1], v[i]))
				dup = v[i];
		free(v);
	}
	if (dup)
		return perr(ps, BENCODE_ERR_SYNTAX, off,
					"duplicate dictionary key \"%.*s\"",
					(int)(dup->key_len > 40 ? 40 : dup->key_len), dup->key);
	return 0;
}

static bencode_node *parse_value(struct parser *ps, unsigned depth);

static int parse_container(struct parser *ps, bencode_node *n, unsigned depth)
{
	size_t start = ps->pos;
	bencode_node **tail = &n->child;
	int is_dict = ps->p[ps->pos] == 'd';

	if (depth >= ps->max_depth)
		return perr(ps, BENCODE_ERR_LIMIT, start,
					"nesting deeper than %u levels", ps->max_depth);
	ps->pos++;
	for (;;) {
		const char *key = NULL;
		size_t key_len = 0;
		bencode_node *c;

		if (ps->pos >= ps->len)
			return perr(ps, BENCODE_ERR_SYNTAX, ps->pos,
						"unexpected end of input in %s started at %zu",
						is_dict ? "dictionary" : "list", start);
		if (ps->p[ps->pos] == 'e') {
			ps->pos++;
			break;
		}
		if (is_dict) {
			unsigned char k = ps->p[ps->pos];
			if (k < '0' || k > '9')
				return perr(ps, BENCODE_ERR_SYNTAX, ps->pos,
							"dictionary key is not a string (0x%02x)", k);
			if (ps->nnodes >= ps->max_nodes)
				return perr(ps, BENCODE_ERR_LIMIT, ps->pos,
							"more than %zu nodes", ps->max_nodes);
			ps->nnodes++; /* keys count toward the node limit */
			if (parse_bytes(ps, &key, &key_len) < 0)
				return -1;
			if (ps->pos >= ps->len)
				return perr(ps, BENCODE_ERR_SYNTAX, ps->pos,
							"unexpected end of input: dictionary key without "
							"value");
			if (ps->p[ps->pos] == 'e')
				return perr(ps, BENCODE_ERR_SYNTAX, ps->pos,
							"dictionary key without value");
		}
		c = parse_value(ps, depth + 1);
		if (!c)
			return -1;
		c->key = key;
		c->key_len = key_len;
		*tail = c;
		tail = &c->next;
		n->count++;
	}
	if (is_dict)
		return check_dup_keys(ps, n, start);
	return 0;
}

static bencode_node *parse_value(struct parser *ps, unsigned depth)
{
	size_t start = ps->pos;
	bencode_node *n;
	unsigned char c;

	if (ps->pos >= ps->len) {
		perr(ps, BENCODE_ERR_SYNTAX, ps->pos, "unexpected end of input");
		return NULL;
	}
	c = ps->p[ps->pos];
	if (c != 'i' && c != 'l' && c != 'd' && (c < '0' || c > '9')) {
		perr(ps, BENCODE_ERR_SYNTAX, ps->pos, "unexpected byte 0x%02x", c);
		return NULL;
	}
	n = node_new(ps, start);
	if (!n)
		return NULL;
	switch (c) {
	case 'i':
		n->type = BENCODE_INT;
		if (parse_int(ps, &n->num) < 0)
			return NULL;
		break;
	case 'l':
		n->type = BENCODE_LIST;
		if (parse_container(ps, n, depth) < 0)
			return NULL;
		break;
	case 'd':
		n->type = BENCODE_DICT;
		if (parse_container(ps, n, depth) < 0)
			return NULL;
		break;
	default:
		n->type = BENCODE_STR;
		if (parse_bytes(ps, &n->str, &n->len) < 0)
			return NULL;
		break;
	}
	return n;
}

static void free_blocks(bencode_doc *doc)
{
	struct node_block *b = doc->blocks_, *nx;

	for (; b; b = nx) {
		nx = b->next;
		free(b);
	}
	doc->blocks_ = NULL;
}

bencode_doc *bencode_decode(const void *buf, size_t len,
							const bencode_limits *lim)
{
	struct parser ps;
	bencode_doc *doc = calloc(1, sizeof(*doc));

	if (!doc)
		return NULL;
	memset(&ps, 0, sizeof(ps));
	ps.p = buf;
	ps.len = len;
	ps.doc = doc;
	ps.max_depth =
			lim && lim->max_depth ? lim->max_depth : BENCODE_DEFAULT_MAX_DEPTH;
	ps.max_nodes =
			lim && lim->max_nodes ? lim->max_nodes : BENCODE_DEFAULT_MAX_NODES;
	if (len == 0 || !buf) {
		perr(&ps, BENCODE_ERR_SYNTAX, 0, "empty input");
		return doc;
	}
	doc->strings_ = malloc(len + 1);
	if (!doc->strings_) {
		perr(&ps, BENCODE_ERR_OOM, 0, "out of memory");
		return doc;
	}
	ps.sp = doc->strings_;
	doc->root = parse_value(&ps, 0);
	if (doc->root && ps.pos != len) {
		perr(&ps, BENCODE_ERR_SYNTAX, ps.pos,
			 "%zu trailing bytes after the value", len - ps.pos);
		doc->root = NULL;
	}
	if (!doc->root) {
		free_blocks(doc);
		free(doc->strings_);
		doc->strings_ = NULL;
	}
	return doc;
}

void bencode_doc_free(bencode_doc *doc)
{
	if (!doc)
		return;
	free_blocks(doc);
	free(doc->strings_);
	free(doc);
}

const bencode_node *bencode_dict_get(const bencode_node *dict, const char *key)
{
	const bencode_node *c;
	size_t kl;

	if (!dict || dict->type != BENCODE_DICT || !key)
		return NULL;
	kl = strlen(key);
	for (c = dict->child; c; c = c->next)
		if (c->key_len == kl && !memcmp(c->key, key, kl))
			return c;
	return NULL;
}

const char *bencode_dict_get_str(const bencode_node *dict, const char *key,
								 size_t *len)
{
	const bencode_node *c = bencode_dict_get(dict, key);

	if (!c || c->type != BENCODE_STR)
		return NULL;
	if (len)
		*len = c->len;
	return c->str;
}

int bencode_str_eq(const bencode_node *n, const char *s)
{
	return n && s && n->type == BENCODE_STR && n->len == strlen(s) &&
		   !memcmp(n->str, s, n->len);
}

int bencode_node_equal(const bencode_node *a, const bencode_node *b)
{
	const bencode_node *x, *y;

	if (!a || !b)
		return a == b;
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case BENCODE_STR:
		return a->len == b->len && !memcmp(a->str, b->str, a->len);
	case BENCODE_INT:
		return a->num == b->num;
	case BENCODE_LIST:
	case BENCODE_DICT:
		if (a->count != b->count)
			return 0;
		for (x = a->child, y = b->child; x && y; x = x->next, y = y->next) {
			if (a->type == BENCODE_DICT && (x->key_len != y->key_len ||
											memcmp(x->key, y->key, x->key_len)))
				return 0;
			if (!bencode_node_equal(x, y))
				return 0;
		}
		return !x && !y;
	}
	return 0;
}

/* ------------------------------------------------------------ encoder */

static int berr(bencode_buf *b, int code, const char *fmt, ...)
		__attribute__((format(printf, 3, 4)));

static int berr(bencode_buf *b, int code, const char *fmt, ...)
{
	va_list ap;

	if (b->err)
		return -1;
	b->err = code;
	va_start(ap, fmt);
	vsnprintf(b->errstr, sizeof(b->errstr), fmt, ap);
	va_end(ap);
	return -1;
}

void bencode_buf_init(bencode_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void bencode_buf_free(bencode_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

int bencode_buf_finish(bencode_buf *b)
{
	if (b->err)
		return -1;
	if (b->depth)
		return berr(b, BENCODE_ERR_SYNTAX, "%u container(s) not closed",
					b->depth);
	if (!b->len)
		return berr(b, BENCODE_ERR_SYNTAX, "nothing encoded");
	return 0;
}

static int put_raw(bencode_buf *b, const void *s, size_t n)
{
	if (b->err)
		return -1;
	if (n > b->cap - b->len) {
		size_t cap = b->cap ? b->cap : 64;
		char *d;

		while (cap - b->len < n) {
			if (cap > SIZE_MAX / 2)
				return berr(b, BENCODE_ERR_OOM, "buffer size overflow");
			cap *= 2;
		}
		d = realloc(b->data, cap);
		if (!d)
			return berr(b, BENCODE_ERR_OOM, "out of memory");
		b->data = d;
		b->cap = cap;
	}
	if (n)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	return 0;
}

int bencode_put_str(bencode_buf *b, const void *s, size_t len)
{
	char hdr[24];
	int n;

	if (!s && len)
		return berr(b, BENCODE_ERR_SYNTAX, "NULL string");
	n = snprintf(hdr, sizeof(hdr), "%zu:", len);
	if (put_raw(b, hdr, (size_t)n) < 0)
		return -1;
	return put_raw(b, s, len);
}

int bencode_put_cstr(bencode_buf *b, const char *s)
{
	if (!s)
		return berr(b, BENCODE_ERR_SYNTAX, "NULL string");
	return bencode_put_str(b, s, strlen(s));
}

int bencode_put_int(bencode_buf *b, int64_t v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "i%" PRId64 "e", v);

	return put_raw(b, tmp, (size_t)n);
}

int bencode_dict_begin(bencode_buf *b)
{
	if (put_raw(b, "d", 1) < 0)
		return -1;
	b->depth++;
	return 0;
}

int bencode_list_begin(bencode_buf *b)
{
	if (put_raw(b, "l", 1) < 0)
		return -1;
	b->depth++;
	return 0;
}

int bencode_end(bencode_buf *b)
{
	if (b->err)
		return -1;
	if (!b->depth)
		return berr(b, BENCODE_ERR_SYNTAX, "end without open container");
	if (put_raw(b, "e", 1) < 0)
		return -1;
	b->depth--;
	return 0;
}

int bencode_dict_add_str(bencode_buf *b, const char *key, const char *val)
{
	if (bencode_put_cstr(b, key) < 0)
		return -1;
	return bencode_put_cstr(b, val);
}

int bencode_dict_add_strn(bencode_buf *b, const char *key, const void *val,
						  size_t len)
{
	if (bencode_put_cstr(b, key) < 0)
		return -1;
	return bencode_put_str(b, val, len);
}

int bencode_dict_add_int(bencode_buf *b, const char *key, int64_t val)
{
	if (bencode_put_cstr(b, key) < 0)
		return -1;
	return bencode_put_int(b, val);
}

int bencode_dict_add_strlist(bencode_buf *b, const char *key,
							 const char *const *items, size_t n)
{
	size_t i;

	if (bencode_put_cstr(b, key) < 0 || bencode_list_begin(b) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (bencode_put_cstr(b, items[i]) < 0)
			return -1;
	return bencode_end(b);
}

int bencode_dict_add_list(bencode_buf *b, const char *key)
{
	if (bencode_put_cstr(b, key) < 0)
		return -1;
	return bencode_list_begin(b);
}

int bencode_dict_add_dict(bencode_buf *b, const char *key)
{
	if (bencode_put_cstr(b, key) < 0)
		return -1;
	return bencode_dict_begin(b);
}

int bencode_put_node(bencode_buf *b, const bencode_node *n)
{
	const bencode_node *c;

	if (!n)
		return berr(b, BENCODE_ERR_SYNTAX, "NULL node");
	switch (n->type) {
	case BENCODE_STR:
		return bencode_put_str(b, n->str, n->len);
	case BENCODE_INT:
		return bencode_put_int(b, n->num);
	case BENCODE_LIST:
	case BENCODE_DICT:
		if ((n->type == BENCODE_DICT ? bencode_dict_begin(b)
									 : bencode_list_begin(b)) < 0)
			return -1;
		for (c = n->child; c; c = c->next) {
			if (n->type == BENCODE_DICT &&
				bencode_put_str(b, c->key, c->key_len) < 0)
				return -1;
			if (bencode_put_node(b, c) < 0)
				return -1;
		}
		return bencode_end(b);
	}
	return berr(b, BENCODE_ERR_SYNTAX, "bad node type %d", (int)n->type);
}

/* path: JSON location for error messages, e.g. ".flags[2]" */
static int put_json(bencode_buf *b, struct json_object *j, char *path,
					size_t plen, size_t psize, unsigned depth)
{
	if (depth >= BENCODE_DEFAULT_MAX_DEPTH)
		return berr(b, BENCODE_ERR_LIMIT, "JSON nested deeper than %u at %s",
					BENCODE_DEFAULT_MAX_DEPTH, plen ? path : "top level");
	switch (json_object_get_type(j)) {
	case json_type_string:
		return bencode_put_str(b, json_object_get_string(j),
							   (size_t)json_object_get_string_len(j));
	case json_type_int: {
		int64_t v = json_object_get_int64(j);
		if (v == INT64_MAX && json_object_get_uint64(j) > (uint64_t)v)
			return berr(b, BENCODE_ERR_SYNTAX,
						"JSON integer at %s out of 64-bit range",
						plen ? path : "top level");
		return bencode_put_int(b, v);
	}
	case json_type_array: {
		size_t i, n = json_object_array_length(j);
		if (bencode_list_begin(b) < 0)
			return -1;
		for (i = 0; i < n; i++) {
			int w = snprintf(path + plen, psize - plen, "[%zu]", i);
			size_t nl = plen + (w > 0 ? (size_t)w : 0);
			if (nl >= psize)
				nl = psize - 1;
			if (put_json(b, json_object_array_get_idx(j, i), path, nl, psize,
						 depth + 1) < 0)
				return -1;
			path[plen] = '\0';
		}
		return bencode_end(b);
	}
	case json_type_object: {
		if (bencode_dict_begin(b) < 0)
			return -1;
		json_object_object_foreach(j, key, val)
		{
			int w = snprintf(path + plen, psize - plen, ".%s", key);
			size_t nl = plen + (w > 0 ? (size_t)w : 0);
			if (nl >= psize)
				nl = psize - 1;
			if (bencode_put_cstr(b, key) < 0 ||
				put_json(b, val, path, nl, psize, depth + 1) < 0)
				return -1;
			path[plen] = '\0';
		}
		return bencode_end(b);
	}
	case json_type_boolean:
		return berr(b, BENCODE_ERR_SYNTAX,
					"JSON boolean at %s has no bencode form (use a string)",
					plen ? path : "top level");
	case json_type_double:
		return berr(b, BENCODE_ERR_SYNTAX,
					"JSON fraction at %s has no bencode form (use an integer "
					"or a string)",
					plen ? path : "top level");
	case json_type_null:
	default:
		return berr(b, BENCODE_ERR_SYNTAX,
					"JSON null at %s has no bencode form",
					plen ? path : "top level");
	}
}

int bencode_put_json(bencode_buf *b, struct json_object *j)
{
	char path[96] = "";

	if (b->err)
		return -1;
	return put_json(b, j, path, 0, sizeof(path), 0);
}

/* ------------------------------------------------------------ JSON */

/* length of the valid UTF-8 sequence at s (n bytes available), 0 if none */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t need, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		need = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		need = 3;
		if (c == 0xe0)
			lo = 0xa0; /* no overlong */
		else if (c == 0xed)
			hi = 0x9f; /* no surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 4;
		if (c == 0xf0)
			lo = 0x90; /* no overlong */
		else if (c == 0xf4)
			hi = 0x8f; /* <= U+10FFFF */
	} else
		return 0;
	if (n < need)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < need; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return need;
}

int bencode_utf8_valid(const void *s, size_t len)
{
	const unsigned char *p = s;
	size_t i = 0, k;

	while (i < len) {
		k = utf8_seq(p + i, len - i);
		if (!k)
			return 0;
		i += k;
	}
	return 1;
}

/*
 * Printable copy: invalid UTF-8 bytes (and NUL when escape_nul) become
 * "\xNN". Returns a malloc'd NUL-terminated string, *outlen its length.
 */
static char *utf8_escape(const char *s, size_t len, int escape_nul,
						 size_t *outlen)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	char *out, *o;
	size_t i = 0, k;

	if (len > (SIZE_MAX - 1) / 4)
		return NULL;
	out = malloc(len * 4 + 1);
	if (!out)
		return NULL;
	o = out;
	while (i < len) {
		k = utf8_seq(p + i, len - i);
		if (k && !(escape_nul && p[i] == 0)) {
			memcpy(o, p + i, k);
			o += k;
			i += k;
			continue;
		}
		*o++ = '\\';
		*o++ = 'x';
		*o++ = hex[p[i] >> 4];
		*o++ = hex[p[i] & 0xf];
		i++;
	}
	*o = '\0';
	*outlen = (size_t)(o - out);
	return out;
}

static struct json_object *json_str(const char *s, size_t len)
{
	struct json_object *j;
	size_t el;
	char *e;

	if (len <= INT32_MAX && bencode_utf8_valid(s, len))
		return json_object_new_string_len(s, (int)len);
	e = utf8_escape(s, len, 0, &el);
	if (!e)
		return NULL;
	j = el <= INT32_MAX ? json_object_new_string_len(e, (int)el) : NULL;
	free(e);
	return j;
}

struct json_object *bencode_to_json(const bencode_node *n)
{
	struct json_object *j, *v;
	const bencode_node *c;

	if (!n)
		return NULL;
	switch (n->type) {
	case BENCODE_STR:
		return json_str(n->str, n->len);
	case BENCODE_INT:
		return json_object_new_int64(n->num);
	case BENCODE_LIST:
		j = json_object_new_array_ext((int)(n->count ? n->count : 1));
		if (!j)
			return NULL;
		for (c = n->child; c; c = c->next) {
			v = bencode_to_json(c);
			if (!v || json_object_array_add(j, v) < 0) {
				json_object_put(v);
				json_object_put(j);
				return NULL;
			}
		}
		return j;
	case BENCODE_DICT:
		j = json_object_new_object();
		if (!j)
			return NULL;
		for (c = n->child; c; c = c->next) {
			size_t kl;
			char *k = utf8_escape(c->key, c->key_len, 1, &kl);
			int rc;

			v = k ? bencode_to_json(c) : NULL;
			rc = v ? json_object_object_add(j, k, v) : -1;
			free(k);
			if (rc < 0) {
				json_object_put(v);
				json_object_put(j);
				return NULL;
			}
		}
		return j;
	}
	return NULL;
}
