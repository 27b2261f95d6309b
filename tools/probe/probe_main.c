/*
 * iwg-probe - a WebRTC endpoint emulator: synthetic calls through the
 * gateway with SIP over WebSocket, ICE, DTLS-SRTP and a 20 ms A-law
 * stream, measuring setup, DTLS, loss, jitter and echo integrity.
 *
 * One event loop (epoll) drives every call. Output: one JSON line per call
 * (always for a single call, with --per-call in load mode) and a summary
 * line in load mode. Exit status: 0 every call passed, 1 a call failed or
 * a threshold was missed, 2 setup error, 64 usage.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/resource.h>

#include <openssl/ssl.h>

#include "ng/ng_client.h"

#include "probe_call.h"

#define EXIT_PASS  0
#define EXIT_FAIL  1
#define EXIT_SETUP 2
#define EXIT_USAGE 64

#define MAX_HEADERS		 8	  /* --header options */
#define MAX_HEADER_BYTES 4096 /* all of them, with CRLFs */
#define MAX_USER		 512  /* --user */

enum { EV_WS = 0, EV_MEDIA, EV_ECHO };

typedef struct ev_ref {
	int kind;
	probe_call *call;
} ev_ref;

typedef struct run_opts {
	probe_cfg cfg;
	int calls;
	double cps;
	double max_loss;
	int echo;
	int per_call;
	int one_conn;	/* --one-connection */
	int tls_resume; /* --tls-resume */
	int nheaders;
	char headers[MAX_HEADER_BYTES]; /* --header lines, CRLF after each */
	probe_opus_frames *opus;		/* owned */
} run_opts;

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
			"usage: iwg-probe [options]\n"
			"\n"
			"Make synthetic WebRTC calls through the gateway (SIP over "
			"WebSocket,\n"
			"ICE, DTLS-SRTP, 20 ms PCMA or Opus) or straight through rtpengine "
			"(--ng).\n"
			"\n"
			"signaling (one of):\n"
			"  -w, --ws URL          ws://HOST:PORT[/path] or wss://... "
			"(default\n"
			"                        ws://127.0.0.1:8080)\n"
			"  -g, --ng HOST:PORT    no SIP: offer/answer with rtpengine's NG\n"
			"                        port, the SIP side is an RTP echo in "
			"the probe\n"
			"options:\n"
			"  -t, --to USER         callee user (default echo)\n"
			"  -f, --from USER       caller user (default probe)\n"
			"  -D, --domain DOMAIN   SIP domain (default iwg.test)\n"
			"  -R, --register        REGISTER before calling\n"
			"  -u, --user NAME       digest username (default: the --from "
			"user)\n"
			"  -P, --password PW     answer 401/407 challenges of REGISTER "
			"and\n"
			"                        INVITE with digest credentials (MD5)\n"
			"  -H, --header 'N: V'   header line for REGISTER and INVITE "
			"(up to %d)\n"
			"  -a, --answer          REGISTER, then wait for one INVITE per "
			"call\n"
			"  -l, --local-ip IP     media address (default 127.0.0.1)\n"
			"  -d, --duration SEC    media time per call (default 3)\n"
			"  -T, --timeout SEC     setup time limit (default 10)\n"
			"  -n, --calls N         calls (default 1: a single NOC check)\n"
			"  -r, --rate CPS        calls started per second (default 10)\n"
			"  -e, --echo            the far end echoes: check the payloads\n"
			"  -L, --max-loss PCT    loss above this fails (default 0.5)\n"
			"  -c, --codec NAME      PCMA (default) or opus: what the probe "
			"offers\n"
			"                        and sends (an answer takes the offer's)\n"
			"  -x, --transcode CODEC NG mode: codec the SIP side is offered\n"
			"  -p, --per-call        load mode: one JSON line per call too\n"
			"  -o, --one-connection  every call over one WebSocket (registered "
			"once\n"
			"                        with --register or --answer), as a "
			"browser tab\n"
			"                        does; with --answer the calls wait "
			"there\n"
			"                        for INVITEs, at most a second's worth "
			"at once\n"
			"  -S, --tls-resume      each new wss connection resumes the TLS "
			"session\n"
			"                        of the previous one (ticket or ID)\n"
			"  -h, --help            this text\n"
			"\n"
			"exit status: 0 pass, 1 a call failed or missed a threshold, 2 "
			"setup\n"
			"error, 64 usage\n",
			MAX_HEADERS);
}

