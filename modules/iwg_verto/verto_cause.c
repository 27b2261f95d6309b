/*
 * verto_cause.c - Q.850 causes and the SIP status mapping.
 * Contracts in verto_cause.h.
 */
#include "verto_cause.h"

struct cause_def {
	const char *name;
	int code;
	int sip; /* status for an INVITE we reject with this cause */
};

static const struct cause_def causes[] = {
		[VERTO_CAUSE_UNALLOCATED_NUMBER] = {"UNALLOCATED_NUMBER", 1, 404},
		[VERTO_CAUSE_NO_ROUTE_DESTINATION] = {"NO_ROUTE_DESTINATION", 3, 404},
		[VERTO_CAUSE_NORMAL_CLEARING] = {"NORMAL_CLEARING", 16, 480},
		[VERTO_CAUSE_USER_BUSY] = {"USER_BUSY", 17, 486},
		[VERTO_CAUSE_NO_USER_RESPONSE] = {"NO_USER_RESPONSE", 18, 408},
		[VERTO_CAUSE_NO_ANSWER] = {"NO_ANSWER", 19, 480},
		[VERTO_CAUSE_CALL_REJECTED] = {"CALL_REJECTED", 21, 603},
		[VERTO_CAUSE_NUMBER_CHANGED] = {"NUMBER_CHANGED", 22, 410},
		[VERTO_CAUSE_EXCHANGE_ROUTING_ERROR] = {"EXCHANGE_ROUTING_ERROR", 25,
												483},
		[VERTO_CAUSE_INVALID_NUMBER_FORMAT] = {"INVALID_NUMBER_FORMAT", 28,
											   484},
		[VERTO_CAUSE_NORMAL_UNSPECIFIED] = {"NORMAL_UNSPECIFIED", 31, 480},
		[VERTO_CAUSE_NETWORK_OUT_OF_ORDER] = {"NETWORK_OUT_OF_ORDER", 38, 502},
		[VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE] = {"NORMAL_TEMPORARY_FAILURE",
												  41, 503},
		[VERTO_CAUSE_SERVICE_UNAVAILABLE] = {"SERVICE_UNAVAILABLE", 63, 503},
		[VERTO_CAUSE_SERVICE_NOT_IMPLEMENTED] = {"SERVICE_NOT_IMPLEMENTED", 79,
												 501},
		[VERTO_CAUSE_INCOMPATIBLE_DESTINATION] = {"INCOMPATIBLE_DESTINATION",
												  88, 488},
		[VERTO_CAUSE_RECOVERY_ON_TIMER_EXPIRE] = {"RECOVERY_ON_TIMER_EXPIRE",
												  102, 408},
		[VERTO_CAUSE_INTERWORKING] = {"INTERWORKING", 127, 500},
		[VERTO_CAUSE_ORIGINATOR_CANCEL] = {"ORIGINATOR_CANCEL", 487, 487},
		[VERTO_CAUSE_LOSE_RACE] = {"LOSE_RACE", 502, 480},
};
_Static_assert(sizeof(causes) / sizeof(causes[0]) == VERTO_CAUSE_COUNT,
			   "cause table out of step with enum verto_cause");

const char *verto_cause_name(verto_cause c)
{
	if ((unsigned)c >= VERTO_CAUSE_COUNT)
		c = VERTO_CAUSE_NORMAL_UNSPECIFIED;
	return causes[c].name;
}

int verto_cause_code(verto_cause c)
{
	if ((unsigned)c >= VERTO_CAUSE_COUNT)
		c = VERTO_CAUSE_NORMAL_UNSPECIFIED;
	return causes[c].code;
}

int verto_cause_to_sip(verto_cause c)
{
	if ((unsigned)c >= VERTO_CAUSE_COUNT)
		c = VERTO_CAUSE_NORMAL_UNSPECIFIED;
	return causes[c].sip;
}

verto_cause verto_cause_from_sip(int status)
{
	if (status >= 200 && status < 300)
		return VERTO_CAUSE_NORMAL_CLEARING;
	switch (status) {
	case 401:
	case 402:
	case 403:
	case 407:
	case 603:
		return VERTO_CAUSE_CALL_REJECTED;
	case 404:
		return VERTO_CAUSE_UNALLOCATED_NUMBER;
	case 485:
	case 604:
		return VERTO_CAUSE_NO_ROUTE_DESTINATION;
	case 408:
	case 504:
		return VERTO_CAUSE_RECOVERY_ON_TIMER_EXPIRE;
	case 410:
		return VERTO_CAUSE_NUMBER_CHANGED;
	case 413:
	case 414:
	case 416:
	case 420:
	case 421:
	case 423:
	case 505:
	case 513:
		return VERTO_CAUSE_INTERWORKING;
	case 480:
		return VERTO_CAUSE_NO_USER_RESPONSE;
	case 400:
	case 481:
	case 500:
	case 503:
		return VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE;
	case 486:
	case 600:
		return VERTO_CAUSE_USER_BUSY;
	case 484:
		return VERTO_CAUSE_INVALID_NUMBER_FORMAT;
	case 488:
	case 606:
		return VERTO_CAUSE_INCOMPATIBLE_DESTINATION;
	case 502:
		return VERTO_CAUSE_NETWORK_OUT_OF_ORDER;
	case 405:
		return VERTO_CAUSE_SERVICE_UNAVAILABLE;
	case 406:
	case 415:
	case 501:
		return VERTO_CAUSE_SERVICE_NOT_IMPLEMENTED;
	case 482:
	case 483:
		return VERTO_CAUSE_EXCHANGE_ROUTING_ERROR;
	case 487:
		return VERTO_CAUSE_ORIGINATOR_CANCEL;
	default:
		return VERTO_CAUSE_NORMAL_UNSPECIFIED;
	}
}
