/*
 * bencode.h - strict bencode decoder, encoder and JSON conversion.
 *
 * Pure C (no Kamailio headers). Used by the rtpengine NG client
 * (ng_client.h), the iwg-ng CLI and the REST daemon.
 *
 * Bencode values: byte strings "<len>:<bytes>", integers "i<n>e",
 * lists "l...e" and dictionaries "d<key><value>...e" with byte-string keys.
 *
 * The decoder is strict: it rejects trailing bytes, leading zeros ("i03e",
 * "03:abc"), "-0", integers outside int64, string lengths beyond the buffer,
 * non-string dictionary keys, duplicate dictionary keys, nesting deeper than
 * a bound and more nodes than a bound. Dictionary keys need not be sorted
 * (rtpengine emits them in insertion order); their order is kept, so a
 * decoded tree re-encodes to exactly the input bytes.
 *
 * Thread safety: no global state; a document or buffer must not be used by
 * two threads at once.
 */
#ifndef IWG_NG_BENCODE_H
#define IWG_NG_BENCODE_H

#include <stddef.h>
#include <stdint.h>

struct json_object;

/* ------------------------------------------------------------ tree */

typedef enum bencode_type {
	BENCODE_STR = 1,
	BENCODE_INT,
	BENCODE_LIST,
	BENCODE_DICT,
} bencode_type;

/*
 * One decoded value. Nodes, keys and strings are owned by the bencode_doc
 * they came from and stay valid until bencode_doc_free().
 */
typedef struct bencode_node bencode_node;
struct bencode_node {
	bencode_type type;
	/* member of a dictionary: its key (NUL-terminated copy; key_len is
	 * authoritative, keys may hold NUL bytes); NULL otherwise */
	const char *key;
	size_t key_len;
	/* BENCODE_STR: NUL-terminated copy of the bytes, len authoritative */
	const char *str;
	size_t len;
	/* BENCODE_INT */
	int64_t num;
	/* BENCODE_LIST / BENCODE_DICT: first child, number of children */
	bencode_node *child;
	size_t count;
	/* next sibling inside the parent list/dict, NULL at the end */
	bencode_node *next;
};

/* Decoder error codes (bencode_doc.err) */
enum {
	BENCODE_OK = 0,
	BENCODE_ERR_SYNTAX = 1, /* malformed input */
	BENCODE_ERR_LIMIT = 2,	/* depth or node limit exceeded */
	BENCODE_ERR_OOM = 3,	/* out of memory */
};

#define BENCODE_DEFAULT_MAX_DEPTH 64
#define BENCODE_DEFAULT_MAX_NODES 100000

typedef struct bencode_limits {
	unsigned max_depth; /* 1 = scalars and one container level; 0: default */
	size_t max_nodes;	/* total values incl. keys; 0: default */
} bencode_limits;

/*
 * Result of a decode. When err != 0, root is NULL and errstr says where and
 * why, e.g. "offset 4: leading zero in integer".
 */
typedef struct bencode_doc {
	int err;
	char errstr[128];
	bencode_node *root;
	/* private: node blocks and the string copies */
	void *blocks_;
	char *strings_;
} bencode_doc;

/*
 * Decode exactly len bytes at buf (need not be NUL-terminated; the whole
 * buffer must be one value). The input is copied: buf may be freed after
 * the call. lim may be NULL for the defaults.
 *
 * Returns a document the caller frees with bencode_doc_free(), or NULL only
 * when the document itself cannot be allocated. Check doc->err before using
 * doc->root.
 */
bencode_doc *bencode_decode(const void *buf, size_t len,
							const bencode_limits *lim);

/* Free a document and every node in it. NULL is allowed. */
void bencode_doc_free(bencode_doc *doc);

/*
 * Look up key (NUL-terminated) in a BENCODE_DICT node. Returns the member,
 * or NULL when dict is NULL, not a dictionary, or has no such key.
 */
const bencode_node *bencode_dict_get(const bencode_node *dict, const char *key);

/*
 * Like bencode_dict_get() but returns the member's bytes only when it is a
 * BENCODE_STR, else NULL. The pointer belongs to the document; *len (may be
 * NULL) receives its length.
 */
