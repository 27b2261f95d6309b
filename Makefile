# iwg: top-level build.
#
#   make deps    install what is missing (root, idempotent)
#   make         build modules, lib, tools, unit tests and fuzz targets
#   make run     start the local gateway stack on loopback (Ctrl-C to stop)
#   make stop    stop a stack started by make run
#   make test    deps + build + every suite; last line "N passed, N failed"
#   make fuzz    run each libFuzzer target longer (FUZZ_SECONDS, default 60)
#   make bench   benchmarks (not part of make test)
#   make install install in Debian's layout (DESTDIR, PREFIX=/usr,
#                SYSCONFDIR=/etc; scripts/install.sh)
#   make deb     Debian packages in build/deb/ (debian/, scripts/deb.sh)
#   make images  container images iwg, iwg-redis (docker/Dockerfile,
#                scripts/images.sh; IWG_CONTAINER=podman or docker)
#   make web     browser bundles in build/web/ (sdk, console, portal, verto-cc)
#
# Components describe themselves in build.mk fragments beside their sources
# (see docs/building.md); this file only holds the rules.

TOP   := $(abspath .)
BUILD ?= $(TOP)/build
KSRC  := $(BUILD)/kamailio-src/src

CC     ?= gcc
WARN   := -Wall -Wextra -Wshadow -Wstrict-prototypes -Werror=return-type
CSTD   := -std=gnu11
# our own code builds without a single warning
WERROR ?= -Werror
SAN    := -fsanitize=address,undefined -fno-omit-frame-pointer
CFLAGS_PURE := $(CSTD) -O2 -g $(WARN) $(WERROR) -fPIC -I$(TOP)/lib

# ---------------------------------------------------------------- fragments
MODULES :=
LIB_SRCS :=
LIB_LIBS :=
UNITS :=
FUZZERS :=
BINS :=
WEBS :=
include $(sort $(wildcard modules/*/build.mk lib/*/build.mk tools/*/build.mk \
	rtpengine-ext/*/build.mk admin/build.mk tests/*/build.mk web/*/build.mk))

.PHONY: all deps modules lib bins units fuzzers test run stop fuzz bench \
	clean format check-format install deb images web
all: modules bins units fuzzers web

deps:
	@scripts/deps.sh

$(KSRC)/config.mak:
	@scripts/kamailio-src.sh $(BUILD)

