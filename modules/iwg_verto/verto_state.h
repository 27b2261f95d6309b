/*
 * verto_state.h - the state of one Verto session that outlives its node
 * (module README, section 6 "Sessions that survive a node"): what another
 * node needs to take an answered call over after the browser logs in
 * there with its sessid. Encoded as versioned text (one Redis value per
 * session, key iwg:verto:{<sessid>}), parsed strictly and fuzzed
 * (fuzz_verto_state); and the claim decision (which node may act on a
 * session).
 *
 * Pure C, no I/O, no Kamailio header.
 *
 * Text (version 1), one record a line, fields separated by one space,
 * each field percent-escaped (bytes outside '!'..'~' and '%' as %XX; the
 * field "-" is the empty string, a value "-" is "%2D"):
 *
 *   iwg-verto-state 1
 *   session <sessid> <login> <node> <updated: unix ms>
 *   call <callID> <outbound 0|1> <held 0|1> <dest> <caller name> <number>
 *   dlg <Call-ID> <local tag> <remote tag> <local CSeq> <remote CSeq>
 *       <local URI> <remote URI> <remote target> <route set>
 *   media <rtpengine call-id> <browser leg tag> <peer leg tag>
 *   peer <the contact center's last SDP>
 *   ours <our last SDP toward the contact center>
 *   end
 *
 * (dlg is one line.) Each call line opens a call; dlg is required, media,
 * peer and ours are optional, each at most once per call. Nothing may
 * follow "end" but one final newline.
 */
#ifndef IWG_VERTO_STATE_H
#define IWG_VERTO_STATE_H

#include <stddef.h>
#include <stdint.h>

#define VERTO_STATE_VERSION	   1
#define VERTO_STATE_MAX_CALLS  8   /* = the engine's max_calls default */
#define VERTO_STATE_NODE_MAX   127 /* node id (the module's node_id) */
#define VERTO_STATE_ID_MAX	   128 /* callID, login (VERTO_ID_MAX) */
#define VERTO_STATE_SIPID_MAX  128 /* Call-ID (VERTO_SIPID_MAX) */
#define VERTO_STATE_TAG_MAX	   127 /* tags (VERTO_DLG_TAG_MAX) */
#define VERTO_STATE_URI_MAX	   255 /* URIs, remote target */
#define VERTO_STATE_ROUTE_MAX  1023
#define VERTO_STATE_NAME_MAX   128
#define VERTO_STATE_SDP_MAX	   (64 * 1024)
#define VERTO_STATE_SESSID_LEN 36
/* a node's incarnation: hex digits, random per start of its process */
#define VERTO_STATE_INC_LEN 16
/* an owner "<node>#<incarnation>" (verto_state_owner) */
#define VERTO_STATE_OWNER_MAX (VERTO_STATE_NODE_MAX + 1 + VERTO_STATE_INC_LEN)
/* the longest key prefix (session_prefix): the keys stay within 256 */
#define VERTO_STATE_PREFIX_MAX 64
/* the largest text verto_state_encode makes (every SDP escaped: x3) */
#define VERTO_STATE_TEXT_MAX (VERTO_STATE_MAX_CALLS * 6 * VERTO_STATE_SDP_MAX)

typedef struct verto_state_call {
	char call_id[VERTO_STATE_ID_MAX + 1]; /* Verto callID */
	unsigned outbound : 1;				  /* the browser placed it */
	unsigned held : 1;					  /* on hold toward SIP */
	char dest[VERTO_STATE_ID_MAX + 1];	  /* destination / callee number */
	char caller_name[VERTO_STATE_NAME_MAX + 1];
	char caller_number[VERTO_STATE_NAME_MAX + 1];
	/* the SIP dialog toward the contact center (confirmed) */
	char sip_callid[VERTO_STATE_SIPID_MAX + 1];
	char ltag[VERTO_STATE_TAG_MAX + 1], rtag[VERTO_STATE_TAG_MAX + 1];
	uint32_t lseq;						   /* our last CSeq in the dialog */
	uint32_t rseq;						   /* theirs (0: none yet) */
	char luri[VERTO_STATE_URI_MAX + 1];	   /* our URI (From of our requests) */
	char ruri[VERTO_STATE_URI_MAX + 1];	   /* theirs (To) */
	char target[VERTO_STATE_URI_MAX + 1];  /* remote target (Contact) */
	char route[VERTO_STATE_ROUTE_MAX + 1]; /* route set, "" none */
	/* rtpengine ids when they are not the dialog's ("" = Call-ID, ltag,
	 * rtag: a call the contact center transferred keeps its first's) */
	char m_cid[VERTO_STATE_SIPID_MAX + 1];
	char m_btag[VERTO_STATE_TAG_MAX + 1], m_ptag[VERTO_STATE_TAG_MAX + 1];
	char *peer_sdp; /* malloc'd or NULL */
	char *our_sdp;	/* malloc'd or NULL */
} verto_state_call;

