/*
 * iwg_webrtc: SDP fixes, see webrtc_sdp.h. Pure C.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sdp/sdp_line.h"
#include "webrtc_sdp.h"

#define TE_MAX	8  /* telephone-event entries kept from one map */
#define FMT_MAX 64 /* formats looked at in one m= line */

static int drop_line(const sdp_line *l, int mask)
{
	if (mask & WEBRTC_SDP_TO_IMS) {
		if (sdp_line_is_attr(l, "msid") || sdp_line_is_attr(l, "ssrc") ||
			sdp_line_is_attr(l, "ssrc-group") ||
			sdp_line_is_attr(l, "msid-semantic") ||
			sdp_line_is_attr(l, "extmap-allow-mixed"))
			return 1;
	}
	if (mask & WEBRTC_SDP_TO_BROWSER) {
		if (sdp_line_is_attr(l, "curr") || sdp_line_is_attr(l, "des") ||
			sdp_line_is_attr(l, "conf") || sdp_line_starts(l, "b=RS:") ||
			sdp_line_starts(l, "b=RR:"))
			return 1;
	}
	return 0;
}

static int attr_pt(const sdp_line *l, size_t *numpos, size_t *numlen);

static int put(char *out, size_t outsz, size_t *o, const char *s, size_t n)
{
	if (*o + n + 1 > outsz)
		return -1;
	memcpy(out + *o, s, n);
	*o += n;
	out[*o] = '\0';
	return 0;
}

/* the AVPF state of an m= section toward the IMS */
enum avpf_sect {
	SECT_OTHER = 0,	 /* nothing to do */
	SECT_AUDIO_AVP,	 /* audio turned from RTP/AVPF into RTP/AVP */
	SECT_VIDEO_AVPF, /* video that stays RTP/AVPF */
};

/* the proto field of an m= line is exactly "RTP/AVPF": 1 with its offset */
static int m_proto_avpf(const sdp_line *l, size_t *at)
{
	size_t p = 0, k;
	int field = 0;

	while (p < l->len && field <= 2) {
		while (p < l->len && l->s[p] == ' ')
			p++;
		for (k = p; k < l->len && l->s[k] != ' '; k++)
			;
		if (field == 2) {
			*at = p;
			return k - p == 8 && memcmp(l->s + p, "RTP/AVPF", 8) == 0;
		}
		field++;
		p = k;
	}
	return 0;
}

/* a=rtcp-fb:<pt> goog-remb / transport-cc: browser-only feedback (REMB and
 * transport-wide congestion control need the browser's header extensions) */
static int browser_only_fb(const sdp_line *l)
{
	size_t np, nl, p;

	if (!sdp_line_starts(l, "a=rtcp-fb:"))
		return 0;
	if (sdp_line_starts(l, "a=rtcp-fb:*"))
		np = sizeof("a=rtcp-fb:*") - 1;
	else if (attr_pt(l, &np, &nl) >= 0)
		np += nl;
	else
		return 0;
	for (p = np; p < l->len && l->s[p] == ' '; p++)
		;
	return (l->len - p == 9 && memcmp(l->s + p, "goog-remb", 9) == 0) ||
		   (l->len - p == 12 && memcmp(l->s + p, "transport-cc", 12) == 0);
}

/* an m= line toward the IMS: audio in RTP/AVPF is written as RTP/AVP (its
 * section becomes SECT_AUDIO_AVP), video in RTP/AVPF is SECT_VIDEO_AVPF.
 * Returns 1 when the line was written (rewritten), 0 when the caller copies
 * it, -1 when out is too small. */
static int avpf_mline(const sdp_line *l, char *out, size_t outsz, size_t *o,
					  enum avpf_sect *sect)
{
	size_t at;

	*sect = SECT_OTHER;
	if (!m_proto_avpf(l, &at))
		return 0;
	if (sdp_line_starts(l, "m=video ")) {
		*sect = SECT_VIDEO_AVPF;
		return 0;
	}
	if (!sdp_line_starts(l, "m=audio "))
		return 0;
	*sect = SECT_AUDIO_AVP;
	if (put(out, outsz, o, l->s, at + 7) < 0 ||
		put(out, outsz, o, l->s + at + 8, l->full - at - 8) < 0)
		return -1;
	return 1;
}