const char *bencode_dict_get_str(const bencode_node *dict, const char *key,
								 size_t *len);

/* 1 when the node is a string equal to the NUL-terminated s, else 0. */
int bencode_str_eq(const bencode_node *n, const char *s);

/*
 * Deep equality of two trees (type, keys, order, bytes, numbers).
 * Returns 1 when equal, 0 otherwise. NULLs are equal only to NULL.
 */
int bencode_node_equal(const bencode_node *a, const bencode_node *b);

/* ------------------------------------------------------------ encoder */

/*
 * A growable output buffer. Errors are sticky: after the first failure
 * (out of memory, "end" without an open container, bad JSON input) every
 * further call is a no-op returning -1, and err/errstr tell why. Check once
 * with bencode_buf_finish() at the end.
 *
 * data is not NUL-terminated by the encoder; len is authoritative.
 */
typedef struct bencode_buf {
	int err;
	char errstr[128];
	char *data;
	size_t len;
	size_t cap;
	unsigned depth; /* open containers */
} bencode_buf;

/* Initialise an empty buffer (no allocation yet). */
void bencode_buf_init(bencode_buf *b);

/* Release the buffer's memory; b can be re-initialised afterwards. */
void bencode_buf_free(bencode_buf *b);

/*
 * Check that the buffer is complete: no earlier error and every container
 * closed. Returns 0 if so, -1 (with err/errstr set) otherwise.
 */
int bencode_buf_finish(bencode_buf *b);

/* Raw values. Each returns 0, or -1 on (sticky) error. */
int bencode_put_str(bencode_buf *b, const void *s, size_t len);
int bencode_put_cstr(bencode_buf *b, const char *s);
int bencode_put_int(bencode_buf *b, int64_t v);
int bencode_dict_begin(bencode_buf *b); /* "d" */
int bencode_list_begin(bencode_buf *b); /* "l" */
int bencode_end(bencode_buf *b);		/* "e": closes the innermost */

/*
 * Dictionary members: write key (NUL-terminated) then the value. Use only
 * inside bencode_dict_begin() .. bencode_end(); the encoder does not sort
 * or de-duplicate keys (rtpengine does not require sorted keys).
 */
int bencode_dict_add_str(bencode_buf *b, const char *key, const char *val);
int bencode_dict_add_strn(bencode_buf *b, const char *key, const void *val,
						  size_t len);
int bencode_dict_add_int(bencode_buf *b, const char *key, int64_t val);
/* key then a list of n NUL-terminated strings */
int bencode_dict_add_strlist(bencode_buf *b, const char *key,
							 const char *const *items, size_t n);
/* key then "l" / "d": close with bencode_end() */
int bencode_dict_add_list(bencode_buf *b, const char *key);
int bencode_dict_add_dict(bencode_buf *b, const char *key);

/* Append the encoding of a decoded tree (NULL is an error). */
int bencode_put_node(bencode_buf *b, const bencode_node *n);

/*
 * Append the encoding of a JSON value: strings -> byte strings, integers
 * -> integers, arrays -> lists, objects -> dictionaries (key order kept).
 * Booleans, doubles and null have no bencode form and are an error naming
 * the JSON path. Nesting beyond BENCODE_DEFAULT_MAX_DEPTH is an error.
 */
int bencode_put_json(bencode_buf *b, struct json_object *j);

/* ------------------------------------------------------------ JSON */

/*
 * Convert a decoded tree to a new json-c object the caller releases with
 * json_object_put(). Returns NULL for a NULL node or out of memory.
 *
 * Byte strings that are valid UTF-8 become JSON strings unchanged. A string
 * (or key) that is not valid UTF-8 is made printable: each byte that is not
 * part of a valid UTF-8 sequence becomes the four characters "\xNN"
 * (lower-case hex), so the JSON is always valid; this is meant for display
 * and is not reversible. Keys holding NUL bytes get "\x00" likewise.
 */
struct json_object *bencode_to_json(const bencode_node *n);

/*
 * 1 when the len bytes at s are valid UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF), else 0.
 */
int bencode_utf8_valid(const void *s, size_t len);

#endif
