/*
 * verto_cause.h - Q.850 hangup causes as Verto names them, and the mapping
 * of SIP final responses to them (the FreeSWITCH/RFC 3398 table).
 *
 * Pure C. verto.bye toward the browser carries "cause" (the name) and
 * "causeCode" (the number), e.g. NORMAL_CLEARING / 16.
 */
#ifndef IWG_VERTO_CAUSE_H
#define IWG_VERTO_CAUSE_H

typedef enum verto_cause {
	VERTO_CAUSE_UNALLOCATED_NUMBER = 0,
	VERTO_CAUSE_NO_ROUTE_DESTINATION,
	VERTO_CAUSE_NORMAL_CLEARING,
	VERTO_CAUSE_USER_BUSY,
	VERTO_CAUSE_NO_USER_RESPONSE,
	VERTO_CAUSE_NO_ANSWER,
	VERTO_CAUSE_CALL_REJECTED,
	VERTO_CAUSE_NUMBER_CHANGED,
	VERTO_CAUSE_EXCHANGE_ROUTING_ERROR,
	VERTO_CAUSE_INVALID_NUMBER_FORMAT,
	VERTO_CAUSE_NORMAL_UNSPECIFIED,
	VERTO_CAUSE_NETWORK_OUT_OF_ORDER,
	VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE,
	VERTO_CAUSE_SERVICE_UNAVAILABLE,
	VERTO_CAUSE_SERVICE_NOT_IMPLEMENTED,
	VERTO_CAUSE_INCOMPATIBLE_DESTINATION,
	VERTO_CAUSE_RECOVERY_ON_TIMER_EXPIRE,
	VERTO_CAUSE_INTERWORKING,
	VERTO_CAUSE_ORIGINATOR_CANCEL,
	VERTO_CAUSE_LOSE_RACE, /* answered on another session */
	VERTO_CAUSE_COUNT
} verto_cause;

/* Q.850 name, e.g. "USER_BUSY"; "NORMAL_UNSPECIFIED" when out of range */
const char *verto_cause_name(verto_cause c);

/* numeric code, e.g. 17 (ORIGINATOR_CANCEL is 487, as FreeSWITCH has it) */
int verto_cause_code(verto_cause c);

/* the cause for a SIP final response status (2xx gives NORMAL_CLEARING,
 * codes outside the table NORMAL_UNSPECIFIED); table in verto_cause.c */
verto_cause verto_cause_from_sip(int status);

/* the SIP status to answer an incoming INVITE with for a cause (486 for
 * USER_BUSY, 480 for NO_USER_RESPONSE, 603 for CALL_REJECTED, ...) */
int verto_cause_to_sip(verto_cause c);

#endif
