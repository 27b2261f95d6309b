/*
 * verto_ipc.h - how SIP events reach the iwg_verto WebSocket process.
 *
 * The protocol engine lives in one process ("iwg_verto WebSocket"); SIP
 * replies to its requests (tm callbacks) and SIP requests in its dialogs
 * (BYE, CANCEL, NOTIFY, INFO from the contact center) arrive in whichever
 * SIP worker received them. A worker copies the raw SIP message and what
 * identifies it into one shared-memory event and appends it to a queue
 * (shm list under a lock: never blocks beyond the lock, never drops unless
 * the queue already holds VERTO_IPC_MAX_QUEUED events), then writes one
 * byte to a non-blocking pipe (a full pipe already means "wake up"). The
 * WebSocket process watches the pipe's read end in its libwebsockets loop,
 * takes the whole queue at once and re-parses each message there, so all
 * dialog state (tm dlg_t, rtpengine tags, call state) is touched by that
 * one process only.
 *
 * The same module keeps the shared set of SIP Call-IDs that belong to
 * iwg_verto calls, so a worker can tell at once whether an in-dialog
 * request is for us (and answer it) without asking the WebSocket process.
 *
 * Kamailio glue (shm, locks); everything is created in mod_init, before
 * the fork.
 */
#ifndef IWG_VERTO_IPC_H
#define IWG_VERTO_IPC_H

#include <stdint.h>

#include "core/str.h"

#define VERTO_IPC_MAX_QUEUED 100000
#define VERTO_IPC_KEY_MAX	 256

enum verto_ev_type {
	VERTO_EV_REPLY = 1, /* a reply to one of our requests */
	VERTO_EV_REQUEST,	/* a request in (or for) one of our calls */
	VERTO_EV_KICK,		/* RPC verto.kick: key is the sessid */
};

typedef struct verto_ev {
	struct verto_ev *next;
	int type;
	uint64_t token;			 /* REPLY: the request's callback token */
	int code;				 /* REPLY: status (408 for a local timeout) */
	unsigned tindex, tlabel; /* REQUEST INVITE: the server transaction */
	int method;				 /* REQUEST: METHOD_BYE, ... (core/parser) */
	char key[VERTO_IPC_KEY_MAX + 1]; /* REQUEST INVITE: the PaaS user */
	unsigned len;					 /* bytes of buf, 0: no message (timeout) */
	char buf[];						 /* the raw SIP message, NUL-terminated */
} verto_ev;

/* mod_init: queue, lock, pipe, Call-ID set. 0 or -1. */
int verto_ipc_init(void);

/* mod_destroy */
void verto_ipc_destroy(void);

/* A new event (shm, zeroed) holding a copy of buf[0..len) (buf may be
 * NULL). NULL when out of shm. */
verto_ev *verto_ev_new(int type, const char *buf, unsigned len);

/* Free an event taken from the queue. */
void verto_ev_free(verto_ev *ev);

/*
 * Any process: append ev (ownership passes to the queue) and wake the
 * WebSocket process. 0, or -1 when the queue is full (ev is freed).
 */
int verto_ipc_push(verto_ev *ev);

/* Any thread of the WebSocket process: wake its loop (one byte into the
 * pipe) without queueing an event (the job pool's completions). */
void verto_ipc_wake(void *unused);

/* WebSocket process: the pipe's read end, to watch. */
int verto_ipc_fd(void);

/* WebSocket process: empty the pipe and take every queued event, oldest
 * first (a list through ->next; free each with verto_ev_free). */
verto_ev *verto_ipc_take(void);

/* The set of SIP Call-IDs of live iwg_verto calls. add: 0 or -1 (no shm). */
int verto_ipc_callid_add(const str *cid);
void verto_ipc_callid_del(const str *cid);
int verto_ipc_callid_has(const str *cid);

#endif