int webrtc_sdp_clean(const char *in, size_t len, int mask, char *out,
					 size_t outsz, int *removed)
{
	size_t pos = 0, o = 0;
	sdp_line l;
	int n = 0, w;
	enum avpf_sect sect = SECT_OTHER;

	if (outsz == 0)
		return -1;
	out[0] = '\0';
	while (sdp_line_next(in, len, &pos, &l)) {
		if ((mask & WEBRTC_SDP_TO_IMS) && sdp_line_starts(&l, "m=")) {
			w = avpf_mline(&l, out, outsz, &o, &sect);
			if (w < 0)
				return -1;
			if (w > 0) {
				n++;
				continue;
			}
		}
		if (drop_line(&l, mask) ||
			(sect == SECT_AUDIO_AVP && sdp_line_is_attr(&l, "rtcp-fb")) ||
			(sect == SECT_VIDEO_AVPF && browser_only_fb(&l))) {
			n++;
			continue;
		}
		if (put(out, outsz, &o, l.s, l.full) < 0)
			return -1;
	}
	if (removed)
		*removed = n;
	return (int)o;
}

/* parses a decimal number of at most 9 digits at s[0..len); returns the
 * number of digits used (0: none) */
static size_t num(const char *s, size_t len, unsigned *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < len && i < 9 && s[i] >= '0' && s[i] <= '9'; i++)
		*v = *v * 10 + (unsigned)(s[i] - '0');
	return i;
}

/* "a=rtpmap:PT telephone-event/RATE..." -> 1 with pt and rate */
static int te_rtpmap(const sdp_line *l, unsigned *pt, unsigned *rate)
{
	static const char te[] = "telephone-event/";
	size_t p = sizeof("a=rtpmap:") - 1, n;

	if (!sdp_line_starts(l, "a=rtpmap:"))
		return 0;
	n = num(l->s + p, l->len - p, pt);
	if (n == 0 || *pt > 127)
		return 0;
	p += n;
	while (p < l->len && l->s[p] == ' ')
		p++;
	if (l->len - p < sizeof(te) - 1 ||
		strncasecmp(l->s + p, te, sizeof(te) - 1) != 0)
		return 0;
	p += sizeof(te) - 1;
	return num(l->s + p, l->len - p, rate) > 0;
}

/* the payload type an a=rtpmap/a=fmtp/a=rtcp-fb line is about, or -1 */
static int attr_pt(const sdp_line *l, size_t *numpos, size_t *numlen)
{
	static const char *names[] = {"a=rtpmap:", "a=fmtp:", "a=rtcp-fb:"};
	unsigned v;
	size_t i, p, n;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!sdp_line_starts(l, names[i]))
			continue;
		p = strlen(names[i]);
		n = num(l->s + p, l->len - p, &v);
		if (n == 0 || v > 127 || (p + n < l->len && l->s[p + n] != ' '))
			return -1;
		*numpos = p;
		*numlen = n;
		return (int)v;
	}
	return -1;
}

static int is_audio_m(const sdp_line *l)
{
	return sdp_line_starts(l, "m=audio ");
}

int webrtc_sdp_te_map(const char *sdp, size_t len, char *out, size_t outsz)
{
	size_t pos = 0, o = 0;
	sdp_line l;
	int in_audio = 0, seen_audio = 0, w;
	unsigned pt, rate;
	char item[32];

	if (outsz == 0)
		return -1;
	out[0] = '\0';
	while (sdp_line_next(sdp, len, &pos, &l)) {
		if (sdp_line_starts(&l, "m=")) {
			if (seen_audio)
				break;
			in_audio = is_audio_m(&l);
			seen_audio = in_audio;
			continue;
		}
		if (!in_audio || !te_rtpmap(&l, &pt, &rate))
			continue;
		w = snprintf(item, sizeof(item), "%s%u:%u", o ? "," : "", rate, pt);
		if (w < 0 || put(out, outsz, &o, item, (size_t)w) < 0)
			return -1;
	}
	return (int)o;
}

