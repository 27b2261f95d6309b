/*
 * verto_jobs.c - worker threads for the WebSocket process's blocking work.
 * Contracts in verto_jobs.h. One mutex guards both queues; a condition
 * variable wakes idle workers.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verto_jobs.h"

#define VERTO_JOBS_MAX 64

struct verto_jobs {
	verto_jobs_cfg cfg;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	verto_job *todo, **todo_tail; /* submitted, not started */
	verto_job *fin, **fin_tail;	  /* finished, not drained */
	unsigned busy;				  /* submitted, not drained */
	unsigned queued;			  /* in todo */
	unsigned long refused;		  /* submits refused as full */
	int stop;
	unsigned nthreads;
	pthread_t th[VERTO_JOBS_MAX];
	void *worker[VERTO_JOBS_MAX];
};

typedef struct start_arg {
	verto_jobs *p;
	unsigned i;
} start_arg;

static void append(verto_job ***tail, verto_job *j)
{
	j->next = NULL;
	**tail = j;
	*tail = &j->next;
}

static void *worker_main(void *arg)
{
	start_arg *sa = arg;
	verto_jobs *p = sa->p;
	unsigned i = sa->i;
	void *w;
	verto_job *j;

	free(sa);
	w = p->cfg.worker_new ? p->cfg.worker_new(p->cfg.arg, i) : NULL;
	pthread_mutex_lock(&p->mu);
	p->worker[i] = w;
	for (;;) {
		while (!p->stop && !p->todo)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->stop)
			break;
		j = p->todo;
		p->todo = j->next;
		if (!p->todo)
			p->todo_tail = &p->todo;
		p->queued--;
		pthread_mutex_unlock(&p->mu);
		j->run(j, w);
		pthread_mutex_lock(&p->mu);
		append(&p->fin_tail, j);
		pthread_mutex_unlock(&p->mu);
		if (p->cfg.wake)
			p->cfg.wake(p->cfg.wake_arg);
		pthread_mutex_lock(&p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

verto_jobs *verto_jobs_new(const verto_jobs_cfg *cfg, char *err, size_t errsz)
{
	verto_jobs *p;
	sigset_t all, old;
	unsigned i;
	int rc;

	if (!cfg || cfg->workers < 1 || cfg->workers > VERTO_JOBS_MAX) {
		snprintf(err, errsz, "workers must be 1..%d", VERTO_JOBS_MAX);
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	p->cfg = *cfg;
	p->todo_tail = &p->todo;
	p->fin_tail = &p->fin;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	/* signals stay with the process's own threads */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (i = 0; i < cfg->workers; i++) {
		start_arg *sa = malloc(sizeof(*sa));
		if (!sa) {
			snprintf(err, errsz, "out of memory");
			break;
		}
		sa->p = p;
		sa->i = i;
		rc = pthread_create(&p->th[i], NULL, worker_main, sa);
		if (rc) {
			free(sa);
			snprintf(err, errsz, "cannot start a worker thread: %s",
					 strerror(rc));
			break;
		}
		p->nthreads++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (p->nthreads != cfg->workers) {
		verto_jobs_free(p);
		return NULL;
	}
	return p;
}

int verto_jobs_submit(verto_jobs *p, verto_job *j)
{
	int rc;

	pthread_mutex_lock(&p->mu);
	if (p->stop) {
		rc = -1;
	} else if (p->cfg.max_jobs && p->queued >= p->cfg.max_jobs) {
		p->refused++;
		rc = VERTO_JOBS_FULL;
	} else {
		append(&p->todo_tail, j);
		p->busy++;
		p->queued++;
		pthread_cond_signal(&p->cv);
		rc = 0;
	}
	pthread_mutex_unlock(&p->mu);
	return rc;
}

int verto_jobs_full(verto_jobs *p)
{
	int full;

	pthread_mutex_lock(&p->mu);
	full = p->cfg.max_jobs && p->queued >= p->cfg.max_jobs;
	pthread_mutex_unlock(&p->mu);
	return full;
}

/* done(j, cancelled) for every finished job, in finishing order */
static unsigned drain_as(verto_jobs *p, int cancelled)
{
	verto_job *list, *j;
	unsigned n = 0;

	pthread_mutex_lock(&p->mu);
	list = p->fin;
	p->fin = NULL;
	p->fin_tail = &p->fin;
	pthread_mutex_unlock(&p->mu);
	while ((j = list)) {
		list = j->next;
		pthread_mutex_lock(&p->mu);
		p->busy--;
		pthread_mutex_unlock(&p->mu);
		j->done(j, cancelled);
		n++;
	}
	return n;
}

unsigned verto_jobs_drain(verto_jobs *p)
{
	return drain_as(p, 0);
}

unsigned verto_jobs_busy(verto_jobs *p)
{
	unsigned n;

	pthread_mutex_lock(&p->mu);
	n = p->busy;
	pthread_mutex_unlock(&p->mu);
	return n;
}

unsigned verto_jobs_queued(verto_jobs *p)
{
	unsigned n;

	if (!p)
		return 0;
	pthread_mutex_lock(&p->mu);
	n = p->queued;
	pthread_mutex_unlock(&p->mu);
	return n;
}

unsigned long verto_jobs_refused(verto_jobs *p)
{
	unsigned long n;

	if (!p)
		return 0;
	pthread_mutex_lock(&p->mu);
	n = p->refused;
	pthread_mutex_unlock(&p->mu);
	return n;
}

void verto_jobs_free(verto_jobs *p)
{
	verto_job *j;
	unsigned i;

	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	for (i = 0; i < p->nthreads; i++)
		pthread_join(p->th[i], NULL);
	while ((j = p->todo)) {
		p->todo = j->next;
		j->done(j, 1);
	}
	/* finished but not drained: cancelled too, their users may be gone */
	drain_as(p, 1);
	for (i = 0; i < p->nthreads; i++)
		if (p->cfg.worker_free && p->worker[i])
			p->cfg.worker_free(p->worker[i]);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p);
}
