/*
 * verto_ipc.c - SIP workers -> WebSocket process event queue, and the
 * shared set of iwg_verto Call-IDs. Contracts and design in verto_ipc.h.
 *
 * Memory: events and set entries are shm, one block each; the queue head,
 * the set's buckets and the lock are shm allocated in mod_init.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "core/dprint.h"
#include "core/hashes.h"
#include "core/locking.h"
#include "core/mem/shm_mem.h"

#include "verto_ipc.h"

#define CID_BUCKETS 1024

typedef struct cid_ent {
	struct cid_ent *next;
	int len;
	char s[];
} cid_ent;

typedef struct ipc_shared {
	gen_lock_t lock;
	verto_ev *head, *tail;
	unsigned queued;
	cid_ent *cids[CID_BUCKETS];
} ipc_shared;

static ipc_shared *ipc = NULL;
static int ipc_pipe[2] = {-1, -1};

int verto_ipc_init(void)
{
	int i;

	ipc = shm_malloc(sizeof(*ipc));
	if (!ipc) {
		SHM_MEM_ERROR;
		return -1;
	}
	memset(ipc, 0, sizeof(*ipc));
	if (!lock_init(&ipc->lock)) {
		LM_ERR("cannot init the event queue lock\n");
		return -1;
	}
	if (pipe(ipc_pipe) < 0) {
		LM_ERR("cannot create the event pipe: %s\n", strerror(errno));
		return -1;
	}
	for (i = 0; i < 2; i++) {
		int fl = fcntl(ipc_pipe[i], F_GETFL);
		if (fl < 0 || fcntl(ipc_pipe[i], F_SETFL, fl | O_NONBLOCK) < 0) {
			LM_ERR("cannot make the event pipe non-blocking\n");
			return -1;
		}
	}
	return 0;
}

void verto_ipc_destroy(void)
{
	verto_ev *ev;
	cid_ent *c;
	int i;

	if (!ipc)
		return;
	while ((ev = ipc->head)) {
		ipc->head = ev->next;
		shm_free(ev);
	}
	for (i = 0; i < CID_BUCKETS; i++) {
		while ((c = ipc->cids[i])) {
			ipc->cids[i] = c->next;
			shm_free(c);
		}
	}
	lock_destroy(&ipc->lock);
	shm_free(ipc);
	ipc = NULL;
}

verto_ev *verto_ev_new(int type, const char *buf, unsigned len)
{
	verto_ev *ev = shm_malloc(sizeof(*ev) + len + 1);

	if (!ev) {
		SHM_MEM_ERROR;
		return NULL;
	}
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->len = buf ? len : 0;
	if (buf)
		memcpy(ev->buf, buf, len);
	ev->buf[ev->len] = '\0';
	return ev;
}

void verto_ev_free(verto_ev *ev)
{
	shm_free(ev);
}

int verto_ipc_push(verto_ev *ev)
{
	char one = 1;

	ev->next = NULL;
	lock_get(&ipc->lock);
	if (ipc->queued >= VERTO_IPC_MAX_QUEUED) {
		lock_release(&ipc->lock);
		LM_ERR("verto event queue full (%d): event dropped\n",
			   VERTO_IPC_MAX_QUEUED);
		shm_free(ev);
		return -1;
	}
	if (ipc->tail)
		ipc->tail->next = ev;
	else
		ipc->head = ev;
	ipc->tail = ev;
	ipc->queued++;
	lock_release(&ipc->lock);
	/* EAGAIN: the pipe is full, so a wake-up is pending anyway */
	if (write(ipc_pipe[1], &one, 1) < 0 && errno != EAGAIN)
		LM_WARN("event pipe: %s\n", strerror(errno));
	return 0;
}

void verto_ipc_wake(void *unused)
{
	char one = 1;
	ssize_t rc;

	(void)unused;
	/* EAGAIN: a wake-up is pending anyway; no logging (any thread) */
	rc = write(ipc_pipe[1], &one, 1);
	(void)rc;
}

int verto_ipc_fd(void)
{
	return ipc_pipe[0];
}

verto_ev *verto_ipc_take(void)
{
	char buf[256];
	verto_ev *list;

	while (read(ipc_pipe[0], buf, sizeof(buf)) > 0)
		;
	lock_get(&ipc->lock);
	list = ipc->head;
	ipc->head = ipc->tail = NULL;
	ipc->queued = 0;
	lock_release(&ipc->lock);
	return list;
}

static unsigned cid_bucket(const str *cid)
{
	return core_hash(cid, NULL, CID_BUCKETS);
}

/* the entry pointer of cid in its bucket; lock held */
static cid_ent **cid_find(const str *cid)
{
	cid_ent **pp;

	for (pp = &ipc->cids[cid_bucket(cid)]; *pp; pp = &(*pp)->next)
		if ((*pp)->len == cid->len && memcmp((*pp)->s, cid->s, cid->len) == 0)
			return pp;
	return pp;
}

int verto_ipc_callid_add(const str *cid)
{
	cid_ent *e = shm_malloc(sizeof(*e) + cid->len);
	cid_ent **pp;

	if (!e) {
		SHM_MEM_ERROR;
		return -1;
	}
	e->len = cid->len;
	memcpy(e->s, cid->s, cid->len);
	lock_get(&ipc->lock);
	pp = cid_find(cid);
	if (*pp) {
		lock_release(&ipc->lock);
		shm_free(e);
		return 0;
	}
	e->next = NULL;
	*pp = e;
	lock_release(&ipc->lock);
	return 0;
}

void verto_ipc_callid_del(const str *cid)
{
	cid_ent **pp, *e;

	lock_get(&ipc->lock);
	pp = cid_find(cid);
	e = *pp;
	if (e)
		*pp = e->next;
	lock_release(&ipc->lock);
	if (e)
		shm_free(e);
}

int verto_ipc_callid_has(const str *cid)
{
	int has;

	lock_get(&ipc->lock);
	has = *cid_find(cid) != NULL;
	lock_release(&ipc->lock);
	return has;
}
