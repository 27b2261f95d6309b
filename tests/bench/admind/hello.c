/*
 * hello.c - the bare libmicrohttpd baseline for the iwg-admind benchmark:
 * every request gets the same small JSON body, with the same threading
 * model as iwg-admind (internal polling thread pool). Usage: hello PORT
 * THREADS. Stops on SIGINT/SIGTERM.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

static const char body[] = "{\"status\":\"ok\"}\n";

static enum MHD_Result answer(void *cls, struct MHD_Connection *c,
							  const char *url, const char *method,
							  const char *version, const char *upload,
							  size_t *upload_size, void **ctx)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	(void)cls;
	(void)url;
	(void)method;
	(void)version;
	(void)upload;
	(void)upload_size;
	/* answer on the second call, like libmicrohttpd's examples and
	 * iwg-admind: a response queued on the first call makes libmicrohttpd
	 * close the connection */
	if (!*ctx) {
		*ctx = (void *)1;
		return MHD_YES;
	}
	r = MHD_create_response_from_buffer(sizeof(body) - 1, (void *)body,
										MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Content-Type", "application/json");
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

int main(int argc, char **argv)
{
	struct MHD_Daemon *d;
	sigset_t set;
	int sig;

	if (argc != 3)
		return 2;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO,
						 (unsigned short)atoi(argv[1]), NULL, NULL, answer,
						 NULL, MHD_OPTION_THREAD_POOL_SIZE,
						 (unsigned int)atoi(argv[2]), MHD_OPTION_END);
	if (!d)
		return 1;
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	return 0;
}
