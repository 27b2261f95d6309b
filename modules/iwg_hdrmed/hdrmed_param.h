/*
 * hdrmed_param.h - elements, header parameters and URI parameters of SIP
 * header values (pure C, no Kamailio headers).
 *
 * A header value is a list of comma-separated elements (outside quotes and
 * <...>), e.g. Contact: "A" <sip:a@h;transport=tcp>;expires=60, <sip:b@h>.
 * Each element is a name-addr (<uri> with an optional display name), a bare
 * addr-spec or any other value, followed by ;header-parameters. Nothing is
 * unescaped; every range points into the caller's value.
 */
#ifndef IWG_HDRMED_PARAM_H
#define IWG_HDRMED_PARAM_H

#include "hdrmed_buf.h"

#define HDRMED_MAX_ELEMS 64

struct hdrmed_elem {
	int s, e;	 /* element range in the value, blanks trimmed */
	int bracket; /* 1 when the URI is inside <...> */
	int opaque;	 /* 1 when unbalanced: no parameter edits */
	int uri_s;	 /* URI range (without <>); */
	int uri_e;	 /*   uri_s == uri_e when there is none */
	int is_uri;	 /* the URI range starts with "scheme:" */
	int up_s;	 /* URI parameters: ";a=b;c" up to '?' or the URI end; */
	int up_e;	 /*   empty (up_s == up_e) at the insertion point */
	int hp_s;	 /* header parameters: hp_s..e */
};

/* one parameter found by hdrmed_param_next() */
struct hdrmed_pspan {
	int name_s, name_e;
	int val_s, val_e; /* val_s < 0: a flag without "=" */
	int raw_s, raw_e; /* ";name=value" as written */
};

/*
 * Split V[0..LEN) into elements: at top-level commas when SPLIT is 1, else
 * one element. Returns the number written to OUT (at most MAX); elements
 * beyond MAX are left out. Empty elements are skipped.
 */
int hdrmed_elems(const char *v, int len, int split, struct hdrmed_elem *out,
				 int max);

/*
 * Iterate the parameters of the region R[0..RLEN) (";a=b;c", possibly with
 * blanks). *POS starts at 0. Returns 1 and fills P, or 0 at the end.
 */
int hdrmed_param_next(const char *r, int rlen, int *pos,
					  struct hdrmed_pspan *p);

enum hdrmed_pop {
	HDRMED_POP_ADD = 0, /* add when absent */
	HDRMED_POP_SET,		/* replace the value, or add */
	HDRMED_POP_DEL,		/* remove every occurrence */
};

/*
 * Append to OUT the region R[0..RLEN) with parameter NAME edited by OP;
 * VAL == NULL means a flag parameter (no "="). Parameter names compare
 * case-insensitively. Returns 1 when the region changed, 0 when not.
 */
int hdrmed_param_edit(const char *r, int rlen, enum hdrmed_pop op,
					  const char *name, int nlen, const char *val, int vlen,
					  struct hdrmed_buf *out);

/*
 * Edit a header parameter (URIPARAM 0) or a URI parameter (URIPARAM 1) of
 * element E of value V and append the whole new element to OUT. URI edits
 * on a bare addr-spec wrap it in <...>. Returns 1 when changed, 0 when not
 * (OUT then holds the element unchanged), -1 when the element cannot carry
 * such a parameter (opaque, or no URI); OUT is untouched then.
 */
int hdrmed_elem_edit(const char *v, const struct hdrmed_elem *e, int uriparam,
					 enum hdrmed_pop op, const char *name, int nlen,
					 const char *val, int vlen, struct hdrmed_buf *out);

#endif
