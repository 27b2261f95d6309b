/*
 * iwg-hdrmed-lint - check iwg_hdrmed rule files with the module's own
 * parser, and optionally show what a profile does to a SIP message.
 *
 *   iwg-hdrmed-lint [-q] FILE...
 *   iwg-hdrmed-lint -m MESSAGE [-d in|out] [-s SOURCE-IP] FILE
 *   iwg-hdrmed-lint -m MESSAGE -b N [-d in|out] FILE   (time N runs)
 *
 * Exit status: 0 all files valid, 1 a file has an error (printed as
 * FILE:LINE: reason), 2 usage error or unreadable/unparsable message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../modules/iwg_hdrmed/hdrmed_engine.h"
#include "../../modules/iwg_hdrmed/hdrmed_msg.h"
#include "../../modules/iwg_hdrmed/hdrmed_rules.h"

static void usage(void)
{
	fprintf(stderr,
			"usage: iwg-hdrmed-lint [-q] FILE...\n"
			"       iwg-hdrmed-lint -m MESSAGE [-b N] [-d in|out] [-s IP] "
			"FILE\n"
			"Checks iwg_hdrmed rule files; with -m, prints MESSAGE as the\n"
			"profile in FILE rewrites it for direction -d (default out)\n"
			"and source address -s; with -b, times N parse+apply+print\n"
			"runs instead and prints the cost per message.\n");
}

static char *slurp(const char *path, int *len)
{
	FILE *f = fopen(path, "rb");
	char *b;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || n > 1 << 20 ||
		fseek(f, 0, SEEK_SET) != 0 || !(b = malloc(n + 1))) {
		fclose(f);
		return NULL;
	}
	if (fread(b, 1, n, f) != (size_t)n) {
		fclose(f);
		free(b);
		return NULL;
	}
	fclose(f);
	*len = (int)n;
	return b;
}

/* one parse + apply + print; returns the printed message or NULL */
static char *once(struct hdrmed_ruleset *rs, const char *buf, int len,
				  const struct hdrmed_ctx *ctx, int *olen)
{
	struct hdrmed_msg m;
	char err[128], *out = NULL;

	if (hdrmed_msg_parse(&m, buf, len, err, sizeof(err)) == 0 &&
		hdrmed_engine_apply(rs, &m, ctx) >= 0)
		out = hdrmed_msg_print(&m, olen);
	hdrmed_msg_free(&m);
	return out;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void bench(struct hdrmed_ruleset *rs, const char *buf, int len,
				  const struct hdrmed_ctx *ctx, long n)
{
	double t0 = now_ns();
	long i;
	int olen;

	for (i = 0; i < n; i++)
		free(once(rs, buf, len, ctx, &olen));
	printf("%ld messages, %.0f ns per message\n", n, (now_ns() - t0) / n);
}

static int apply(struct hdrmed_ruleset *rs, const char *msgfile, int dir,
				 const char *src, long n)
{
	struct hdrmed_ctx ctx = {.dir = dir, .src_ip = src};
	struct hdrmed_msg m;
	char err[128], *buf, *out;
	int len, olen;

	if (!(buf = slurp(msgfile, &len))) {
		fprintf(stderr, "%s: cannot read\n", msgfile);
		return 2;
	}
	if (hdrmed_msg_parse(&m, buf, len, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: not a SIP message: %s\n", msgfile, err);
		free(buf);
		return 2;
	}
	hdrmed_msg_free(&m);
	if (n > 0) {
		bench(rs, buf, len, &ctx, n);
		free(buf);
		return 0;
	}
	if (!(out = once(rs, buf, len, &ctx, &olen))) {
		fprintf(stderr, "out of memory\n");
		free(buf);
		return 2;
	}
	fwrite(out, 1, olen, stdout);
	free(out);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	const char *msgfile = NULL, *src = NULL;
	struct hdrmed_ruleset *rs;
	struct hdrmed_err err;
	int c, quiet = 0, dir = HDRMED_DIR_OUT, rc = 0, i;
	long n = 0;
	char *end;

	while ((c = getopt(argc, argv, "qm:d:s:b:h")) != -1) {
		switch (c) {
		case 'q':
			quiet = 1;
			break;
		case 'm':
			msgfile = optarg;
			break;
		case 'd':
			if (strcmp(optarg, "in") == 0)
				dir = HDRMED_DIR_IN;
			else if (strcmp(optarg, "out") == 0)
				dir = HDRMED_DIR_OUT;
			else {
				fprintf(stderr, "-d takes in or out, not '%s'\n", optarg);
				return 2;
			}
			break;
		case 's':
			src = optarg;
			break;
		case 'b':
			n = strtol(optarg, &end, 10);
			if (*end || n < 1) {
				fprintf(stderr, "-b takes a positive count, not '%s'\n",
						optarg);
				return 2;
			}
			break;
		default:
			usage();
			return c == 'h' ? 0 : 2;
		}
	}
	if (optind >= argc || (msgfile && argc - optind != 1) || (n && !msgfile)) {
		usage();
		return 2;
	}
	for (i = optind; i < argc; i++) {
		rs = hdrmed_rules_load(argv[i], &err, NULL, NULL);
		if (!rs) {
			fprintf(stderr, "%s\n", err.msg);
			rc = 1;
			continue;
		}
		if (msgfile)
			rc = apply(rs, msgfile, dir, src, n);
		else if (!quiet)
			printf("%s: ok, %d rule%s, %d trusted network%s\n", argv[i], rs->n,
				   rs->n == 1 ? "" : "s", rs->ntrusted,
				   rs->ntrusted == 1 ? "" : "s");
		hdrmed_rules_free(rs);
	}
	return rc;
}
