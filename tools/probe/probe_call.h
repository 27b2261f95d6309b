/*
 * probe_call.h - one synthetic WebRTC call: SIP over WebSocket (or
 * rtpengine NG directly) for the offer/answer, then a media leg
 * (probe_media.h) for a fixed duration, then hang-up, with the figures
 * the NOC check and the load summary need.
 */
#ifndef IWG_PROBE_CALL_H
#define IWG_PROBE_CALL_H

#include <stdint.h>
#include <stdio.h>

#include <openssl/ssl.h>

#include "probe_dispatch.h"
#include "probe_media.h"
#include "probe_route.h"
#include "probe_sip.h"
#include "probe_wsconn.h"

struct ng_client;

/* settings shared by every call of a run */
typedef struct probe_cfg {
	const char *ws_url;	 /* signaling over WebSocket, or NULL */
	const char *ng_addr; /* NG mode (no SIP): "host:port", or NULL */
	const char *domain;
	const char *from_user;
	const char *to_user;
	const char *local_ip;
	/* digest credentials: password NULL means none; auth_user NULL means
	 * from_user */
	const char *auth_user;
	const char *password;
	/* header lines ("Name: value\r\n" each) for REGISTER and the initial
	 * INVITE, or NULL */
	const char *extra_headers;
	int do_register; /* REGISTER before calling */
	int answer;		 /* UAS: register, wait for an INVITE */
	double duration_s;
	double setup_timeout_s;
	const char *transcode; /* NG mode: codec the SIP side gets, or NULL */
	probe_codec codec;	   /* what the probe offers and prefers */
	const probe_opus_frames *opus; /* Opus frames; NULL: no Opus */
	int check_echo;				   /* decode returned Opus (tone check) */
	SSL_CTX *tls;
	probe_dtls_ctx *dtls;
	struct ng_client *ng;
} probe_cfg;

typedef enum probe_call_state {
	PROBE_CALL_NEW = 0,
	PROBE_CALL_CONNECTING, /* WebSocket */
	PROBE_CALL_REGISTERING,
	PROBE_CALL_WAITING, /* registered, waiting for an INVITE */
	PROBE_CALL_INVITING,
	PROBE_CALL_MEDIA_SETUP, /* answered, ICE/DTLS */
	PROBE_CALL_TALKING,
	PROBE_CALL_DRAINING, /* stopped sending, collecting the tail */
	PROBE_CALL_BYE,
	PROBE_CALL_DONE,
	PROBE_CALL_FAILED,
	/* a shared WebSocket, open (and registered); outside the order of a
	 * call's life above, which the code compares states by */
	PROBE_CALL_LINE,
	PROBE_CALL_STATE_COUNT
} probe_call_state;

typedef struct probe_call {
	int id;
	const probe_cfg *cfg;
	probe_call_state state;
	probe_wsconn ws;   /* its own connection (unused on a shared one) */
	probe_wsconn *wsp; /* the connection its SIP goes on: &ws or a line's */
	int is_line;	   /* this is a shared connection (start_line) */
	struct probe_call *line;  /* the shared connection it is on, or NULL */
	probe_route *route;		  /* a line: its calls by Call-ID */
	unsigned long unparsable; /* a line: messages dropped as unparsable */
	int64_t reg_refresh;	  /* a line: when to REGISTER again, or 0 */
	int refreshing;			  /* a line: its refreshing REGISTER is out */
	int tls_resumed;		  /* its wss connection resumed a TLS session */
	probe_media media;
	probe_media echo; /* NG mode: SIP-side reflector */
	/* SIP dialog */
	char call_id[48], local_tag[16], remote_tag[128], branch[24];
	char inst[16]; /* random .invalid host */
	char target[512];
	char routes[PROBE_SIP_MAX_RR][512];
	size_t nroutes;
	unsigned long cseq;
	unsigned long invite_cseq;	/* of the last INVITE sent (for its ACK) */
	int reg_authed, inv_authed; /* credentials sent for REGISTER/INVITE */
	char *invite_req;			/* the INVITE sent (for non-2xx ACK) */
	int sip_status;
	int remote_bye;
	/* timing (us, monotonic) */
	int64_t t_start, t_invite, t_answer, t_talk, t_drain, t_bye, t_end;
	int64_t deadline;
	char reason[200];
	int ok;
} probe_call;

/*
 * Start call id with cfg at now: opens the media leg and the WebSocket or
 * does the NG offer/answer. Returns 0, or -1 (the call is FAILED and
 * probe_call_result() tells why); either way free with probe_call_free().
 */
int probe_call_start(probe_call *c, int id, const probe_cfg *cfg, int64_t now);

/*
 * Start the shared connection of --one-connection at now: opens the
 * WebSocket to cfg->ws_url, REGISTERs when cfg->do_register or cfg->answer
 * (with digest as a call does), then stays in PROBE_CALL_LINE carrying the
 * SIP of the calls started on it with probe_call_start_on(), each message
 * handed to its call by Call-ID through route (the caller's, initialised
 * for as many calls at once, outliving the line) as probe_dispatch_msg()
 * decides: an INVITE of a Call-ID not in route goes to the call waiting
 * longest in route's queue, which then owns that Call-ID, or is answered
 * 486 when none waits; any other request for no call, or for the line's
 * own Call-ID, is answered 481. A message that does not parse is dropped
 * and counted in line->unparsable (it fails no call). A registered line
 * REGISTERs again at half the expiry the registrar granted (the smallest
 * in its 2xx, else the 600 s asked for); a refresh refused or unanswered
 * fails the line. No media. Drive it like a call (probe_call_on_ws,
 * probe_call_tick); once it is finished (closed by the caller) every call
 * on it fails at its next probe_call_tick() with the line's reason.
 * Returns 0, or -1 (FAILED, the reason in line->reason); either way free
 * it with probe_call_free() after every call started on it.
 */
int probe_call_start_line(probe_call *line, const probe_cfg *cfg,
						  probe_route *route, int64_t now);

/* 1 when line is open (and registered, with --register) and carries calls */
int probe_call_line_ready(const probe_call *line);

/*
 * Start call id at now on line (probe_call_line_ready()): its media leg,
 * then at once the INVITE on the line's WebSocket; with cfg->answer
 * instead it waits in the line's queue for an INVITE (PROBE_CALL_WAITING,
 * failing after cfg->setup_timeout_s). Returns 0, or -1 (the call is
 * FAILED: line down, or too many calls at once for its route table or
 * queue); either way free it with probe_call_free() before the line.
 */
int probe_call_start_on(probe_call *c, int id, const probe_cfg *cfg,
						probe_call *line, int64_t now);

/* Handle readiness of the call's WebSocket. */
void probe_call_on_ws(probe_call *c, int64_t now);

/* Timers: timeouts, media duration, draining, media ticks; a call on a
 * line that is finished fails. */
void probe_call_tick(probe_call *c, int64_t now);

/* 1 when the call is over (DONE or FAILED) */
int probe_call_finished(const probe_call *c);

/* Ask a talking call to end now (load mode at the end of the run). */
void probe_call_hangup(probe_call *c, int64_t now);

/* Print the call's JSON result line (no newline) to f. */
void probe_call_print_json(const probe_call *c, FILE *f);

/* RFC 3550 interarrival jitter of the received stream in ms */
double probe_call_jitter_ms(const probe_call *c);

/* Loss in percent of the frames sent that did not come back (echo). */
double probe_call_loss_pct(const probe_call *c);

/* Release sockets and memory. */
void probe_call_free(probe_call *c);

#endif