# ---------------------------------------------------------------- lib
LIB_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRCS))
LIBIWG   := $(BUILD)/lib/libiwg.a
LIB_HDRS := $(wildcard lib/*/*.h)
lib: $(LIBIWG)
$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_PURE) -MMD -c $< -o $@
$(LIBIWG): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^
-include $(LIB_OBJS:.o=.d)

# ---------------------------------------------------------------- modules
# Each modules/<m>/Makefile is a Kamailio module makefile; Kamailio's headers
# are system headers here so that only our code is held to WARN.
MOD_CFLAGS := $(WARN) $(WERROR) -isystem $(KSRC) -I$(TOP)/lib
define module_rule
$(BUILD)/modules/$(1).so: $(KSRC)/config.mak $(LIBIWG) $(LIB_HDRS) $(wildcard modules/$(1)/*.c modules/$(1)/*.h modules/$(1)/Makefile)
	@mkdir -p $(BUILD)/modules
	$(MAKE) -s -C modules/$(1) COREPATH=$(KSRC) \
		CC_EXTRA_OPTS="$(MOD_CFLAGS)" IWG_LIBS="$(LIBIWG) $(LIB_LIBS)"
	cp modules/$(1)/$(1).so $$@.tmp && mv -f $$@.tmp $$@
endef
$(foreach m,$(MODULES),$(eval $(call module_rule,$(m))))
modules: $(foreach m,$(MODULES),$(BUILD)/modules/$(m).so)

# ---------------------------------------------------------------- tools
# BIN_<name> = sources; BIN_<name>_LIBS = extra -l flags
define bin_rule
$(BUILD)/bin/$(1): $(BIN_$(1)) $(LIBIWG) $(LIB_HDRS)
	@mkdir -p $(BUILD)/bin
	$(CC) $(CFLAGS_PURE) $(BIN_$(1)) $(LIBIWG) $(BIN_$(1)_LIBS) $(LIB_LIBS) -o $$@
endef
$(foreach b,$(BINS),$(eval $(call bin_rule,$(b))))
bins: $(foreach b,$(BINS),$(BUILD)/bin/$(b))

# ---------------------------------------------------------------- web
# WEBS += x; WEB_x_SRC = its folder (holding build.mjs); WEB_x = the files
# it is built from. `node <folder>/build.mjs OUT` writes build/web/x/ (the
# URL path iwg-admind serves it under: /x/); needs node_modules (make deps).
define web_rule
$(BUILD)/web/$(1)/.built: $(WEB_$(1)) $(TOP)/package-lock.json
	@rm -rf $(BUILD)/web/$(1) && mkdir -p $(BUILD)/web/$(1)
	node $(WEB_$(1)_SRC)/build.mjs $(BUILD)/web/$(1)
	@touch $$@
endef
$(foreach w,$(WEBS),$(eval $(call web_rule,$(w))))
web: $(foreach w,$(WEBS),$(BUILD)/web/$(w)/.built)

# ---------------------------------------------------------------- unit tests
# Each source is compiled once per flavour (sanitized for unit tests,
# libFuzzer-instrumented for fuzz targets) into build/san/ or build/fuzz/,
# with its header dependencies (-MMD): a test or target links the objects
# of its sources and the flavour's library, so a one-file change rebuilds
# what depends on it and nothing more.
SAN_CFLAGS  := $(CSTD) -O1 -g $(WARN) $(WERROR) $(SAN) -I$(TOP)/lib
FUZZ_CFLAGS := $(CSTD) -O1 -g -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=undefined -I$(TOP)/lib
LIBIWG_SAN  := $(BUILD)/lib/libiwg-san.a
LIBIWG_FUZZ := $(BUILD)/lib/libiwg-fuzz.a
san_objs  = $(patsubst %.c,$(BUILD)/san/%.o,$(1))
fuzz_objs = $(patsubst %.c,$(BUILD)/fuzz/%.o,$(1))

$(BUILD)/san/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) -MMD -c $< -o $@
$(BUILD)/fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -MMD -c $< -o $@
$(LIBIWG_SAN): $(call san_objs,$(LIB_SRCS))
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^
$(LIBIWG_FUZZ): $(call fuzz_objs,$(LIB_SRCS))
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# UNIT_<name> = test source + pure sources; UNIT_<name>_LIBS = extra -l flags
define unit_rule
$(BUILD)/tests/unit/test_$(1): $(call san_objs,$(UNIT_$(1))) $(LIBIWG_SAN)
	@mkdir -p $(BUILD)/tests/unit
	$(CC) $(SAN) $(call san_objs,$(UNIT_$(1))) $(LIBIWG_SAN) \
		$(UNIT_$(1)_LIBS) $(LIB_LIBS) -lcmocka -o $$@
endef
$(foreach u,$(UNITS),$(eval $(call unit_rule,$(u))))
units: $(foreach u,$(UNITS),$(BUILD)/tests/unit/test_$(u))

# ---------------------------------------------------------------- fuzzers
# FUZZ_<name> = fuzz target source + pure sources; FUZZ_<name>_LIBS
define fuzz_rule
$(BUILD)/tests/fuzz/fuzz_$(1): $(call fuzz_objs,$(FUZZ_$(1))) $(LIBIWG_FUZZ)
	@mkdir -p $(BUILD)/tests/fuzz
	clang -fsanitize=fuzzer,address,undefined \
		$(call fuzz_objs,$(FUZZ_$(1))) $(LIBIWG_FUZZ) \
		$(FUZZ_$(1)_LIBS) $(LIB_LIBS) -o $$@
endef
$(foreach f,$(FUZZERS),$(eval $(call fuzz_rule,$(f))))
fuzzers: $(foreach f,$(FUZZERS),$(BUILD)/tests/fuzz/fuzz_$(f))

-include $(shell find $(BUILD)/san $(BUILD)/fuzz -name '*.d' 2>/dev/null)

FUZZ_SECONDS ?= 60
fuzz: fuzzers
	@for f in $(FUZZERS); do \
		tests/fuzz/run-one.sh $(BUILD) $$f $(FUZZ_SECONDS) || exit 1; \
	done

# `make build/bin/iwg-ng` works like the absolute path
ifeq ($(BUILD),$(TOP)/build)
build/%: FORCE
	@$(MAKE) --no-print-directory $(BUILD)/$*
.PHONY: FORCE
FORCE:
endif

# ---------------------------------------------------------------- run, test
# only what the stack runs: modules and tools (tests build in make test)
run: deps modules bins
	@scripts/run.sh

stop:
	@scripts/stop.sh

# the images are built here, in the host's network namespace (the suites
# run in one without a route to the Debian mirror); a failed build is
# reported by the integration/install/03-containers suite
test: deps
	@$(MAKE) --no-print-directory all
	@CONTAINERS_CONF=$(TOP)/tests/containers.conf IWG_CONTAINER=podman \
		IWG_BASE_PULL=0 BUILD="$(BUILD)" scripts/images.sh || true
	@tests/run.sh

bench: deps all
	@tests/bench/run.sh

# Debian packages in build/deb/ (dpkg-buildpackage; the Kamailio source the
# modules build against is fetched first)
deb: deps $(KSRC)/config.mak web
	@scripts/deb.sh

# container images (docker/README.md); podman when present, else docker
IWG_CONTAINER ?= $(shell command -v podman >/dev/null 2>&1 && echo podman || echo docker)
images: web
	@IWG_CONTAINER=$(IWG_CONTAINER) BUILD="$(BUILD)" scripts/images.sh

PREFIX ?= /usr
SYSCONFDIR ?= /etc
install: modules bins web
	@DESTDIR="$(DESTDIR)" PREFIX="$(PREFIX)" SYSCONFDIR="$(SYSCONFDIR)" \
		BUILD="$(BUILD)" scripts/install.sh

C_SOURCES = $(shell git ls-files '*.c' '*.h')
format:
	clang-format -i $(C_SOURCES)
check-format:
	@clang-format --dry-run --Werror $(C_SOURCES)

clean:
	rm -rf $(BUILD)/modules $(BUILD)/obj $(BUILD)/lib $(BUILD)/bin \
		$(BUILD)/tests $(BUILD)/test-runs $(BUILD)/test-logs $(BUILD)/fuzz-work \
		$(BUILD)/web
	for m in $(MODULES); do rm -f modules/$$m/*.o modules/$$m/*.d \
		modules/$$m/*.so modules/$$m/*.lst; done