typedef struct verto_state {
	char sessid[VERTO_STATE_SESSID_LEN + 1];
	char login[VERTO_STATE_ID_MAX + 1];
	char node[VERTO_STATE_NODE_MAX + 1]; /* the node that wrote it */
	uint64_t updated_ms;				 /* unix ms of the write */
	unsigned ncalls;
	verto_state_call calls[VERTO_STATE_MAX_CALLS];
} verto_state;

/* an empty state (nothing to free) */
void verto_state_init(verto_state *st);

/* free the SDPs of every call (the struct itself is the caller's); the
 * state is empty afterwards. NULL is fine. */
void verto_state_clear(verto_state *st);

/*
 * The text of st: malloc'd, NUL-terminated, *len (may be NULL) its
 * length; NULL when out of memory or when st is not encodable (ncalls
 * above VERTO_STATE_MAX_CALLS, an empty sessid, login or node, a call
 * without callID or Call-ID, an SDP above VERTO_STATE_SDP_MAX).
 */
char *verto_state_encode(const verto_state *st, size_t *len);

/*
 * Parse text[len] (need not be NUL-terminated) into *st (overwritten; on
 * success its SDPs are malloc'd: verto_state_clear frees them). Returns 0,
 * or -1 with st empty and why[whysz] (may be NULL) naming the problem and
 * its line: another version, a field too long or badly escaped, an
 * unknown or misplaced record, a missing dlg, a number out of range, too
 * many calls, text after "end" or no "end".
 */
int verto_state_parse(const char *text, size_t len, verto_state *st, char *why,
					  size_t whysz);

/* who may act on a session (verto_state_claim) */
typedef enum verto_claim {
	VERTO_CLAIM_NONE = 0, /* nothing stored: a new session */
	VERTO_CLAIM_MINE,	  /* stored and owned by this node */
	VERTO_CLAIM_TAKE,	  /* another node's, unknown here: take it over */
	VERTO_CLAIM_LOST,	  /* known here but another node owns it now: drop
						   * it here without SIP or media */
	VERTO_CLAIM_REFUSE,	  /* another user's session: never taken */
	VERTO_CLAIM_ALIVE,	  /* another node's, and that node is alive: not
						   * taken (verto_state_claim_live) */
} verto_claim;

/*
 * The decision for a session: owner is the node the store names as its
 * owner (NULL or "" when nothing is stored), self this node, known_here 1
 * when this node holds the session in memory, stored_login the login of
 * the stored state and login that of the client logging in (NULL: not a
 * login, e.g. this node checking before it acts).
 */
verto_claim verto_state_claim(const char *owner, const char *self,
							  int known_here, const char *stored_login,
							  const char *login);

/*
 * The decision c of verto_state_claim once the owner's liveness is known
 * (owner_alive 1: its node key, verto_state_node_key, still exists): a
 * session of a node that lives is never taken by a login elsewhere
 * (VERTO_CLAIM_ALIVE: the client gets a new session there, the call stays
 * with its node); every other decision is returned unchanged.
 */
verto_claim verto_state_claim_live(verto_claim c, int owner_alive);

const char *verto_claim_name(verto_claim c);

/*
 * The Redis key of a session's state and of its owner into buf[sz]:
 * "<prefix>{<sessid>}" and "<prefix>{<sessid>}:owner" (one hash tag: the
 * two share a Redis Cluster slot). 0, or -1 when it does not fit or
 * sessid holds a brace.
 */
int verto_state_key(const char *prefix, const char *sessid, int owner,
					char *buf, size_t sz);

/*
 * The owner value of node in incarnation inc ("<node>#<inc>", what the
 * owner key holds) into buf[sz]. 0, or -1 when it does not fit, node is
 * empty or inc is not VERTO_STATE_INC_LEN hex digits.
 */
int verto_state_owner(const char *node, const char *inc, char *buf, size_t sz);

/*
 * Split an owner value: the node id into node[nodesz], *inc pointed at its
 * incarnation inside owner ("" for an owner written without one). 0, or
 * -1 when owner is empty or the node id does not fit.
 */
int verto_state_owner_split(const char *owner, char *node, size_t nodesz,
							const char **inc);

/*
 * Whether the owner whose incarnation is inc lives, from the value of its
 * node's key (beat; NULL when the key does not exist): 1 when the key
 * holds that very incarnation, 0 otherwise (the node died, or it restarted
 * with another incarnation and has none of the session's calls). An owner
 * without incarnation ("") lives while its node key exists.
 */
int verto_state_owner_alive(const char *inc, const char *beat);

/*
 * The Redis key that says node lives ("<prefix>node:{<node>}", refreshed
 * by the node every second or so, short TTL, its value the node's
 * incarnation) into buf[sz]. 0, or -1 when
 * it does not fit or node is empty or holds a brace.
 */
int verto_state_node_key(const char *prefix, const char *node, char *buf,
						 size_t sz);

#endif