typedef struct te_ent {
	unsigned rate, pt;
} te_ent_t;

static int map_parse(const char *map, size_t len, te_ent_t *e, int *n)
{
	size_t p = 0, k;

	*n = 0;
	while (p < len) {
		if (*n >= TE_MAX)
			return -1;
		k = num(map + p, len - p, &e[*n].rate);
		if (k == 0 || p + k >= len || map[p + k] != ':')
			return -1;
		p += k + 1;
		k = num(map + p, len - p, &e[*n].pt);
		if (k == 0 || e[*n].pt > 127)
			return -1;
		p += k;
		(*n)++;
		if (p < len) {
			if (map[p] != ',')
				return -1;
			p++;
		}
	}
	return 0;
}

/* the formats of an m= line: offsets and values */
typedef struct mfmt {
	size_t off[FMT_MAX], len[FMT_MAX];
	unsigned pt[FMT_MAX];
	int n;
} mfmt_t;

static void m_formats(const sdp_line *l, mfmt_t *f)
{
	size_t p = 0, off, wl;
	int field = 0;
	unsigned v;

	f->n = 0;
	/* m=<media> <port> <proto> <fmt> ...: up to FMT_MAX formats, however
	 * many other words come before them */
	while (f->n < FMT_MAX && sdp_line_words(l, p, &off, &wl, 1) == 1) {
		if (field++ >= 3 && num(l->s + off, wl, &v) == wl && v <= 127) {
			f->off[f->n] = off;
			f->len[f->n] = wl;
			f->pt[f->n] = v;
			f->n++;
		}
		p = off + wl;
	}
}

int webrtc_sdp_te_restore(const char *sdp, size_t len, const char *map,
						  size_t maplen, char *out, size_t outsz, int *changed)
{
	te_ent_t ent[TE_MAX];
	int nent, i, j, nren = 0, in_audio = 0, seen_audio = 0;
	unsigned from[TE_MAX], to[TE_MAX];
	size_t pos, o = 0, np, nl;
	sdp_line l, ml;
	mfmt_t mf;
	unsigned pt, rate;
	int used, a;
	char numbuf[8];

	if (outsz == 0 || map_parse(map, maplen, ent, &nent) < 0)
		return -1;
	out[0] = '\0';
	/* pass 1: the first audio section's formats and telephone-events */
	mf.n = 0;
	ml.s = NULL;
	for (pos = 0; sdp_line_next(sdp, len, &pos, &l);) {
		if (sdp_line_starts(&l, "m=")) {
			if (seen_audio)
				break;
			in_audio = is_audio_m(&l);
			seen_audio = in_audio;
			if (in_audio) {
				ml = l;
				m_formats(&l, &mf);
			}
			continue;
		}
		if (!in_audio || !te_rtpmap(&l, &pt, &rate))
			continue;
		for (i = 0; i < nent && nren < TE_MAX; i++) {
			if (ent[i].rate != rate || ent[i].pt == pt)
				continue;
			used = 0;
			for (j = 0; j < mf.n; j++)
				if (mf.pt[j] == ent[i].pt)
					used = 1;
			if (!used) {
				from[nren] = pt;
				to[nren] = ent[i].pt;
				nren++;
			}
			break;
		}
	}
	/* pass 2: copy, renumbering */
	in_audio = 0;
	seen_audio = 0;
	for (pos = 0; sdp_line_next(sdp, len, &pos, &l);) {
		if (sdp_line_starts(&l, "m=")) {
			in_audio = !seen_audio && is_audio_m(&l);
			if (in_audio)
				seen_audio = 1;
		}
		if (nren == 0 || !in_audio) {
			if (put(out, outsz, &o, l.s, l.full) < 0)
				return -1;
			continue;
		}
		if (l.s == ml.s) {
			size_t last = 0;
			for (j = 0; j < mf.n; j++) {
				for (i = 0; i < nren && from[i] != mf.pt[j]; i++)
					;
				if (i == nren)
					continue;
				snprintf(numbuf, sizeof(numbuf), "%u", to[i]);
				if (put(out, outsz, &o, l.s + last, mf.off[j] - last) < 0 ||
					put(out, outsz, &o, numbuf, strlen(numbuf)) < 0)
					return -1;
				last = mf.off[j] + mf.len[j];
			}
			if (put(out, outsz, &o, l.s + last, l.full - last) < 0)
				return -1;
			continue;
		}
		a = attr_pt(&l, &np, &nl);
		for (i = 0; a >= 0 && i < nren && from[i] != (unsigned)a; i++)
			;
		if (a < 0 || i == nren) {
			if (put(out, outsz, &o, l.s, l.full) < 0)
				return -1;
			continue;
		}
		snprintf(numbuf, sizeof(numbuf), "%u", to[i]);
		if (put(out, outsz, &o, l.s, np) < 0 ||
			put(out, outsz, &o, numbuf, strlen(numbuf)) < 0 ||
			put(out, outsz, &o, l.s + np + nl, l.full - np - nl) < 0)
			return -1;
	}
	if (changed)
		*changed = nren;
	return (int)o;
}

