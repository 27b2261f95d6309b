/*
 * lib/media: the rtpengine NG flag vocabulary, as a sorted table (used
 * by iwg_media and iwg_verto to check media profiles).
 *
 * A token is one whitespace-free word of the flags string that Kamailio's
 * rtpengine module (5.6) splits on spaces and turns into an NG request for
 * rtpengine (10.5). Three spellings exist:
 *   name          a bare flag                 (trust-address, RTP/AVP, DTLS)
 *   name=value    a dictionary key with value (ICE=remove, ptime=20)
 *   name-suffix   a prefixed list entry       (codec-mask-all, SDES-off)
 * The vocabulary was taken from Kamailio 5.6 src/modules/rtpengine/
 * rtpengine.c (parse_flags) and rtpengine mr10.5.3.5 daemon/
 * call_interfaces.c (call_ng_flags_flags, call_ng_main_flags and the option
 * parsers). Matching is case-sensitive, like both parsers.
 *
 * Pure C: no Kamailio header. No allocation, no global state.
 */
#ifndef IWG_MEDIA_FLAGS_H
#define IWG_MEDIA_FLAGS_H

#include <stddef.h>

typedef enum mflags_status {
	MFLAGS_OK = 0,		/* known static token */
	MFLAGS_DYNAMIC,		/* holds a pseudo-variable; static part checked */
	MFLAGS_UNKNOWN,		/* no such flag, key or prefix */
	MFLAGS_NEED_VALUE,	/* key used without "=value" */
	MFLAGS_NO_VALUE,	/* flag that takes no "=value" got one */
	MFLAGS_BAD_VALUE,	/* value outside the accepted set */
	MFLAGS_NEED_SUFFIX, /* prefix with an empty suffix, e.g. "codec-mask-" */
	MFLAGS_STATUS_COUNT
} mflags_status_t;

/* Result of mflags_check(). */
typedef struct mflags_res {
	mflags_status_t status;
	/* byte offset inside the token where the problem starts (0 if the
	 * whole token is at fault) */
	size_t err_off;
	/* table name of the matched entry, or NULL (static storage) */
	const char *entry;
} mflags_res_t;

/*
 * Check one token of len bytes (it need not be NUL-terminated and must not
 * contain whitespace). Returns res->status (MFLAGS_OK or MFLAGS_DYNAMIC on
 * success); res may be NULL.
 */
mflags_status_t mflags_check(const char *tok, size_t len, mflags_res_t *res);

/* Short lower-case description of a status (static storage). */
const char *mflags_status_str(mflags_status_t st);

/*
 * Closest known spelling of a rejected token, by edit distance, written
 * NUL-terminated into out (outsz bytes). Returns 1 if a suggestion close
 * enough was found, 0 otherwise (out is then ""). Cost grows with the
 * vocabulary size times the token length squared; tokens are cut to 128
 * bytes.
 */
int mflags_suggest(const char *tok, size_t len, char *out, size_t outsz);

/* Number of table entries and the name of entry i (for tests and docs);
 * mflags_name() returns NULL when i is out of range. */
size_t mflags_count(void);
const char *mflags_name(size_t i);

#endif /* IWG_MEDIA_FLAGS_H */
