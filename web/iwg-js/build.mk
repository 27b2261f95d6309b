# iwg.js, the SDK for web developers: build/web/sdk/{iwg.mjs,iwg.js,iwg.d.ts}
# (served by iwg-admind under /sdk/)
WEBS += sdk
WEB_sdk_SRC = web/iwg-js
WEB_sdk = $(wildcard web/iwg-js/src/*.js) web/iwg-js/iwg.d.ts \
	web/iwg-js/build.mjs web/iwg-js/package.json