int webrtc_te_changed(const char *offer, size_t olen, const char *answer,
					  size_t alen, char *out, size_t outsz)
{
	te_ent_t oe[TE_MAX], ae[TE_MAX];
	int on, an, i, j, same_rate, pt_taken, w;
	size_t o = 0;
	char item[32];

	if (outsz == 0 || map_parse(offer, olen, oe, &on) < 0 ||
		map_parse(answer, alen, ae, &an) < 0)
		return -1;
	out[0] = '\0';
	for (i = 0; i < an; i++) {
		same_rate = 0;
		pt_taken = 0;
		for (j = 0; j < on; j++) {
			if (oe[j].rate == ae[i].rate && oe[j].pt != ae[i].pt)
				same_rate = 1;
			if (oe[j].pt == ae[i].pt)
				pt_taken = 1;
		}
		if (!same_rate || pt_taken)
			continue;
		w = snprintf(item, sizeof(item), "%s%u:%u", o ? "," : "", ae[i].rate,
					 ae[i].pt);
		if (w < 0 || put(out, outsz, &o, item, (size_t)w) < 0)
			return -1;
	}
	return (int)o;
}

/* the payload types of an m= line (fields from the 4th on) */
static int m_pts(const sdp_line *l, unsigned *pts)
{
	mfmt_t f;
	int i;

	m_formats(l, &f);
	for (i = 0; i < f.n; i++)
		pts[i] = f.pt[i];
	return f.n;
}

/* the a=rtpmap and a=fmtp lines of the entries of e marked in use */
static int te_attrs(char *out, size_t outsz, size_t *o, const te_ent_t *e,
					const int *use, int ne, const char *eol)
{
	char buf[96];
	int i, n;

	for (i = 0; i < ne; i++) {
		if (!use[i])
			continue;
		n = snprintf(buf, sizeof(buf),
					 "a=rtpmap:%u telephone-event/%u%sa=fmtp:%u 0-15%s",
					 e[i].pt, e[i].rate, eol, e[i].pt, eol);
		if (n < 0 || put(out, outsz, o, buf, (size_t)n) < 0)
			return -1;
	}
	return 0;
}

