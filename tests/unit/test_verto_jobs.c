/*
 * test_verto_jobs.c - the WebSocket process's job pool
 * (modules/iwg_verto/verto_jobs.c): a job stuck in one worker does not hold
 * back the others; completions run in the draining thread only, after a
 * wake-up; stopping cancels what never ran; a full queue refuses jobs
 * until it drains.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../modules/iwg_verto/verto_jobs.h"

typedef struct tjob {
	verto_job job;
	int n;
	int stuck;	  /* waits until the test releases it */
	void *worker; /* what run() got */
	pthread_t ran_in;
} tjob;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int released;
static int wakes;
static int started; /* run() calls begun */
static int order[16], norder, cancelled;
static pthread_t main_thread;
static int workers_made, workers_freed;

static void *w_new(void *arg, unsigned i)
{
	(void)arg;
	pthread_mutex_lock(&mu);
	workers_made++;
	pthread_mutex_unlock(&mu);
	return (void *)(uintptr_t)(i + 1);
}

static void w_free(void *w)
{
	(void)w;
	workers_freed++;
}

static void wake(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mu);
	wakes++;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

static void run(verto_job *j, void *worker)
{
	tjob *t = (tjob *)j;

	t->worker = worker;
	t->ran_in = pthread_self();
	pthread_mutex_lock(&mu);
	started++;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	if (t->stuck) {
		pthread_mutex_lock(&mu);
		while (!released)
			pthread_cond_wait(&cv, &mu);
		pthread_mutex_unlock(&mu);
	}
}

static void done(verto_job *j, int was_cancelled)
{
	tjob *t = (tjob *)j;

	assert_true(pthread_equal(pthread_self(), main_thread));
	if (was_cancelled)
		cancelled++;
	else {
		assert_non_null(t->worker);
		assert_false(pthread_equal(t->ran_in, main_thread));
		order[norder++] = t->n;
	}
	free(t);
}

static tjob *job(int n, int stuck)
{
	tjob *t = calloc(1, sizeof(*t));

	t->job.run = run;
	t->job.done = done;
	t->n = n;
	t->stuck = stuck;
	return t;
}

/* wait (no time limit: the test runner has one) until n wake-ups came */
static void wait_wakes(int n)
{
	pthread_mutex_lock(&mu);
	while (wakes < n)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
}

/* wait until n run() calls have begun */
static void wait_started(int n)
{
	pthread_mutex_lock(&mu);
	while (started < n)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
}

static void reset(void)
{
	released = wakes = norder = cancelled = started = 0;
	workers_made = workers_freed = 0;
	main_thread = pthread_self();
}

/* the counters reset, a pool made with cfg */
static verto_jobs *new_pool(const verto_jobs_cfg *cfg)
{
	char err[128];
	verto_jobs *p;

	reset();
	p = verto_jobs_new(cfg, err, sizeof(err));
	assert_non_null(p);
	return p;
}

