/*
 * iwg_webrtc: helpers the Kamailio glue files share, see webrtc_kmsg.h.
 */
#include <string.h>
#include <strings.h>

#include "core/data_lump.h"
#include "core/dprint.h"
#include "core/ip_addr.h"
#include "core/mem/mem.h"
#include "core/parser/msg_parser.h"
#include "core/trim.h"

#include "webrtc_kmsg.h"
#include "webrtc_reghdr.h"

int webrtc_kmsg_flow(sip_msg_t *msg, webrtc_flow_t *f)
{
	memset(f, 0, sizeof(*f));
	if (msg->rcv.proto != PROTO_WS && msg->rcv.proto != PROTO_WSS)
		return -1;
	f->proto = (uint8_t)msg->rcv.proto;
	f->conid = (uint32_t)msg->rcv.proto_reserved1;
	f->port = msg->rcv.src_port;
	if (msg->rcv.src_ip.af == AF_INET) {
		f->af = 4;
		memcpy(f->addr, msg->rcv.src_ip.u.addr, 4);
	} else if (msg->rcv.src_ip.af == AF_INET6) {
		f->af = 6;
		memcpy(f->addr, msg->rcv.src_ip.u.addr, 16);
	} else {
		return -1;
	}
	return 0;
}

int webrtc_kmsg_path(const webrtc_flow_t *f, char *buf, size_t sz)
{
	return webrtc_reghdr_path(f, (const uint8_t *)webrtc_kcfg.flow_key.s,
							  (size_t)webrtc_kcfg.flow_key.len,
							  webrtc_kcfg.path_host.s,
							  (size_t)webrtc_kcfg.path_host.len, buf, sz);
}

int webrtc_kmsg_hdr_insert(sip_msg_t *msg, struct hdr_field *before,
						   const char *s, int len)
{
	struct lump *anchor;
	char *p;

	if (before)
		anchor = anchor_lump(msg, before->name.s - msg->buf, 0, 0);
	else
		anchor = anchor_lump(msg, msg->unparsed - msg->buf, 0, 0);
	if (anchor == NULL)
		return -1;
	p = pkg_malloc(len);
	if (p == NULL) {
		PKG_MEM_ERROR;
		return -1;
	}
	memcpy(p, s, len);
	if (insert_new_lump_before(anchor, p, len, 0) == NULL) {
		pkg_free(p);
		return -1;
	}
	return 0;
}

int webrtc_kmsg_hdr_remove(sip_msg_t *msg, struct hdr_field *hf)
{
	return del_lump(msg, hf->name.s - msg->buf, hf->len, 0) ? 0 : -1;
}

int webrtc_kmsg_hdr_removed(sip_msg_t *msg, struct hdr_field *hf)
{
	struct lump *l;
	int off = (int)(hf->name.s - msg->buf);

	for (l = msg->add_rm; l; l = l->next)
		if (l->op == LUMP_DEL && l->u.offset == off)
			return 1;
	return 0;
}

static int hdr_is(struct hdr_field *hf, const char *name)
{
	size_t n = strlen(name);
	return hf->name.len == (int)n && strncasecmp(hf->name.s, name, n) == 0;
}

int webrtc_kmsg_hdr_join(sip_msg_t *msg, const char *name, str *out)
{
	struct hdr_field *hf;
	int len = 0;
	char *p;

	out->s = NULL;
	out->len = 0;
	for (hf = msg->headers; hf; hf = hf->next)
		if (hdr_is(hf, name))
			len += hf->body.len + 2;
	if (len == 0)
		return 0;
	out->s = p = pkg_malloc(len + 1);
	if (p == NULL) {
		PKG_MEM_ERROR;
		return -1;
	}
	for (hf = msg->headers; hf; hf = hf->next) {
		if (!hdr_is(hf, name))
			continue;
		if (p > out->s) {
			*p++ = ',';
			*p++ = ' ';
		}
		str b = hf->body;
		trim(&b);
		memcpy(p, b.s, b.len);
		p += b.len;
	}
	*p = '\0';
	out->len = (int)(p - out->s);
	return 0;
}

void webrtc_kmsg_str_free(str *s)
{
	if (s->s)
		pkg_free(s->s);
	s->s = NULL;
	s->len = 0;
}

int webrtc_kmsg_body(sip_msg_t *msg, str *b)
{
	b->s = get_body(msg);
	if (b->s == NULL)
		return -1;
	b->len = (int)(msg->buf + msg->len - b->s);
	return b->len > 0 ? 0 : -1;
}

int webrtc_kmsg_body_replace(sip_msg_t *msg, str *b, char *nb, int n)
{
	struct lump *l;

	l = del_lump(msg, b->s - msg->buf, b->len, 0);
	if (l == NULL || insert_new_lump_after(l, nb, n, 0) == NULL)
		return -1;
	return 0;
}