int webrtc_te_inject(const char *sdp, size_t len, const char *map,
					 size_t maplen, char *out, size_t outsz, int *added)
{
	te_ent_t e[TE_MAX];
	int ne, i, j, npts = 0, nadd = 0, in_audio = 0, done = 0;
	int use[TE_MAX] = {0};
	unsigned pts[FMT_MAX];
	const char *eol = "\r\n";
	size_t pos = 0, o = 0, n;
	sdp_line l;
	char buf[96];

	if (outsz == 0 || map_parse(map, maplen, e, &ne) < 0)
		return -1;
	out[0] = '\0';
	if (sdp_line_next(sdp, len, &pos, &l) && l.full == l.len + 1)
		eol = "\n";
	pos = 0;
	while (sdp_line_next(sdp, len, &pos, &l)) {
		if (sdp_line_starts(&l, "m=")) {
			if (in_audio) {
				/* end of the audio section: its new attribute lines */
				if (te_attrs(out, outsz, &o, e, use, ne, eol) < 0)
					return -1;
				in_audio = 0;
				done = 1;
			}
			if (!done && sdp_line_starts(&l, "m=audio ")) {
				in_audio = 1;
				npts = m_pts(&l, pts);
				if (put(out, outsz, &o, l.s, l.len) < 0)
					return -1;
				for (i = 0; i < ne; i++) {
					use[i] = 1;
					for (j = 0; j < npts; j++)
						if (pts[j] == e[i].pt)
							use[i] = 0;
					for (j = 0; j < i; j++)
						if (use[j] && e[j].pt == e[i].pt)
							use[i] = 0;
					if (!use[i])
						continue;
					nadd++;
					n = (size_t)snprintf(buf, sizeof(buf), " %u", e[i].pt);
					if (put(out, outsz, &o, buf, n) < 0)
						return -1;
				}
				/* the line end as it was (or the SDP's if it had none) */
				if (l.full > l.len) {
					if (put(out, outsz, &o, l.s + l.len, l.full - l.len) < 0)
						return -1;
				} else if (put(out, outsz, &o, eol, strlen(eol)) < 0) {
					return -1;
				}
				continue;
			}
		}
		if (put(out, outsz, &o, l.s, l.full) < 0)
			return -1;
		/* a last line without line end in the audio section */
		if (in_audio && l.full == l.len && pos >= len &&
			put(out, outsz, &o, eol, strlen(eol)) < 0)
			return -1;
	}
	if (in_audio) {
		if (te_attrs(out, outsz, &o, e, use, ne, eol) < 0)
			return -1;
		done = 1;
	}
	if (!done)
		return -1;
	if (added)
		*added = nadd;
	return (int)o;
}

/* ------------------------------------------------------ video toward IMS */

/* one parameter "name=value" of an a=fmtp line, case-insensitive name */
static int fmtp_has(const sdp_line *l, size_t from, const char *name,
					const char *value)
{
	size_t p = from, e, k, nl = strlen(name), vl = strlen(value);

	while (p < l->len) {
		while (p < l->len && (l->s[p] == ' ' || l->s[p] == ';'))
			p++;
		for (e = p; e < l->len && l->s[e] != ';'; e++)
			;
		k = e;
		while (k > p && l->s[k - 1] == ' ')
			k--;
		if (k - p == nl + 1 + vl && strncasecmp(l->s + p, name, nl) == 0 &&
			l->s[p + nl] == '=' && memcmp(l->s + p + nl + 1, value, vl) == 0)
			return 1;
		p = e;
	}
	return 0;
}

/* the end of the section starting at pos (the next m= line or len) */
static size_t section_end(const char *sdp, size_t len, size_t pos)
{
	sdp_line l;
	size_t p = pos, at;

	if (!sdp_line_next(sdp, len, &p, &l))
		return len;
	for (at = p; sdp_line_next(sdp, len, &p, &l); at = p)
		if (sdp_line_starts(&l, "m="))
			return at;
	return len;
}

/* the m= line fields: [0] "m=video", [1] port, [2] proto, then formats */
typedef struct mline {
	size_t off[FMT_MAX + 3], len[FMT_MAX + 3];
	int n;
} mline_t;

static void m_fields(const sdp_line *l, mline_t *f)
{
	f->n = sdp_line_words(l, 0, f->off, f->len, FMT_MAX + 3);
}

/* keep[pt] for the video section sdp[from..to): H.264 with
 * packetization-mode=1; returns how many of the m= line's formats stay */
