/*
 * verto_call.h - per-call state machine: Verto events and SIP events in,
 * the actions to take on both sides out.
 *
 * Pure C, no I/O: verto_call_step() only decides. The engine
 * (verto_engine.c) runs the actions in a fixed order: media (rtpengine)
 * first, because SIP and Verto messages carry its SDP; then SIP; then the
 * reply to the client's request; then Verto requests toward the browser
 * (so an invite's result always precedes verto.media / verto.answer).
 */
#ifndef IWG_VERTO_CALL_H
#define IWG_VERTO_CALL_H

#include "verto_cause.h"

typedef enum verto_call_state {
	VCS_IDLE = 0,	 /* created, nothing sent yet */
	VCS_OUT_CALLING, /* browser call: INVITE sent, no SDP back yet */
	VCS_OUT_EARLY,	 /* browser call: 1xx+SDP relayed as verto.media */
	VCS_IN_RINGING,	 /* SIP call: offered to the browser(s) */
	VCS_ACTIVE,		 /* answered */
	VCS_CANCELLING,	 /* browser call: CANCEL sent, final reply awaited */
	VCS_DONE,		 /* over: free it */
	VCS_COUNT
} verto_call_state;

typedef enum verto_call_event {
	/* from the browser */
	VCE_V_INVITE = 0, /* verto.invite (new outbound call) */
	VCE_V_ANSWER,	  /* verto.answer to our verto.invite */
	VCE_V_BYE,		  /* verto.bye (never carries a cause) */
	VCE_V_HOLD,		  /* verto.modify hold */
	VCE_V_UNHOLD,	  /* verto.modify unhold */
	VCE_V_TOGGLEHOLD, /* verto.modify toggleHold */
	VCE_V_DTMF,		  /* verto.info dtmf */
	VCE_V_TRANSFER,	  /* verto.modify transfer */
	VCE_WS_LOST,	  /* the call's session lost its WebSocket */
	VCE_WS_BACK,	  /* the session logged in again (resume) */
	VCE_GRACE_OVER,	  /* detached longer than the grace period */
	VCE_RING_TIMEOUT, /* offered to the browser(s) too long, unanswered */
	/* from SIP */
	VCE_S_INVITE,		 /* initial INVITE toward a browser user */
	VCE_S_PROGRESS,		 /* 1xx without SDP */
	VCE_S_EARLY,		 /* 1xx with SDP */
	VCE_S_ANSWER,		 /* 2xx to our INVITE (sdp flag: with SDP) */
	VCE_S_FAILURE,		 /* final 3xx-6xx to our INVITE (sip_code) */
	VCE_S_BYE,			 /* BYE from the SIP side */
	VCE_S_CANCEL,		 /* CANCEL of the SIP INVITE */
	VCE_S_REINVITE_OK,	 /* 2xx to our hold/unhold re-INVITE */
	VCE_S_REINVITE_FAIL, /* failure of that re-INVITE */
	VCE_COUNT
} verto_call_event;

/* actions, run by the engine in this bit order */
enum verto_call_action {
	VCA_M_OFFER = 1 << 0,	 /* rtpengine offer with the new offer SDP */
	VCA_M_ANSWER = 1 << 1,	 /* rtpengine answer with the answer SDP */
	VCA_S_INVITE = 1 << 2,	 /* send the INVITE (outbound) */
	VCA_S_CANCEL = 1 << 3,	 /* CANCEL our INVITE */
	VCA_S_BYE = 1 << 4,		 /* BYE in the dialog */
	VCA_S_REPLY = 1 << 5,	 /* final reply (sip_code) to the SIP INVITE */
	VCA_S_REINVITE = 1 << 6, /* re-INVITE, sendonly if held else sendrecv */
	VCA_S_DTMF = 1 << 7,	 /* send the digits toward SIP */
	VCA_S_REFER = 1 << 8,	 /* blind transfer */
	VCA_V_RESULT = 1 << 9,	 /* success result to the client's request */
	VCA_V_ERROR = 1 << 10,	 /* -32002 error (cause) to the request */
	VCA_V_MEDIA = 1 << 11,	 /* verto.media with the answer SDP */
	VCA_V_ANSWER = 1 << 12,	 /* verto.answer (+sdp unless media sent) */
	VCA_V_INVITE = 1 << 13,	 /* verto.invite with the offer SDP */
	VCA_V_BYE = 1 << 14,	 /* verto.bye with cause */
	VCA_V_ATTACH = 1 << 15,	 /* verto.attach with a fresh offer */
	VCA_M_DELETE = 1 << 16,	 /* rtpengine delete */
	VCA_TIMER = 1 << 17,	 /* start the detach grace timer */
	VCA_DEFER = 1 << 18,	 /* keep the request: answer it later */
};

typedef struct verto_call_fsm {
	verto_call_state state;
	unsigned outbound : 1;	   /* browser-originated */
	unsigned media_sent : 1;   /* verto.media went out (no sdp in answer) */
	unsigned held : 1;		   /* hold state toward SIP (wanted) */
	unsigned hold_pending : 1; /* a re-INVITE for hold/unhold is running */
	unsigned detached : 1;	   /* no WebSocket for the session */
	unsigned alerted : 1;	   /* a 180 or 183 came: the user was alerted */
} verto_call_fsm;

typedef struct verto_call_out {
	unsigned acts;	   /* enum verto_call_action bits */
	verto_cause cause; /* VCA_V_BYE, VCA_V_ERROR */
	int sip_code;	   /* VCA_S_REPLY */
} verto_call_out;

/*
 * Feed one event. ev_sdp: the event carries an SDP (VCE_S_ANSWER);
 * sip_code: status of VCE_S_FAILURE.
 *
 * Returns 0 with out filled (acts may be 0: nothing to do), or -1 when the
 * event is not valid in the current state; then out holds the reaction
 * (usually VCA_V_ERROR for a client request) and the state is unchanged.
 * After VCS_DONE every event returns -1 with a client request answered by
 * VCA_V_ERROR and nothing else.
 */
int verto_call_step(verto_call_fsm *c, verto_call_event ev, int ev_sdp,
					int sip_code, verto_call_out *out);

/* "active", "early", ... for RPC output and logs */
const char *verto_call_state_name(verto_call_state s);
const char *verto_call_event_name(verto_call_event e);

/* 1 when the event is a request from the browser that needs an answer */
int verto_call_event_is_request(verto_call_event e);

#endif
