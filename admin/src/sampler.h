/*
 * sampler.h - the thread that samples the nodes into app->series every
 * series_interval seconds (sampler.c says which figures and how).
 */
#ifndef IWG_ADMIND_SAMPLER_H
#define IWG_ADMIND_SAMPLER_H

#include "admind.h"

/*
 * Make app->series (series_points samples) and start the thread; it takes
 * its first sample at once. Returns 0, or -1 (out of memory, no thread).
 */
int sampler_start(admind_app *app);

/* Stop the thread (at once, not after the interval) and free the series. */
void sampler_stop(admind_app *app);

#endif
