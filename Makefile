# Bulwark: one entry point. See README.md.
#
#   make deps     install what is missing (Debian packages, our wolfSSL build)
#   make          build the programs into build/bin/
#   make check    deps, build, then every test: unit and command tests,
#                 the same tests under ASan+UBSan, and a short fuzz run
#   make demo     deps, build, then the main job end to end on loopback
#   make fuzz     long fuzz runs (FUZZ_SECONDS per target, default 600)
#   make install  PREFIX (/usr/local) and DESTDIR honoured
#   make clean

PREFIX		?= /usr/local
DESTDIR		?=
FUZZ_SECONDS	?= 600
CHECK_FUZZ_SECONDS ?= 20
SHARED		?= $(abspath ../shared)

WOLFSSL		:= build/wolfssl
WOLFSSL_LIB	:= $(WOLFSSL)/lib/libwolfssl.a

# Variants: release (build/), test (build/test: test hooks compiled in),
# asan (build/asan: clang with ASan and UBSan, test hooks).
VARIANT		?= release
ifeq ($(VARIANT),release)
OUT		:= build
CC		:= gcc
VFLAGS		:= -O2 -D_FORTIFY_SOURCE=2
else ifeq ($(VARIANT),test)
OUT		:= build/test
CC		:= gcc
VFLAGS		:= -O1 -DBULWARK_TESTING
else ifeq ($(VARIANT),asan)
OUT		:= build/asan
CC		:= clang
VFLAGS		:= -O1 -DBULWARK_TESTING -fsanitize=address,undefined \
		   -fno-sanitize-recover=all -fno-omit-frame-pointer
endif

CFLAGS		:= -std=c11 -D_DEFAULT_SOURCE -g -Wall -Wextra -Werror \
		   -Wformat=2 -Wshadow -Wpointer-arith -Wstrict-prototypes \
		   -fstack-protector-strong -fPIE -I$(WOLFSSL)/include $(VFLAGS)
LDFLAGS		:= -pie -Wl,-z,relro,-z,now $(filter -fsanitize=%,$(VFLAGS))
LIBS		:= $(WOLFSSL_LIB) -lm -lpthread

COMMON_SRC	:= $(wildcard src/common/*.c)
CERT_SRC	:= $(wildcard src/cert/*.c)
TEST_SRC	:= $(wildcard tests/*.c)
COMMON_OBJ	:= $(COMMON_SRC:%.c=$(OUT)/obj/%.o)
CERT_OBJ	:= $(CERT_SRC:%.c=$(OUT)/obj/%.o)
TEST_OBJ	:= $(TEST_SRC:%.c=$(OUT)/obj/%.o)
PROGS		:= $(OUT)/bin/bulwark-cert
TESTBIN		:= $(OUT)/tests/bulwark-tests

FUZZ_TARGETS	:= $(basename $(notdir $(wildcard fuzz/fuzz_*.c)))
FUZZ_CFLAGS	:= -std=c11 -D_DEFAULT_SOURCE -g -O1 -I$(WOLFSSL)/include \
		   -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_BINS	:= $(FUZZ_TARGETS:%=build/fuzz/%)

.PHONY: all deps check demo fuzz fuzz-check bench install clean variant-progs variant-tests

all: $(WOLFSSL_LIB)
	@$(MAKE) --no-print-directory variant-progs VARIANT=release

variant-progs: $(PROGS)
variant-tests: $(PROGS) $(TESTBIN)

deps:
	@scripts/deps.sh

$(WOLFSSL_LIB): scripts/wolfssl.flags scripts/build-wolfssl.sh
	@scripts/build-wolfssl.sh

$(OUT)/obj/%.o: %.c $(WOLFSSL_LIB) $(wildcard src/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(OUT)/bin/bulwark-cert: $(CERT_OBJ) $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(TESTBIN): $(TEST_OBJ) $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) -lcriterion

build/fuzz/%: fuzz/%.c $(COMMON_SRC) $(WOLFSSL_LIB) $(wildcard src/*/*.h)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $< $(COMMON_SRC) $(LIBS)

# The tests find the programs and the test certificates through the
# environment, so one test binary serves every variant.
define run_tests
	tests/gen-certs.sh build/testcerts >/dev/null
	BWK_BIN=$(abspath $(1))/bin BWK_CERTS=$(abspath build/testcerts) \
	    BWK_SHARED=$(SHARED) $(1)/tests/bulwark-tests --jobs=2
endef

check: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory variant-tests VARIANT=test
	@$(MAKE) --no-print-directory variant-tests VARIANT=asan
	@echo "== tests (gcc, test hooks)"
	$(call run_tests,build/test)
	@echo "== tests (clang, ASan + UBSan)"
	ASAN_OPTIONS=detect_leaks=0 \
	BWK_CHILD_ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	$(call run_tests,build/asan)
	@$(MAKE) --no-print-directory fuzz-check
	@echo "== make check: all passed"

# Replays every corpus, then fuzzes each target for a short bounded time.
fuzz-check: $(FUZZ_BINS)
	@scripts/fuzz.sh check $(CHECK_FUZZ_SECONDS) $(SHARED) $(FUZZ_TARGETS)

fuzz: $(FUZZ_BINS)
	@scripts/fuzz.sh long $(FUZZ_SECONDS) $(SHARED) $(FUZZ_TARGETS)

demo: deps
	@$(MAKE) --no-print-directory all
	@scripts/demo.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 build/bin/bulwark-cert $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 man/bulwark-cert.1 $(DESTDIR)$(PREFIX)/share/man/man1/

clean:
	rm -rf build/bin build/obj build/test build/asan build/fuzz \
	    build/tests build/testcerts
