/*
 * main.c - iwg-admind: command line, configuration, start and stop.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admind.h"
#include "auth.h"
#include "backend.h"
#include "log.h"
#include "sampler.h"

#define DEFAULT_CONF "/etc/iwg/iwg-admind.conf"

static void usage(FILE *f)
{
	fprintf(f, "usage: iwg-admind [-c FILE] [-t]\n"
			   "       iwg-admind --hash-key < keyfile\n"
			   "\n"
			   "REST monitoring and admin daemon of the iwg gateway.\n"
			   "\n"
			   "  -c, --config FILE  configuration (default " DEFAULT_CONF ")\n"
			   "  -t, --check        check the configuration and exit\n"
			   "      --hash-key     read an API key on stdin, print the\n"
			   "                     SHA-256 hex to put in an api_key line\n"
			   "  -h, --help         this text\n");
}

static int hash_key_stdin(void)
{
	char line[1024], hex[65];
	size_t n;

	if (!fgets(line, sizeof(line), stdin)) {
		log_err("no key on stdin");
		return 1;
	}
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	if (n == 0 || n > AUTH_KEY_MAX) {
		log_err("a key is 1-%d printable bytes", AUTH_KEY_MAX);
		return 1;
	}
	auth_hash_hex(line, n, hex);
	printf("%s\n", hex);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {{"config", 1, NULL, 'c'},
										 {"check", 0, NULL, 't'},
										 {"hash-key", 0, NULL, 'H'},
										 {"help", 0, NULL, 'h'},
										 {NULL, 0, NULL, 0}};
	const char *path = DEFAULT_CONF;
	static admind_app app;
	char err[512];
	sigset_t set;
	int ch, check = 0, sig = 0;

	while ((ch = getopt_long(argc, argv, "c:th", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 't':
			check = 1;
			break;
		case 'H':
			return hash_key_stdin();
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	conf_defaults(&app.conf);
	if (conf_load_file(&app.conf, path, err, sizeof(err)) < 0) {
		log_err("%s", err);
		return 1;
	}
	if (cred_load(&app.cred, &app.conf, path, err, sizeof(err)) < 0) {
		log_err("%s", err);
		return 1;
	}
	if (check) {
		printf("iwg-admind: %s: configuration OK\n", path);
		return 0;
	}
	if (app.conf.n_keys == 0)
		log_warn("no api_key configured; only /healthz and /readyz will "
				 "answer");
	app.routes = routes_table;
	app.n_routes = routes_count;
	app.started = admind_now();
	app.metrics = metrics_new(app.n_routes);
	app.rl_key = ratelimit_new(app.conf.rate_key, app.conf.burst_key, 1024);
	app.rl_addr = ratelimit_new(app.conf.rate_addr, app.conf.burst_addr, 65536);
	app.rl_cred = ratelimit_new(app.conf.credential_rate,
								app.conf.credential_burst, 1024);
	if (!app.metrics || !app.rl_key || !app.rl_addr || !app.rl_cred ||
		reply_csp_init(&app) < 0 || res_static_init(&app) < 0 ||
		backend_global_init() < 0) {
		log_err("out of memory at start");
		return 1;
	}
	/* the MHD threads inherit this mask; signals come to sigwait() */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (sampler_start(&app) < 0) {
		log_err("cannot start the sampler thread");
		return 1;
	}
	if (http_start(&app, err, sizeof(err)) < 0) {
		log_err("%s", err);
		return 1;
	}
	/* serving: log lines carry the time and level from here */
	log_start();
	log_info("version %s, listening on %s://%s%s%s:%u", ADMIND_VERSION,
			 app.conf.tls_cert[0] ? "https" : "http",
			 strchr(app.conf.listen_addr, ':') ? "[" : "", app.conf.listen_addr,
			 strchr(app.conf.listen_addr, ':') ? "]" : "",
			 app.conf.listen_port);
	while (sigwait(&set, &sig) != 0 || (sig != SIGINT && sig != SIGTERM))
		;
	log_info("signal %d, stopping", sig);
	http_stop(&app);
	sampler_stop(&app);
	backend_global_cleanup();
	ratelimit_free(app.rl_key);
	ratelimit_free(app.rl_addr);
	ratelimit_free(app.rl_cred);
	cred_load_free(&app.cred);
	metrics_free(app.metrics);
	free(app.csp);
	free(app.web_root);
	return 0;
}
