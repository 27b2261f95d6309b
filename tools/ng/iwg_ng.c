/*
 * iwg-ng - talk to rtpengine's NG control port from the shell.
 *
 * Sends one NG command over UDP, prints the reply as one line of JSON on
 * stdout. Exit codes: 0 ok, 1 rtpengine answered an error, 2 no valid
 * answer (timeout, unreachable, malformed reply), 64 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "ng/bencode.h"
#include "ng/ng_client.h"

#define EXIT_OK		 0
#define EXIT_REMOTE	 1
#define EXIT_NOREPLY 2
#define EXIT_USAGE	 64

static void usage(FILE *f)
{
	fprintf(f,
			"usage: iwg-ng [options] <command> [args]\n"
			"\n"
			"Send one command to rtpengine's NG control port (UDP) and print "
			"the\n"
			"reply as one line of JSON on stdout.\n"
			"\n"
			"options:\n"
			"  -s, --server HOST:PORT  NG address (default %s:%d); also\n"
			"                          [IPV6]:PORT, HOST (port %d) or PORT\n"
			"  -t, --timeout MS        wait per attempt, ms (default %d)\n"
			"  -r, --retries N         retransmissions after the first send\n"
			"                          (default %d; same cookie, so rtpengine\n"
			"                          answers a repeat from its cache)\n"
			"  -p, --pretty            pretty-print the JSON (several lines)\n"
			"  -h, --help              this text\n"
			"\n"
			"commands:\n"
			"  ping                        exit 0 when the answer is \"pong\"\n"
			"  query <call-id> [from-tag]  call state, streams and counters\n"
			"  list [limit]                call-ids of the active calls\n"
			"  statistics                  global counters\n"
			"  delete <call-id> [from-tag] tear down a call (or one branch)\n"
			"  raw <json-object>           any command: the JSON object is\n"
			"                              sent as the bencoded dictionary;\n"
			"                              strings, integers, arrays and\n"
			"                              objects only, e.g.\n"
			"    iwg-ng raw '{\"command\":\"offer\",\"call-id\":\"c1\","
			"\"from-tag\":\"t1\",\n"
			"                "
			"\"sdp\":\"v=0...\",\"flags\":[\"trust-address\"]}'\n"
			"\n"
			"output: byte strings that are not valid UTF-8 are shown with\n"
			"\\xNN escapes for the offending bytes.\n"
			"\n"
			"exit status:\n"
			"  0   ok (ping: \"pong\")\n"
			"  1   rtpengine answered result \"error\" or \"load limit\";\n"
			"      the error-reason goes to stderr, the reply to stdout\n"
			"  2   no valid answer: timeout, unreachable, unresolvable host,\n"
			"      malformed reply\n"
			"  64  usage error\n",
			NG_DEFAULT_HOST, NG_DEFAULT_PORT, NG_DEFAULT_PORT,
			NG_DEFAULT_TIMEOUT_MS, NG_DEFAULT_RETRIES);
}

static int parse_nonneg(const char *s, long max, long *out)
{
	char *end;
	long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

static int bad_usage(const char *fmt, const char *arg)
{
	fputs("iwg-ng: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n(iwg-ng --help for usage)\n", stderr);
	return EXIT_USAGE;
}

static int print_reply(const bencode_doc *doc, int pretty)
{
	struct json_object *j = bencode_to_json(doc->root);
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE |
				(pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED
						: JSON_C_TO_STRING_PLAIN);

	if (!j) {
		fputs("iwg-ng: cannot convert the reply to JSON\n", stderr);
		return -1;
	}
	puts(json_object_to_json_string_ext(j, flags));
	json_object_put(j);
	return fflush(stdout) ? -1 : 0;
}

/* encode the JSON object text into b; returns 0 or an exit code */
static int encode_raw(const char *text, bencode_buf *b)
{
	enum json_tokener_error jerr;
	struct json_object *j = json_tokener_parse_verbose(text, &jerr);
	int rc = 0;

	if (!j) {
		fprintf(stderr, "iwg-ng: raw: invalid JSON: %s\n",
				json_tokener_error_desc(jerr));
		return EXIT_USAGE;
	}
	if (!json_object_is_type(j, json_type_object)) {
		fputs("iwg-ng: raw: the argument must be a JSON object "
			  "({\"command\": ...})\n",
			  stderr);
		json_object_put(j);
		return EXIT_USAGE;
	}
	if (bencode_put_json(b, j) < 0 || bencode_buf_finish(b) < 0) {
		fprintf(stderr, "iwg-ng: raw: %s\n", b->errstr);
		rc = b->err == BENCODE_ERR_OOM ? EXIT_NOREPLY : EXIT_USAGE;
	}
	json_object_put(j);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
			{"server", required_argument, NULL, 's'},
			{"timeout", required_argument, NULL, 't'},
			{"retries", required_argument, NULL, 'r'},
			{"pretty", no_argument, NULL, 'p'},
			{"help", no_argument, NULL, 'h'},
			{NULL, 0, NULL, 0},
	};
	const char *server = NULL, *cmd;
	char host[256];
	unsigned short port;
	long timeout = NG_DEFAULT_TIMEOUT_MS, retries = NG_DEFAULT_RETRIES;
	long limit = -1;
	int pretty = 0, opt, nargs, rc, ex;
	bencode_doc *reply = NULL;
	bencode_buf raw;
	ng_client *c;

	while ((opt = getopt_long(argc, argv, "+s:t:r:ph", longopts, NULL)) != -1) {
		switch (opt) {
		case 's':
			server = optarg;
			break;
		case 't':
			if (parse_nonneg(optarg, 3600000, &timeout) || timeout == 0)
				return bad_usage("bad timeout \"%s\" (ms, 1..3600000)", optarg);
			break;
		case 'r':
			if (parse_nonneg(optarg, 100, &retries))
				return bad_usage("bad retries \"%s\" (0..100)", optarg);
			break;
		case 'p':
			pretty = 1;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			fputs("(iwg-ng --help for usage)\n", stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return bad_usage("%s", "missing command");
	cmd = argv[optind];
	nargs = argc - optind - 1;

	if (server) {
		if (ng_parse_hostport(server, host, sizeof(host), &port) < 0)
			return bad_usage("bad server address \"%s\"", server);
	} else {
		snprintf(host, sizeof(host), "%s", NG_DEFAULT_HOST);
		port = NG_DEFAULT_PORT;
	}

	/* check the arguments before touching the network */
	bencode_buf_init(&raw);
	if (!strcmp(cmd, "ping") || !strcmp(cmd, "statistics")) {
		if (nargs != 0)
			return bad_usage("%s takes no argument", cmd);
	} else if (!strcmp(cmd, "query") || !strcmp(cmd, "delete")) {
		if (nargs < 1 || nargs > 2 || !*argv[optind + 1])
			return bad_usage("usage: %s <call-id> [from-tag]", cmd);
	} else if (!strcmp(cmd, "list")) {
		if (nargs > 1)
			return bad_usage("%s", "usage: list [limit]");
		if (nargs == 1 && parse_nonneg(argv[optind + 1], 1000000000L, &limit))
			return bad_usage("bad list limit \"%s\"", argv[optind + 1]);
	} else if (!strcmp(cmd, "raw")) {
		if (nargs != 1)
			return bad_usage("%s", "usage: raw <json-object>");
		ex = encode_raw(argv[optind + 1], &raw);
		if (ex) {
			bencode_buf_free(&raw);
			return ex;
		}
	} else {
		return bad_usage("unknown command \"%s\"", cmd);
	}

	c = ng_client_new(host, port, (int)timeout, (int)retries);
	if (!c) {
		fputs("iwg-ng: out of memory\n", stderr);
		bencode_buf_free(&raw);
		return EXIT_NOREPLY;
	}
	if (c->err) {
		fprintf(stderr, "iwg-ng: %s\n", c->errstr);
		ng_client_free(c);
		bencode_buf_free(&raw);
		return EXIT_NOREPLY;
	}

	if (!strcmp(cmd, "ping"))
		rc = ng_ping(c, &reply);
	else if (!strcmp(cmd, "statistics"))
		rc = ng_statistics(c, &reply);
	else if (!strcmp(cmd, "query"))
		rc = ng_query(c, argv[optind + 1], nargs > 1 ? argv[optind + 2] : NULL,
					  &reply);
	else if (!strcmp(cmd, "delete"))
		rc = ng_delete(c, argv[optind + 1], nargs > 1 ? argv[optind + 2] : NULL,
					   &reply);
	else if (!strcmp(cmd, "list"))
		rc = ng_list(c, limit, &reply);
	else
		rc = ng_request_buf(c, &raw, &reply);

	switch (rc) {
	case NG_OK:
		ex = EXIT_OK;
		break;
	case NG_ERR_REMOTE:
		fprintf(stderr, "iwg-ng: %s: rtpengine %s\n", cmd, c->errstr);
		ex = EXIT_REMOTE;
		break;
	default:
		fprintf(stderr, "iwg-ng: %s: %s\n", cmd, c->errstr);
		ex = EXIT_NOREPLY;
		break;
	}
	if (reply && print_reply(reply, pretty) < 0 && ex == EXIT_OK)
		ex = EXIT_NOREPLY;
	bencode_doc_free(reply);
	ng_client_free(c);
	bencode_buf_free(&raw);
	return ex;
}