static int h264_keep(const char *sdp, size_t from, size_t to,
					 const sdp_line *ml, const mline_t *mf, unsigned char *keep)
{
	unsigned char h264[128] = {0}, pm1[128] = {0};
	size_t pos = from, np, nl;
	sdp_line l;
	unsigned v;
	int a, i, kept = 0;

	while (sdp_line_next(sdp, to, &pos, &l)) {
		a = attr_pt(&l, &np, &nl);
		if (a < 0)
			continue;
		np += nl;
		if (sdp_line_starts(&l, "a=rtpmap:")) {
			while (np < l.len && l.s[np] == ' ')
				np++;
			h264[a] = l.len - np >= 5 && strncasecmp(l.s + np, "H264/", 5) == 0;
		} else if (sdp_line_starts(&l, "a=fmtp:")) {
			pm1[a] = (unsigned char)(pm1[a] ||
									 fmtp_has(&l, np, "packetization-mode",
											  "1"));
		}
	}
	memset(keep, 0, 128);
	for (i = 3; i < mf->n; i++) {
		if (num(ml->s + mf->off[i], mf->len[i], &v) != mf->len[i] || v > 127)
			continue;
		if (h264[v] && pm1[v] && !keep[v]) {
			keep[v] = 1;
			kept++;
		}
	}
	return kept;
}

/* "RTP/" within the proto field */
static int is_rtp_proto(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 4 <= n; i++)
		if (memcmp(s + i, "RTP/", 4) == 0)
			return 1;
	return 0;
}

/* writes the m= line with the kept formats (port 0 and only the first
 * format when none is kept, RFC 3264 8.2); counts the formats dropped */
static int h264_mline(char *out, size_t outsz, size_t *o, const sdp_line *ml,
					  const mline_t *mf, unsigned char *keep, int kept,
					  int *dropped)
{
	unsigned v;
	int i, ok;

	if (kept == 0 && num(ml->s + mf->off[3], mf->len[3], &v) == mf->len[3] &&
		v <= 127)
		keep[v] = 1;
	if (put(out, outsz, o, ml->s, mf->off[0] + mf->len[0]) < 0 ||
		put(out, outsz, o, " ", 1) < 0 ||
		(kept == 0 ? put(out, outsz, o, "0", 1)
				   : put(out, outsz, o, ml->s + mf->off[1], mf->len[1])) < 0 ||
		put(out, outsz, o, " ", 1) < 0 ||
		put(out, outsz, o, ml->s + mf->off[2], mf->len[2]) < 0)
		return -1;
	for (i = 3; i < mf->n; i++) {
		if (kept == 0)
			ok = i == 3;
		else
			ok = num(ml->s + mf->off[i], mf->len[i], &v) == mf->len[i] &&
				 v <= 127 && keep[v];
		if (!ok) {
			(*dropped)++;
			continue;
		}
		if (put(out, outsz, o, " ", 1) < 0 ||
			put(out, outsz, o, ml->s + mf->off[i], mf->len[i]) < 0)
			return -1;
	}
	return put(out, outsz, o, ml->s + ml->len, ml->full - ml->len);
}

int webrtc_sdp_h264_only(const char *sdp, size_t len, char *out, size_t outsz,
						 int *removed)
{
	size_t pos = 0, o = 0, end, np, nl;
	unsigned char keep[128];
	sdp_line l, ml;
	mline_t mf;
	int kept, a, dropped = 0;

	if (outsz == 0)
		return -1;
	out[0] = '\0';
	while (sdp_line_next(sdp, len, &pos, &l)) {
		mf.n = 0;
		if (sdp_line_starts(&l, "m=video "))
			m_fields(&l, &mf);
		if (mf.n < 4 || !is_rtp_proto(l.s + mf.off[2], mf.len[2])) {
			if (put(out, outsz, &o, l.s, l.full) < 0)
				return -1;
			continue;
		}
		/* a video RTP section: keep only H.264 packetization-mode=1 */
		ml = l;
		end = section_end(sdp, len, (size_t)(l.s - sdp));
		kept = h264_keep(sdp, pos, end, &ml, &mf, keep);
		if (h264_mline(out, outsz, &o, &ml, &mf, keep, kept, &dropped) < 0)
			return -1;
		while (sdp_line_next(sdp, end, &pos, &l)) {
			a = attr_pt(&l, &np, &nl);
			if (a >= 0 && !keep[a])
				continue;
			if (put(out, outsz, &o, l.s, l.full) < 0)
				return -1;
		}
	}
	if (removed)
		*removed = dropped;
	return (int)o;
}