/* 1 when s holds a control character other than tab (CR, LF, ...) */
static int has_ctl(const char *s)
{
	for (; *s; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			return 1;
	return 0;
}

/* --header "Name: value": checked and added to o->headers; 0 or -1 */
static int add_header(run_opts *o, const char *h)
{
	size_t name = strcspn(h, ":"), len = strlen(h), used = strlen(o->headers);
	size_t i;

	if (has_ctl(h)) {
		fprintf(stderr, "iwg-probe: --header: no CR, LF or other control "
						"characters\n");
		return -1;
	}
	for (i = 0; i < name; i++)
		if (!strchr("-.!%*_+`'~", h[i]) && !isalnum((unsigned char)h[i]))
			break;
	if (!name || i < name || name == len) {
		fprintf(stderr, "iwg-probe: --header: '%s' is not 'Name: value'\n", h);
		return -1;
	}
	if (o->nheaders == MAX_HEADERS || used + len + 3 > sizeof(o->headers)) {
		fprintf(stderr, "iwg-probe: --header: at most %d, %d bytes in all\n",
				MAX_HEADERS, MAX_HEADER_BYTES - 1);
		return -1;
	}
	snprintf(o->headers + used, sizeof(o->headers) - used, "%s\r\n", h);
	o->nheaders++;
	o->cfg.extra_headers = o->headers;
	return 0;
}

static int parse_opts(int argc, char **argv, run_opts *o)
{
	static const struct option lo[] = {
			{"ws", 1, NULL, 'w'},		  {"ng", 1, NULL, 'g'},
			{"to", 1, NULL, 't'},		  {"from", 1, NULL, 'f'},
			{"domain", 1, NULL, 'D'},	  {"register", 0, NULL, 'R'},
			{"answer", 0, NULL, 'a'},	  {"local-ip", 1, NULL, 'l'},
			{"duration", 1, NULL, 'd'},	  {"timeout", 1, NULL, 'T'},
			{"calls", 1, NULL, 'n'},	  {"rate", 1, NULL, 'r'},
			{"echo", 0, NULL, 'e'},		  {"max-loss", 1, NULL, 'L'},
			{"transcode", 1, NULL, 'x'},  {"per-call", 0, NULL, 'p'},
			{"codec", 1, NULL, 'c'},	  {"help", 0, NULL, 'h'},
			{"user", 1, NULL, 'u'},		  {"password", 1, NULL, 'P'},
			{"header", 1, NULL, 'H'},	  {"one-connection", 0, NULL, 'o'},
			{"tls-resume", 0, NULL, 'S'}, {NULL, 0, NULL, 0}};
	char *end;
	int ch;

	memset(o, 0, sizeof(*o));
	o->cfg.ws_url = "ws://127.0.0.1:8080";
	o->cfg.domain = "iwg.test";
	o->cfg.from_user = "probe";
	o->cfg.to_user = "echo";
	o->cfg.local_ip = "127.0.0.1";
	o->cfg.duration_s = 3;
	o->cfg.setup_timeout_s = 10;
	o->calls = 1;
	o->cps = 10;
	o->max_loss = 0.5;
	while ((ch = getopt_long(argc, argv,
							 "w:g:t:f:D:Ral:d:T:n:r:eL:x:c:phu:P:H:oS", lo,
							 NULL)) != -1) {
		double v = 0;
		if (optarg && strchr("dTnrL", ch)) {
			errno = 0;
			v = strtod(optarg, &end);
			if (errno || *end || v < 0 || !isfinite(v)) {
				fprintf(stderr, "iwg-probe: -%c: '%s' is not a number\n", ch,
						optarg);
				return -1;
			}
		}
		switch (ch) {
		case 'w':
			o->cfg.ws_url = optarg;
			break;
		case 'g':
			o->cfg.ng_addr = optarg;
			break;
		case 't':
			o->cfg.to_user = optarg;
			break;
		case 'f':
			o->cfg.from_user = optarg;
			break;
		case 'D':
			o->cfg.domain = optarg;
			break;
		case 'R':
			o->cfg.do_register = 1;
			break;
		case 'a':
			o->cfg.answer = 1;
			break;
		case 'l':
			o->cfg.local_ip = optarg;
			break;
		case 'd':
			o->cfg.duration_s = v;
			break;
		case 'T':
			o->cfg.setup_timeout_s = v;
			break;
		case 'n':
			if (v < 1 || v > 100000 || v != floor(v)) {
				fprintf(stderr, "iwg-probe: -n: 1..100000 calls\n");
				return -1;
			}
			o->calls = (int)v;
			break;
		case 'r':
			if (v <= 0) {
				fprintf(stderr, "iwg-probe: -r: rate must be above 0\n");
				return -1;
			}
			o->cps = v;
			break;
		case 'e':
			o->echo = 1;
			break;
		case 'L':
			o->max_loss = v;
			break;
		case 'x':
			o->cfg.transcode = optarg;
			break;
		case 'c':
			if (probe_codec_by_name(optarg, &o->cfg.codec) < 0) {
				fprintf(stderr, "iwg-probe: -c: '%s': PCMA or opus\n", optarg);
				return -1;
			}
			break;
		case 'p':
			o->per_call = 1;
			break;
		case 'o':
			o->one_conn = 1;
			break;
		case 'S':
			o->tls_resume = 1;
			break;
		case 'u':
			if (!optarg[0] || strlen(optarg) > MAX_USER || has_ctl(optarg)) {
				fprintf(stderr,
						"iwg-probe: -u: 1..%d characters, no control "
						"characters\n",
						MAX_USER);
				return -1;
			}
			o->cfg.auth_user = optarg;
			break;
		case 'P':
			o->cfg.password = optarg;
			break;
		case 'H':
			if (add_header(o, optarg) < 0)
				return -1;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_PASS);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "iwg-probe: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (o->cfg.ng_addr && (o->cfg.answer || o->cfg.do_register)) {
		fprintf(stderr, "iwg-probe: --ng has no SIP: no --register/--answer\n");
		return -1;
	}
	if (o->cfg.ng_addr && (o->cfg.password || o->nheaders)) {
		fprintf(stderr, "iwg-probe: --ng has no SIP: no --password/--header\n");
		return -1;
	}
	if (o->one_conn && o->cfg.ng_addr) {
		fprintf(stderr, "iwg-probe: --one-connection places calls over "
						"--ws: no --ng\n");
		return -1;
	}
	if (o->cfg.auth_user && !o->cfg.password) {
		fprintf(stderr, "iwg-probe: --user goes with --password\n");
		return -1;
	}
	return 0;
}

static int ev_add(int ep, int fd, uint32_t events, ev_ref *ref)
{
	struct epoll_event e = {.events = events, .data.ptr = ref};
	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
}

/*
 * Echo frames that may differ: none for PCMA (byte for byte); for Opus
 * (tone check after decoding) 2 plus 1 % of the frames, since transcoders
 * on the way smear the first and last frames of a call.
 */
static uint64_t echo_mismatch_allowed(const probe_call *c)
{
	if (c->media.codec != PROBE_CODEC_OPUS)
		return 0;
	return 2 + c->media.received / 100;
}

/* a call passed: finished its talk without error within the limits */
static int call_passed(const run_opts *o, const probe_call *c)
{
	if (c->state != PROBE_CALL_DONE || !c->media.sent)
		return 0;
	if (probe_call_loss_pct(c) > o->max_loss)
		return 0;
	if (o->echo && (c->media.echo_mismatch > echo_mismatch_allowed(c) ||
					!c->media.echo_match))
		return 0;
	return 1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void print_dist(const char *name, double *v, size_t n)
{
	double sum = 0;
	size_t i;

	if (!n) {
		printf(",\"%s\":null", name);
		return;
	}
	qsort(v, n, sizeof(*v), cmp_double);
	for (i = 0; i < n; i++)
		sum += v[i];
	printf(",\"%s\":{\"avg\":%.2f,\"p50\":%.2f,\"p95\":%.2f,\"max\":%.2f}",
		   name, sum / (double)n, v[n / 2], v[(size_t)((double)(n - 1) * 0.95)],
		   v[n - 1]);
}

static void print_summary(const run_opts *o, probe_call *calls, int n, int peak,
						  double wall_s, const probe_call *line)
{
	double *setup = calloc((size_t)n + 1, sizeof(double));
	double *dtls = calloc((size_t)n + 1, sizeof(double));
	unsigned long long sent = 0, recv = 0, mism = 0, exp_rx = 0, got_rx = 0;
	double jit = 0, max_loss = 0;
	size_t ns = 0, nd = 0;
	int ok = 0, passed = 0, failed = 0, talked = 0, resumed = 0, i;
	int64_t first = 0, last = 0;
	struct rusage ru;

	for (i = 0; i < n; i++) {
		probe_call *c = &calls[i];
		if (c->state == PROBE_CALL_DONE) {
			ok++;
			sent += c->media.sent;
			recv += c->media.received;
			mism += c->media.echo_mismatch;
			exp_rx += probe_rtp_stats_expected(&c->media.stats);
			got_rx += c->media.stats.received;
			jit += probe_call_jitter_ms(c);
			if (probe_call_loss_pct(c) > max_loss)
				max_loss = probe_call_loss_pct(c);
		} else {
			failed++;
		}
		passed += call_passed(o, c);
		resumed += c->tls_resumed;
		if (c->t_talk) {
			/* calls brought to media per second of the run */
			talked++;
			if (!first || c->t_start < first)
				first = c->t_start;
			if (c->t_talk > last)
				last = c->t_talk;
		}
		if (setup && c->t_answer)
			setup[ns++] = (double)(c->t_answer - c->t_invite) / 1000.0;
		if (dtls && c->media.t_dtls_done)
			dtls[nd++] =
					(double)(c->media.t_dtls_done - c->media.t_dtls_start) /
					1000.0;
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("{\"mode\":\"load\",\"calls\":%d,\"completed\":%d,\"failed\":%d,"
		   "\"passed\":%d,\"peak_concurrent\":%d,\"rate_cps\":%.2f,"
		   "\"duration_s\":%.2f,\"wall_s\":%.2f,\"connections\":%d,"
		   "\"tls_resumed\":%d",
		   n, ok, failed, passed, peak, o->cps, o->cfg.duration_s, wall_s,
		   o->one_conn ? 1 : n, resumed);
	if (line)
		printf(",\"unparsable_sip\":%lu", line->unparsable);
	print_dist("setup_ms", setup, ns);
	print_dist("dtls_ms", dtls, nd);
	printf(",\"setups_per_s\":%.1f",
		   talked > 1 && last > first
				   ? (double)talked * 1e6 / (double)(last - first)
				   : 0.0);
	printf(",\"sent\":%llu,\"received\":%llu,\"loss_pct\":%.3f,"
		   "\"max_call_loss_pct\":%.3f,\"jitter_ms_avg\":%.3f,"
		   "\"rx_gap_pct\":%.3f,\"echo_mismatch\":%llu,"
		   "\"probe_cpu_s\":%.3f}\n",
		   sent, recv,
		   sent ? 100.0 * (double)(sent > recv ? sent - recv : 0) / (double)sent
				: 100.0,
		   max_loss, ok ? jit / ok : 0.0,
		   exp_rx > got_rx ? 100.0 * (double)(exp_rx - got_rx) / (double)exp_rx
						   : 0.0,
		   mism,
		   (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
				   ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) /
						   1e6);
	free(setup);
	free(dtls);
}

static int setup_globals(run_opts *o)
{
	char err[160];
	uint32_t seed;

	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = (uint32_t)getpid() ^ (uint32_t)probe_now_us();
	srandom(seed);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (probe_srtp_global_init() < 0) {
		fprintf(stderr, "iwg-probe: libsrtp2 initialisation failed\n");
		return -1;
	}
	o->cfg.dtls = probe_dtls_ctx_new(err, sizeof(err));
	if (!o->cfg.dtls) {
		fprintf(stderr, "iwg-probe: DTLS: %s\n", err);
		return -1;
	}
	/* Opus when asked for, and for answers: the gateway offers browsers
	 * Opus only */
	o->cfg.check_echo = o->echo;
	if (o->cfg.codec == PROBE_CODEC_OPUS || o->cfg.answer) {
		o->opus = probe_opus_frames_new(err, sizeof(err));
		if (!o->opus) {
			fprintf(stderr, "iwg-probe: %s\n", err);
			return -1;
		}
		o->cfg.opus = o->opus;
	}
	o->cfg.tls = SSL_CTX_new(TLS_client_method());
	if (!o->cfg.tls) {
		fprintf(stderr, "iwg-probe: cannot create the TLS context\n");
		return -1;
	}
	/* the gateway's certificate is self-signed in tests and local runs */
	SSL_CTX_set_verify(o->cfg.tls, SSL_VERIFY_NONE, NULL);
	if (o->tls_resume && probe_wsconn_tls_resume(o->cfg.tls) < 0) {
		fprintf(stderr, "iwg-probe: cannot keep TLS sessions\n");
		return -1;
	}
	if (o->cfg.ng_addr) {
		char host[128];
		unsigned short port;
		if (ng_parse_hostport(o->cfg.ng_addr, host, sizeof(host), &port) < 0) {
			fprintf(stderr, "iwg-probe: --ng: bad address '%s'\n",
					o->cfg.ng_addr);
			return -1;
		}
		o->cfg.ng = ng_client_new(host, port, 1000, 2);
		if (!o->cfg.ng || o->cfg.ng->err) {
			fprintf(stderr, "iwg-probe: --ng: %s\n",
					o->cfg.ng ? o->cfg.ng->errstr : "out of memory");
			return -1;
		}
	}
	return 0;
}

static void start_call(run_opts *o, probe_call *c, ev_ref *refs, int id, int ep,
					   probe_call *line, int64_t now)
{
	if (line)
		probe_call_start_on(c, id, &o->cfg, line, now);
	else
		probe_call_start(c, id, &o->cfg, now);
	refs[0] = (ev_ref){EV_WS, c};
	refs[1] = (ev_ref){EV_MEDIA, c};
	refs[2] = (ev_ref){EV_ECHO, c};
	if (c->ws.fd >= 0)
		ev_add(ep, c->ws.fd, EPOLLIN | EPOLLOUT, &refs[0]);
	if (c->media.fd > 0)
		ev_add(ep, c->media.fd, EPOLLIN, &refs[1]);
	if (c->echo.fd > 0)
		ev_add(ep, c->echo.fd, EPOLLIN, &refs[2]);
}

static void on_event(int ep, ev_ref *r, int64_t now)
{
	probe_call *c = r->call;

	if (probe_call_finished(c))
		return;
	switch (r->kind) {
	case EV_WS:
		if (c->ws.fd < 0)
			return;
		probe_call_on_ws(c, now);
		if (c->ws.fd >= 0 && !probe_wsconn_wants_write(&c->ws)) {
			struct epoll_event e = {.events = EPOLLIN, .data.ptr = r};
			epoll_ctl(ep, EPOLL_CTL_MOD, c->ws.fd, &e);
		}
		break;
	case EV_MEDIA:
		probe_media_on_readable(&c->media, now);
		break;
	default:
		probe_media_on_readable(&c->echo, now);
		break;
	}
}

/*
 * --one-connection: open the shared WebSocket into line (and register),
 * driving it until it carries calls. Returns 0, or -1 with the reason
 * printed.
 */
static int open_line(run_opts *o, probe_call *line, probe_route *route,
					 ev_ref *ref, int ep)
{
	struct epoll_event evs[4];
	int64_t now = probe_now_us();
	int i, n;

	if (probe_route_init(route, (size_t)o->calls) < 0) {
		fprintf(stderr, "iwg-probe: out of memory\n");
		return -1;
	}
	*ref = (ev_ref){EV_WS, line};
	if (probe_call_start_line(line, &o->cfg, route, now) == 0)
		ev_add(ep, line->ws.fd, EPOLLIN | EPOLLOUT, ref);
	while (!probe_call_finished(line) && !probe_call_line_ready(line) &&
		   !stop_requested) {
		n = epoll_wait(ep, evs, 4, 2);
		now = probe_now_us();
		for (i = 0; i < n; i++)
			on_event(ep, evs[i].data.ptr, now);
		probe_call_tick(line, now);
	}
	if (probe_call_line_ready(line))
		return 0;
	fprintf(stderr, "iwg-probe: the shared WebSocket failed: %s\n",
			line->reason[0] ? line->reason : "interrupted");
	return -1;
}

/*
 * Once the shared connection is over, take its socket out of epoll (it would
 * be readable for ever) and close it; its calls fail at their next tick.
 */
static void close_line(int ep, probe_call *line)
{
	if (!probe_call_finished(line) || line->ws.fd < 0)
		return;
	fprintf(stderr, "iwg-probe: the shared WebSocket failed: %s\n",
			line->reason);
	epoll_ctl(ep, EPOLL_CTL_DEL, line->ws.fd, NULL);
	probe_wsconn_close(&line->ws);
}

static int run(run_opts *o)
{
	probe_call *calls = calloc((size_t)o->calls, sizeof(*calls));
	ev_ref *refs = calloc((size_t)o->calls * 3, sizeof(*refs));
	char *closed = calloc((size_t)o->calls, 1);
	struct epoll_event evs[256];
	int ep = epoll_create1(EPOLL_CLOEXEC);
	int started = 0, done = 0, peak = 0, passed = 0, i;
	int64_t t0, now;
	probe_call line_call, *line = NULL;
	probe_route route;
	ev_ref line_ref;

	if (!calls || !refs || !closed || ep < 0) {
		fprintf(stderr, "iwg-probe: out of memory or no epoll\n");
		return EXIT_SETUP;
	}
	if (o->one_conn) {
		/* freed whatever open_line() reaches */
		memset(&line_call, 0, sizeof(line_call));
		line_call.ws.fd = line_call.media.fd = line_call.echo.fd = -1;
		line = &line_call;
		if (open_line(o, line, &route, &line_ref, ep) < 0) {
			probe_call_free(line);
			probe_route_free(&route);
			return EXIT_FAIL;
		}
	}
	t0 = probe_now_us();
	while (done < o->calls) {
		int n, talking = 0;
		now = probe_now_us();
		/* answering on one connection: the caller sets the pace; keep up
		 * to a second's worth of calls (at least 16) waiting for INVITEs */
		while (started < o->calls && !stop_requested &&
			   (line && o->cfg.answer
						? route.nwaiting < (size_t)(o->cps > 16 ? o->cps : 16)
						: now >= t0 + (int64_t)(1e6 * started / o->cps))) {
			start_call(o, &calls[started], &refs[3 * started], started, ep,
					   line, now);
			started++;
		}
		n = epoll_wait(ep, evs, 256, 2);
		now = probe_now_us();
		for (i = 0; i < n; i++)
			on_event(ep, evs[i].data.ptr, now);
		for (i = 0; i < started; i++) {
			probe_call *c = &calls[i];
			if (closed[i])
				continue;
			if (stop_requested)
				probe_call_hangup(c, now);
			probe_call_tick(c, now);
			talking += c->state == PROBE_CALL_TALKING;
			if (probe_call_finished(c)) {
				probe_call_free(c);
				closed[i] = 1;
				done++;
				if (o->calls == 1 || o->per_call) {
					probe_call_print_json(c, stdout);
					putchar('\n');
					fflush(stdout);
				}
			}
		}
		if (line) {
			probe_call_tick(line, now);
			close_line(ep, line);
		}
		if (talking > peak)
			peak = talking;
		if (stop_requested && started < o->calls) {
			/* never started: count them as done */
			done += o->calls - started;
			o->calls = started;
		}
	}
	for (i = 0; i < o->calls; i++)
		passed += call_passed(o, &calls[i]);
	if (o->calls > 1 || o->per_call)
		print_summary(o, calls, o->calls, peak,
					  (double)(probe_now_us() - t0) / 1e6, line);
	if (line) {
		probe_call_free(line);
		probe_route_free(&route);
	}
	close(ep);
	free(calls);
	free(refs);
	free(closed);
	return passed == o->calls && o->calls > 0 ? EXIT_PASS : EXIT_FAIL;
}

int main(int argc, char **argv)
{
	run_opts o;
	int rc;

	if (parse_opts(argc, argv, &o) < 0)
		return EXIT_USAGE;
	if (setup_globals(&o) < 0)
		return EXIT_SETUP;
	rc = run(&o);
	ng_client_free(o.cfg.ng);
	SSL_CTX_free(o.cfg.tls);
	probe_dtls_ctx_free(o.cfg.dtls);
	probe_opus_frames_free(o.opus);
	return rc;
}
