#!/usr/bin/env python3
"""Make an HS256 JWT for the idmap integration tests.

usage: mktoken.py KEYDIR KID CLAIMS_JSON
Times in CLAIMS_JSON may be written relative to now as strings "+60"/"-60".
"""
import base64
import hashlib
import hmac
import json
import sys
import time


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def main():
    keydir, kid, claims = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    now = int(time.time())
    for k, v in list(claims.items()):
        if isinstance(v, str) and v[:1] in "+-" and v[1:].isdigit():
            claims[k] = now + int(v)
    with open(keydir + "/hs256.key", "rb") as f:
        key = f.read().rstrip(b"\n")
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    body = b64(json.dumps(claims).encode())
    sig = hmac.new(key, (head + "." + body).encode(), hashlib.sha256).digest()
    print(head + "." + body + "." + b64(sig))


main()
