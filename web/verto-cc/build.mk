# @iwg/verto-cc, contact-center features on the @signalwire/js Verto client:
# build/web/verto-cc/{verto-cc.mjs,verto-cc.js,verto-cc.d.ts} (installed with
# the other bundles under share/iwg/web/verto-cc/)
WEBS += verto-cc
WEB_verto-cc_SRC = web/verto-cc
WEB_verto-cc = $(wildcard web/verto-cc/src/*.js) web/verto-cc/verto-cc.d.ts \
	web/verto-cc/build.mjs web/verto-cc/package.json
