/*
 * lib/media: named rtpengine flag sets ("media profiles") read from a
 * file (used by iwg_media and iwg_verto).
 *
 * File format (see modules/iwg_media/README.md):
 *   # comment                      (a '#' that starts a word runs to the end
 *                                   of the line)
 *   [name]                         starts a profile; name: [A-Za-z0-9_.-],
 *                                  1..64 chars, unique in the file
 *   ICE=remove RTP/AVP ...         flag tokens, any number of lines
 *   @other                         the tokens of profile "other", expanded
 *                                  in place at load time
 * Every token is checked against media_flags.c; a token holding a
 * pseudo-variable ($var(x), $avp(y), ...) is kept as written ("dynamic").
 * Whitespace inside the parentheses of a pseudo-variable does not split it.
 *
 * The parsed set is one relocatable block (offsets, no pointers), so it can
 * be copied anywhere with memcpy(dst, set, set->size). Profiles are sorted by
 * name; strings in the block are NUL-terminated.
 *
 * Pure C: no Kamailio header. Not thread-safe per set only in that a set is
 * never modified after it is built.
 */
#ifndef IWG_MEDIA_PROFILE_H
#define IWG_MEDIA_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#define MPROF_NAME_MAX		64		  /* bytes of a profile name */
#define MPROF_TOKEN_MAX		1024	  /* bytes of one token */
#define MPROF_FLAGS_MAX		4096	  /* bytes of an expanded flag string */
#define MPROF_PROFILES_MAX	1024	  /* profiles per file */
#define MPROF_FILE_MAX		(1 << 20) /* bytes of a profile file */
#define MPROF_INCLUDE_DEPTH 16		  /* nesting of @includes */

/* one profile inside a set; offsets are from the start of the set */
typedef struct mprof_profile {
	uint32_t name_off;
	uint32_t name_len;
	uint32_t flags_off;
	uint32_t flags_len;
	uint32_t line;	   /* line of the [name] header */
	uint32_t ntokens;  /* after @include expansion */
	uint32_t dynamic;  /* 1 if a token holds a pseudo-variable */
	uint32_t reserved; /* keeps the array 8-byte friendly */
} mprof_profile_t;

/* the whole set: header, profiles sorted by name, then the strings */
typedef struct mprof_set {
	uint64_t size; /* bytes of the whole block */
	uint32_t count;
	uint32_t reserved;
	mprof_profile_t prof[];
} mprof_set_t;

/* error detail, hiredis style */
typedef struct mprof_err {
	int code;	   /* 0 = no error */
	unsigned line; /* 1-based, 0 if not tied to a line */
	unsigned col;  /* 1-based byte column, 0 if not tied to a column */
	/* "file:line:col: message" ready to log */
	char errstr[512];
} mprof_err_t;

enum mprof_errcode {
	MPROF_OK = 0,
	MPROF_EIO,		/* cannot open/read the file, or it is too large */
	MPROF_ESYNTAX,	/* malformed line or name */
	MPROF_EDUP,		/* duplicate profile name */
	MPROF_EFLAG,	/* token rejected by the vocabulary */
	MPROF_EINCLUDE, /* unknown @include, cycle or too deep */
	MPROF_ELIMIT,	/* a size limit was exceeded */
	MPROF_ENOMEM
};

/*
 * Parse a buffer of len bytes (need not be NUL-terminated). fname is used in
 * messages only (may be NULL: "<buffer>"). On success returns 0 and *out is
 * a new set owned by the caller (free with mprof_set_free()). On error
 * returns -1, *out is NULL and err (may be NULL) holds the first problem.
 */
int mprof_parse(const char *buf, size_t len, const char *fname,
				mprof_set_t **out, mprof_err_t *err);

/* Read and parse a file; same contract as mprof_parse(). */
int mprof_load_file(const char *path, mprof_set_t **out, mprof_err_t *err);

/* Free a set returned by mprof_parse()/mprof_load_file(); NULL is fine.
 * Do not use it on a copy made elsewhere (e.g. in shared memory). */
void mprof_set_free(mprof_set_t *set);

/* Index of the profile called name (len bytes) or -1. The set may be a
 * memcpy'd copy. */
int mprof_find(const mprof_set_t *set, const char *name, size_t len);

/* NUL-terminated name / flag string of profile i (0 <= i < count); the
 * pointers live as long as the set does. */
const char *mprof_name(const mprof_set_t *set, unsigned i);
const char *mprof_flags(const mprof_set_t *set, unsigned i);

/* 1 if name (len bytes) is a valid profile name, else 0 */
int mprof_name_valid(const char *name, size_t len);

#endif /* IWG_MEDIA_PROFILE_H */
