/*
 * probe_media.c - one ICE/DTLS-SRTP (or plain RTP) media leg (see
 * probe_media.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "probe_media.h"
#include "probe_stun.h"

#define CHECK_INTERVAL_US	50000	/* while checking */
#define CONSENT_INTERVAL_US 2000000 /* after success */
#define DTLS_TICK_US		10000
#define MAX_CATCHUP_FRAMES	5
#define PROBE_PT_PCMA		8
#define PCMA_FRAME			160
#define FRAME_MAX			(PROBE_OPUS_MAX > PCMA_FRAME ? PROBE_OPUS_MAX : PCMA_FRAME)

int64_t probe_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void probe_random_chars(char *out, size_t n)
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyz"
							  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = set[(unsigned)random() % (sizeof(set) - 1)];
}

static uint32_t rand32(void)
{
	return ((uint32_t)random() << 16) ^ (uint32_t)random();
}

static void set_err(probe_media *m, const char *fmt, const char *arg)
{
	snprintf(m->err, sizeof(m->err), fmt, arg);
	m->state = PROBE_MEDIA_FAILED;
}

int probe_media_open(probe_media *m, const char *local_ip, int webrtc,
					 int reflector, probe_dtls_ctx *dctx)
{
	struct sockaddr_in a;
	socklen_t al = sizeof(a);
	int buf = 256 * 1024;

	memset(m, 0, sizeof(*m));
	m->webrtc = webrtc;
	m->reflector = reflector;
	m->dctx = dctx;
	m->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (m->fd < 0) {
		set_err(m, "socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(m->fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	if (inet_pton(AF_INET, local_ip, &a.sin_addr) != 1) {
		set_err(m, "bad local address %s", local_ip);
		return -1;
	}
	if (bind(m->fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
		getsockname(m->fd, (struct sockaddr *)&a, &al) < 0) {
		set_err(m, "bind: %s", strerror(errno));
		return -1;
	}
	m->port = ntohs(a.sin_port);
	probe_random_chars(m->ufrag, 8);
	probe_random_chars(m->pwd, 24);
	m->tiebreaker = ((uint64_t)rand32() << 32) | rand32();
	m->ssrc = rand32();
	m->key = rand32();
	m->seq = (uint16_t)rand32();
	m->ts = rand32();
	m->pt = PROBE_PT_PCMA;
	m->codec = PROBE_CODEC_PCMA;
	m->rate = probe_codec_rate(m->codec);
	return 0;
}

int probe_media_set_codec(probe_media *m, probe_codec codec, int pt,
						  const probe_opus_frames *opus, int check_tone)
{
	if (codec == PROBE_CODEC_OPUS && !opus) {
		set_err(m, "%s", "Opus without its frame table");
		return -1;
	}
	m->codec = codec;
	m->pt = pt;
	m->rate = probe_codec_rate(codec);
	m->opus = opus;
	probe_tone_check_free(m->tone);
	m->tone = NULL;
	if (codec == PROBE_CODEC_OPUS && check_tone) {
		m->tone = probe_tone_check_new();
		if (!m->tone) {
			set_err(m, "%s", "cannot create the Opus decoder");
			return -1;
		}
	}
	return 0;
}

void probe_media_close(probe_media *m)
{
	if (m->fd > 0)
		close(m->fd);
	m->fd = -1;
	probe_dtls_free(m->dtls);
	m->dtls = NULL;
	probe_srtp_free(&m->srtp);
	probe_tone_check_free(m->tone);
	m->tone = NULL;
}

void probe_media_local_sdp(probe_media *m, probe_sdp_local *l,
						   const char *local_ip, const probe_sdp_codec *codecs,
						   size_t n)
{
	memset(l, 0, sizeof(*l));
	l->ip = local_ip;
	l->port = m->port;
	l->sess_id = m->ssrc;
	l->sess_ver = 1;
	l->webrtc = m->webrtc;
	l->ice_ufrag = m->ufrag;
	l->ice_pwd = m->pwd;
	l->fingerprint = m->dctx ? probe_dtls_fingerprint(m->dctx) : NULL;
	/* offer actpass like a browser; we take the active role either way
	 * because rtpengine is dtls-passive (RFC 5763) */
	l->setup = PROBE_SETUP_ACTPASS;
	l->codecs = codecs;
	l->ncodecs = n;
	l->ptime = 20;
}

static int pick_remote(probe_media *m, const probe_sdp_remote *r)
{
	const char *ip = r->ip;
	uint16_t port = r->port;
	size_t i;

	for (i = 0; m->webrtc && i < r->ncands; i++) {
		const probe_sdp_cand *c = &r->cands[i];
		if (c->component == 1 && !strcasecmp(c->transport, "udp") &&
			strchr(c->ip, '.')) {
			ip = c->ip;
			port = c->port;
			break;
		}
	}
	memset(&m->remote, 0, sizeof(m->remote));
	m->remote.sin_family = AF_INET;
	m->remote.sin_port = htons(port);
	if (!port || inet_pton(AF_INET, ip, &m->remote.sin_addr) != 1) {
		set_err(m, "peer media address %s is not usable IPv4", ip);
		return -1;
	}
	return 0;
}

static void send_dgram(probe_media *m, const void *buf, size_t len)
{
	sendto(m->fd, buf, len, 0, (struct sockaddr *)&m->remote,
		   sizeof(m->remote));
}

static void send_check(probe_media *m, int64_t now)
{
	uint8_t buf[512];
	char user[600];
	probe_stun_builder b;
	long n;
	int i;

	for (i = 0; i < 12; i++)
		m->txid[i] = (uint8_t)random();
	snprintf(user, sizeof(user), "%s:%s", m->rufrag, m->ufrag);
	probe_stun_begin(&b, buf, sizeof(buf), PROBE_STUN_BINDING_REQ, m->txid);
	probe_stun_add(&b, PROBE_STUN_A_USERNAME, user, strlen(user));
	/* peer-reflexive priority of our host candidate (RFC 8445 7.1.1) */
	probe_stun_add_u32(&b, PROBE_STUN_A_PRIORITY, 1853824767u);
	if (m->controlling) {
		probe_stun_add_u64(&b, PROBE_STUN_A_ICE_CONTROLLING, m->tiebreaker);
		probe_stun_add(&b, PROBE_STUN_A_USE_CANDIDATE, NULL, 0);
	} else {
		probe_stun_add_u64(&b, PROBE_STUN_A_ICE_CONTROLLED, m->tiebreaker);
	}
	probe_stun_add_integrity(&b, m->rpwd, strlen(m->rpwd));
	probe_stun_add_fingerprint(&b);
	n = probe_stun_finish(&b);
	if (n > 0)
		send_dgram(m, buf, (size_t)n);
	m->checks++;
	m->next_check_us =
			now + (m->state == PROBE_MEDIA_ICE ? CHECK_INTERVAL_US
											   : CONSENT_INTERVAL_US);
}

static void flush_dtls(probe_media *m)
{
	uint8_t out[16384];
	size_t n;

	while ((n = probe_dtls_output(m->dtls, out, sizeof(out))) > 0)
		send_dgram(m, out, n);
}

static void dtls_progress(probe_media *m, int64_t now)
{
	uint8_t km[PROBE_SRTP_MATERIAL];
	int r = probe_dtls_step(m->dtls);

	flush_dtls(m);
	if (r < 0) {
		set_err(m, "%s", probe_dtls_error(m->dtls));
		return;
	}
	if (r == 0 || m->srtp_ready)
		return;
	if (probe_dtls_export(m->dtls, km) < 0) {
		set_err(m, "%s", probe_dtls_error(m->dtls));
		return;
	}
	if (probe_srtp_init(&m->srtp, km, 1) < 0) {
		set_err(m, "%s", "cannot create the SRTP sessions");
		return;
	}
	m->srtp_ready = 1;
	m->t_dtls_done = now;
	m->state = PROBE_MEDIA_UP;
}

static void start_dtls(probe_media *m, int64_t now)
{
	m->t_ice_done = now;
	m->state = PROBE_MEDIA_DTLS;
	m->t_dtls_start = now;
	m->dtls = probe_dtls_new(m->dctx, 1, m->rfp, m->rfp_len);
	if (!m->dtls) {
		set_err(m, "%s", "out of memory for DTLS");
		return;
	}
	m->next_dtls_tick_us = now + DTLS_TICK_US;
	dtls_progress(m, now);
}

int probe_media_set_remote(probe_media *m, const probe_sdp_remote *r,
						   int controlling, int64_t now)
{
	if (pick_remote(m, r) < 0)
		return -1;
	m->controlling = controlling;
	if (!m->webrtc) {
		m->state = PROBE_MEDIA_UP;
		return 0;
	}
	if (!r->ice_ufrag[0] || !r->ice_pwd[0]) {
		set_err(m, "%s", "peer SDP has no ICE credentials");
		return -1;
	}
	if (strcasecmp(r->fp_alg, "sha-256") || r->fp_len != 32) {
		set_err(m, "%s", "peer SDP has no sha-256 fingerprint");
		return -1;
	}
	if (r->setup == PROBE_SETUP_ACTIVE) {
		set_err(m, "%s", "peer wants the active DTLS role too");
		return -1;
	}
	snprintf(m->rufrag, sizeof(m->rufrag), "%s", r->ice_ufrag);
	snprintf(m->rpwd, sizeof(m->rpwd), "%s", r->ice_pwd);
	memcpy(m->rfp, r->fp, r->fp_len);
	m->rfp_len = r->fp_len;
	m->state = PROBE_MEDIA_ICE;
	m->t_ice_start = now;
	send_check(m, now);
	return 0;
}

static void answer_check(probe_media *m, const uint8_t *buf,
						 const probe_stun_msg *s,
						 const struct sockaddr_in *from)
{
	uint8_t out[256];
	probe_stun_builder b;
	size_t ul = strlen(m->ufrag);
	long n;

	/* USERNAME is "<our ufrag>:<their ufrag>", keyed with our password */
	if (!s->username || s->username_len <= ul ||
		memcmp(s->username, m->ufrag, ul) || s->username[ul] != ':' ||
		!probe_stun_check_integrity(buf, s, m->pwd, strlen(m->pwd))) {
		m->stun_bad++;
		probe_stun_begin(&b, out, sizeof(out), PROBE_STUN_BINDING_ERR, s->txid);
		probe_stun_add_error(&b, 401, "Unauthorized");
		probe_stun_add_fingerprint(&b);
	} else {
		probe_stun_begin(&b, out, sizeof(out), PROBE_STUN_BINDING_OK, s->txid);
		probe_stun_add_xor_addr(&b, (const struct sockaddr *)from);
		probe_stun_add_integrity(&b, m->pwd, strlen(m->pwd));
		probe_stun_add_fingerprint(&b);
	}
	n = probe_stun_finish(&b);
	if (n > 0)
		sendto(m->fd, out, (size_t)n, 0, (const struct sockaddr *)from,
			   sizeof(*from));
}

static void on_stun(probe_media *m, const uint8_t *buf, size_t len,
					const struct sockaddr_in *from, int64_t now)
{
	probe_stun_msg s;

	if (!m->webrtc || probe_stun_parse(buf, len, &s) < 0) {
		m->stun_bad++;
		return;
	}
	if (s.type == PROBE_STUN_BINDING_REQ) {
		answer_check(m, buf, &s, from);
		return;
	}
	if (s.type != PROBE_STUN_BINDING_OK || memcmp(s.txid, m->txid, 12) ||
		!probe_stun_check_integrity(buf, &s, m->rpwd, strlen(m->rpwd))) {
		if (s.type == PROBE_STUN_BINDING_ERR && !memcmp(s.txid, m->txid, 12))
			m->stun_bad++;
		return;
	}
	if (m->state == PROBE_MEDIA_ICE)
		start_dtls(m, now);
}

/* count a returned payload as the echo of ours, or not */
static void check_echo(probe_media *m, const uint8_t *p, size_t len)
{
	if (m->codec == PROBE_CODEC_PCMA) {
		if (probe_rtp_payload_match(p, len, m->key, NULL))
			m->echo_match++;
		else
			m->echo_mismatch++;
		return;
	}
	if (!m->tone)
		return;
	switch (probe_tone_check_frame(m->tone, p, len, probe_tone_hz(m->key))) {
	case PROBE_TONE_MATCH:
		m->echo_match++;
		break;
	case PROBE_TONE_OTHER:
		m->echo_mismatch++;
		break;
	default:
		m->echo_silent++;
		break;
	}
}

static void on_rtp(probe_media *m, uint8_t *buf, size_t len,
				   const struct sockaddr_in *from, int64_t now)
{
	probe_rtp_hdr h;

	if (m->reflector) {
		sendto(m->fd, buf, len, 0, (const struct sockaddr *)from,
			   sizeof(*from));
		m->reflected++;
		return;
	}
	if (probe_rtp_is_rtcp(buf, len)) {
		if (m->webrtc && (!m->srtp_ready ||
						  probe_srtp_unprotect_rtcp(&m->srtp, buf, &len) < 0)) {
			m->srtp_errors++;
			return;
		}
		m->rtcp_received++;
		return;
	}
	if (m->webrtc &&
		(!m->srtp_ready || probe_srtp_unprotect(&m->srtp, buf, &len) < 0)) {
		m->srtp_errors++;
		return;
	}
	if (probe_rtp_parse(buf, len, &h) < 0)
		return;
	if (!m->received)
		m->t_first_rx = now;
	m->received++;
	probe_rtp_stats_add(&m->stats, h.seq, h.ts,
						(int64_t)((uint64_t)now * m->rate / 1000000u));
	check_echo(m, buf + h.hdr_len, h.payload_len);
}

void probe_media_on_readable(probe_media *m, int64_t now)
{
	uint8_t buf[4096];
	struct sockaddr_in from;
	socklen_t fl;
	ssize_t n;

	for (;;) {
		fl = sizeof(from);
		n = recvfrom(m->fd, buf, sizeof(buf) - PROBE_SRTP_OVERHEAD, 0,
					 (struct sockaddr *)&from, &fl);
		if (n < 0)
			return;
		if (n == 0 || m->state == PROBE_MEDIA_FAILED)
			continue;
		now = probe_now_us(); /* the batch may span handshake flights */
		if (buf[0] <= 3) {
			on_stun(m, buf, (size_t)n, &from, now);
		} else if (buf[0] >= 20 && buf[0] <= 63) {
			if (!m->dtls)
				continue;
			probe_dtls_input(m->dtls, buf, (size_t)n);
			dtls_progress(m, now);
		} else if (buf[0] >= 128 && buf[0] <= 191) {
			on_rtp(m, buf, (size_t)n, &from, now);
		}
	}
}

static void send_frame(probe_media *m)
{
	uint8_t pkt[PROBE_RTP_HDR + FRAME_MAX + PROBE_SRTP_OVERHEAD];
	size_t len = PROBE_RTP_HDR + PCMA_FRAME, flen;
	const uint8_t *f;

	probe_rtp_write_hdr(pkt, m->sent == 0, m->pt, m->seq, m->ts, m->ssrc);
	if (m->codec == PROBE_CODEC_OPUS) {
		f = probe_opus_frame(m->opus, m->key, m->idx, &flen);
		memcpy(pkt + PROBE_RTP_HDR, f, flen);
		len = PROBE_RTP_HDR + flen;
	} else {
		probe_rtp_payload(pkt + PROBE_RTP_HDR, PCMA_FRAME, m->key, m->idx);
	}
	if (m->webrtc && probe_srtp_protect(&m->srtp, pkt, &len) < 0) {
		m->srtp_errors++;
	} else {
		send_dgram(m, pkt, len);
		m->sent++;
	}
	m->seq++;
	m->ts += m->rate / (1000000 / PROBE_FRAME_US);
	m->idx++;
}

void probe_media_tick(probe_media *m, int64_t now)
{
	int n = 0;

	if (m->state == PROBE_MEDIA_FAILED || m->state == PROBE_MEDIA_IDLE)
		return;
	if (m->webrtc && now >= m->next_check_us)
		send_check(m, now);
	if (m->state == PROBE_MEDIA_DTLS && now >= m->next_dtls_tick_us) {
		probe_dtls_tick(m->dtls);
		dtls_progress(m, now);
		m->next_dtls_tick_us = now + DTLS_TICK_US;
	}
	if (!m->sending || m->state != PROBE_MEDIA_UP)
		return;
	while (now >= m->next_send_us && n++ < MAX_CATCHUP_FRAMES) {
		send_frame(m);
		m->next_send_us += PROBE_FRAME_US;
	}
	if (now >= m->next_send_us)
		m->next_send_us = now + PROBE_FRAME_US; /* far behind: skip */
}

void probe_media_start_sending(probe_media *m, int64_t now)
{
	if (m->sending)
		return;
	m->sending = 1;
	m->next_send_us = now;
}

void probe_media_stop_sending(probe_media *m)
{
	m->sending = 0;
}
