/*
 * verto_jobs.h - a small pool of threads for the blocking work of the
 * iwg_verto WebSocket process (identity store lookups over Redis), so the
 * libwebsockets loop never waits for them.
 *
 * The loop thread submits a job; a worker thread runs its run() with the
 * worker's own resources (made by the pool's worker_new in that thread,
 * e.g. its own Redis connection); the finished job goes to a completion
 * queue and the pool's wake() is called (e.g. a byte into a pipe the loop
 * watches). The loop thread then calls verto_jobs_drain(), which calls
 * each finished job's done() there, in the order they finished: all the
 * engine's state stays in the loop thread.
 *
 * Pure C (pthreads). Jobs of one submitter that must not overtake each
 * other are not submitted together (the engine waits for one login per
 * connection at a time).
 */
#ifndef IWG_VERTO_JOBS_H
#define IWG_VERTO_JOBS_H

#include <stddef.h>

typedef struct verto_job verto_job;

struct verto_job {
	verto_job *next; /* the pool's */
	/* worker thread: the blocking work, with the worker's resources */
	void (*run)(verto_job *j, void *worker);
	/*
	 * loop thread (verto_jobs_drain): use the result and free the job;
	 * or verto_jobs_free for a job not drained (cancelled 1): only free
	 * the job (what the result was for may already be gone).
	 */
	void (*done)(verto_job *j, int cancelled);
};

typedef struct verto_jobs_cfg {
	unsigned workers;  /* threads, 1..64 */
	unsigned max_jobs; /* jobs queued and not started; 0: no bound */
	/* in each worker thread, before its first job; NULL: no resources */
	void *(*worker_new)(void *arg, unsigned index);
	void (*worker_free)(void *worker); /* at verto_jobs_free */
	void *arg;
	/* any thread: a job finished (must not block) */
	void (*wake)(void *wake_arg);
	void *wake_arg;
} verto_jobs_cfg;

typedef struct verto_jobs verto_jobs;

/* Start the threads (signals blocked in them). NULL with err[errsz]. */
verto_jobs *verto_jobs_new(const verto_jobs_cfg *cfg, char *err, size_t errsz);

#define VERTO_JOBS_FULL (-2)

/* Queue a job (ownership passes to the pool until its done()). 0; -1
 * when the pool is stopping, VERTO_JOBS_FULL when max_jobs jobs wait to
 * start (counted as refused); in both cases the job is not taken. */
int verto_jobs_submit(verto_jobs *p, verto_job *j);

/* 1 when a job submitted now would be refused as full (the loop thread,
 * the only submitter, can check before preparing a job: the queue only
 * shrinks meanwhile). */
int verto_jobs_full(verto_jobs *p);

/* Loop thread: done(j, 0) for every finished job, in finishing order.
 * Returns how many. */
unsigned verto_jobs_drain(verto_jobs *p);

/* Jobs submitted and not yet drained (for tests and logs). */
unsigned verto_jobs_busy(verto_jobs *p);

/* Jobs queued and not started yet; jobs refused as full so far. NULL: 0. */
unsigned verto_jobs_queued(verto_jobs *p);
unsigned long verto_jobs_refused(verto_jobs *p);

/* Stop: running jobs finish, queued ones and finished ones not yet
 * drained are cancelled (done(j, 1): no result is used), threads joined,
 * workers freed. NULL is fine. Free the pool before what its done()
 * callbacks use (the engine): cancelled jobs must not reach it. */
void verto_jobs_free(verto_jobs *p);

#endif
