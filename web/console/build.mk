# web/console: the web console iwg-admind serves under /console/
WEBS += console
WEB_console_SRC = web/console
WEB_console = web/console/build.mjs web/console/package.json web/console/index.html web/console/icons/favicon.svg \
	$(wildcard web/console/src/*.js web/console/src/*/*.js web/console/styles/*.css)