/* let the stuck jobs finish */
static void release_stuck(void)
{
	pthread_mutex_lock(&mu);
	released = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

static void stuck_job_does_not_hold_back_the_others(void **state)
{
	verto_jobs_cfg cfg = {.workers = 2,
						  .worker_new = w_new,
						  .worker_free = w_free,
						  .wake = wake};
	verto_jobs *p;
	(void)state;
	p = new_pool(&cfg);
	assert_int_equal(verto_jobs_submit(p, &job(1, 1)->job), 0);
	assert_int_equal(verto_jobs_submit(p, &job(2, 0)->job), 0);
	assert_int_equal(verto_jobs_submit(p, &job(3, 0)->job), 0);
	wait_wakes(2); /* 2 and 3 finished in the free worker */
	assert_int_equal(verto_jobs_drain(p), 2);
	assert_int_equal(norder, 2);
	assert_int_equal(order[0], 2);
	assert_int_equal(order[1], 3);
	assert_int_equal(verto_jobs_busy(p), 1);
	release_stuck();
	wait_wakes(3);
	assert_int_equal(verto_jobs_drain(p), 1);
	assert_int_equal(order[2], 1);
	assert_int_equal(verto_jobs_busy(p), 0);
	verto_jobs_free(p);
	assert_int_equal(workers_made, 2);
	assert_int_equal(workers_freed, 2);
}

static void stopping_cancels_jobs_that_never_ran(void **state)
{
	verto_jobs_cfg cfg = {.workers = 1, .wake = wake};
	verto_jobs *p;
	tjob *t;
	(void)state;
	p = new_pool(&cfg);
	t = job(1, 1);
	assert_int_equal(verto_jobs_submit(p, &t->job), 0);
	assert_int_equal(verto_jobs_submit(p, &job(2, 0)->job), 0);
	/* let the stuck one go once the pool is stopping */
	release_stuck();
	verto_jobs_free(p);
	assert_int_equal(norder + cancelled, 2);
}

static void finished_jobs_not_drained_are_cancelled_at_free(void **state)
{
	verto_jobs_cfg cfg = {.workers = 1, .wake = wake};
	verto_jobs *p;
	(void)state;
	p = new_pool(&cfg);
	assert_int_equal(verto_jobs_submit(p, &job(1, 0)->job), 0);
	wait_wakes(1); /* finished, never drained */
	verto_jobs_free(p);
	assert_int_equal(norder, 0);
	assert_int_equal(cancelled, 1);
}

static void full_queue_refuses_until_drained(void **state)
{
	verto_jobs_cfg cfg = {
			.workers = 1, .max_jobs = 2, .worker_new = w_new, .wake = wake};
	verto_jobs *p;
	tjob *t;
	(void)state;
	p = new_pool(&cfg);
	assert_int_equal(verto_jobs_submit(p, &job(1, 1)->job), 0);
	wait_started(1); /* the only worker is stuck: the rest waits */
	assert_int_equal(verto_jobs_queued(p), 0);
	assert_int_equal(verto_jobs_submit(p, &job(2, 0)->job), 0);
	assert_false(verto_jobs_full(p));
	assert_int_equal(verto_jobs_submit(p, &job(3, 0)->job), 0);
	assert_int_equal(verto_jobs_queued(p), 2);
	assert_true(verto_jobs_full(p));
	t = job(4, 0);
	assert_int_equal(verto_jobs_submit(p, &t->job), VERTO_JOBS_FULL);
	free(t); /* not taken */
	assert_int_equal(verto_jobs_refused(p), 1);
	assert_int_equal(verto_jobs_busy(p), 3);
	release_stuck();
	wait_wakes(3);
	assert_int_equal(verto_jobs_drain(p), 3);
	assert_int_equal(verto_jobs_queued(p), 0);
	assert_false(verto_jobs_full(p));
	assert_int_equal(verto_jobs_submit(p, &job(5, 0)->job), 0);
	wait_wakes(4);
	assert_int_equal(verto_jobs_drain(p), 1);
	assert_int_equal(norder, 4);
	assert_int_equal(order[3], 5);
	assert_int_equal(verto_jobs_refused(p), 1);
	verto_jobs_free(p);
	assert_int_equal(cancelled, 0);
}

static void bad_worker_count_is_refused(void **state)
{
	verto_jobs_cfg cfg = {.workers = 0};
	char err[128];
	(void)state;
	assert_null(verto_jobs_new(&cfg, err, sizeof(err)));
	assert_non_null(strstr(err, "workers"));
	cfg.workers = 65;
	assert_null(verto_jobs_new(&cfg, err, sizeof(err)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(stuck_job_does_not_hold_back_the_others),
			cmocka_unit_test(stopping_cancels_jobs_that_never_ran),
			cmocka_unit_test(finished_jobs_not_drained_are_cancelled_at_free),
			cmocka_unit_test(full_queue_refuses_until_drained),
			cmocka_unit_test(bad_worker_count_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
