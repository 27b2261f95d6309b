/*
 * secret.h - refuses a configured secret (HMAC key, shared secret) that is
 * empty, too short, or one of the placeholders a shipped configuration
 * carries, so that a gateway never runs with a secret an attacker can read
 * in our repository. Pure C, no Kamailio header; no allocation.
 */
#ifndef IWG_SECRET_H
#define IWG_SECRET_H

#include <stddef.h>

/* fewest characters (bytes) of a usable secret: 256 bits of hex is 64, of
 * base64 44; 32 keeps a hand-made passphrase possible */
#define SECRET_MIN_LEN 32

/*
 * Check the secret val[0..len) (not necessarily NUL-terminated; val may be
 * NULL when the setting is absent).
 *
 * Returns 0 when it is usable, -1 when it is not set, empty, shorter than
 * SECRET_MIN_LEN characters, or a placeholder: it contains, in any case,
 * "change-me", "changeme", "change_me", "placeholder" or "example", or is
 * one character repeated. On -1 a short lower-case reason that reads after
 * the name of the setting ("is empty", "is a placeholder (contains
 * \"change-me\")") is written NUL-terminated to why (whysz bytes, cut if
 * short; nothing is written when why is NULL or whysz is 0). The reason
 * never quotes the secret. On 0 why is left untouched.
 */
int secret_check(const char *val, size_t len, char *why, size_t whysz);

#endif
