# developer portal, served by iwg-admind under /portal/ (web/portal/README.md)
WEBS += portal
WEB_portal_SRC = web/portal
WEB_portal = $(wildcard web/portal/*.mjs web/portal/src/*.mjs web/portal/pages/*.html \
	web/portal/examples/* web/portal/static/*) web/iwg-js/iwg.d.ts docs/api/openapi.yaml
