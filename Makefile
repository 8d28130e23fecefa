# Bulwark: one entry point. See README.md.
#
#   make deps     install what is missing (Debian packages, our wolfSSL build)
#   make          build the programs into build/bin/
#   make check    deps, build, then every test: unit and command tests,
#                 the same tests under ASan+UBSan, and a short fuzz run
#   make demo     deps, build, then the main job end to end on loopback
#   make docs     docs/options.md, from the options table
#   make fuzz     long fuzz runs (FUZZ_SECONDS per target, default 600,
#                 or FUZZ_RUNS executions, FUZZ_WORKERS processes to a
#                 target; FUZZ_TARGETS picks targets)
#   make bench    backup, restore, small files, handshakes, start-up and
#                 memory beside bare peers, as ratios (README, Benchmarks)
#   make install  PREFIX (/usr/local) and DESTDIR honoured
#   make deb      the Debian packages, into build/deb/ (debian/)
#   make clean

PREFIX		?= /usr/local
SYSCONFDIR	?= /etc
# libbulwark's directory; the packages use Debian's multiarch one.
LIBDIR		?= $(PREFIX)/lib
DESTDIR		?=
# SETGID=1: install bulwark-keyd setgid to group bulwark, and the system
# key database 0640 root:bulwark, so ordinary users can run sessions with
# the system trust store without being able to read it.
SETGID		?= 0
FUZZ_SECONDS	?= 600
CHECK_FUZZ_SECONDS ?= 10
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
else ifeq ($(VARIANT),install)
OUT		:= build/install
CC		:= gcc
VFLAGS		:= -O2 -D_FORTIFY_SOURCE=2
KEYD_PATH	:= $(PREFIX)/libexec/bulwark/bulwark-keyd
SERVER_KEYD_PATH := $(PREFIX)/libexec/bulwark/bulwarkd-keyd
SESSION_PATH	:= $(PREFIX)/libexec/bulwark/bulwarkd-session
SYSTEM_DIR	:= $(SYSCONFDIR)/bulwark
SYSOPT_FILE	:= $(SYSCONFDIR)/bulwark.sys
else ifeq ($(VARIANT),asan)
OUT		:= build/asan
CC		:= clang
VFLAGS		:= -O1 -DBULWARK_TESTING -fsanitize=address,undefined \
		   -fno-sanitize-recover=all -fno-omit-frame-pointer
else ifeq ($(VARIANT),pic)
# libbulwark.so's objects, for programs in this tree (the example): the
# tree's key helper
OUT		:= build/pic
CC		:= gcc
VFLAGS		:= -O2 -D_FORTIFY_SOURCE=2 -fPIC
KEYD_PATH	:= $(abspath build)/bin/bulwark-keyd
else ifeq ($(VARIANT),install-pic)
# and for the installed library: the installed helper
OUT		:= build/install-pic
CC		:= gcc
VFLAGS		:= -O2 -D_FORTIFY_SOURCE=2 -fPIC
KEYD_PATH	:= $(PREFIX)/libexec/bulwark/bulwark-keyd
SERVER_KEYD_PATH := $(PREFIX)/libexec/bulwark/bulwarkd-keyd
SESSION_PATH	:= $(PREFIX)/libexec/bulwark/bulwarkd-session
SYSTEM_DIR	:= $(SYSCONFDIR)/bulwark
SYSOPT_FILE	:= $(SYSCONFDIR)/bulwark.sys
else
$(error unknown VARIANT '$(VARIANT)': use release, test, asan, install, pic or install-pic)
endif

# The client execs the helper by this absolute path only (no PATH search,
# no environment override). Builds in the tree use the tree's helper;
# `make install` builds a variant with the installed path.
KEYD_PATH	?= $(abspath $(OUT))/bin/bulwark-keyd
# The server's session process starts its own copy of the helper, which
# is never setgid (src/tls/keyd_client.h says why); in the tree, the same.
SERVER_KEYD_PATH ?= $(KEYD_PATH)
SESSION_PATH	?= $(abspath $(OUT))/bin/bulwarkd-session
SYSTEM_DIR	?= /etc/bulwark
# The system options file is beside the key-database directory, not in it:
# every user who runs sessions reads it, and only root the database.
SYSOPT_FILE	?= /etc/bulwark.sys

# Packagers' CFLAGS and LDFLAGS (from the environment or the command
# line) are kept as they are and come first; ours follow in BWK_CFLAGS
# and BWK_LDFLAGS, so a sub-make of another variant never inherits them.
# Function and data sections let the linker drop what a program does not
# call (--gc-sections), so a program holds only the code of its side.
BWK_CFLAGS	:= -std=c11 -D_DEFAULT_SOURCE -g -Wall -Wextra -Werror \
		   -Wformat=2 -Wshadow -Wpointer-arith -Wstrict-prototypes \
		   -fstack-protector-strong -fPIE -ffunction-sections \
		   -fdata-sections -I$(WOLFSSL)/include $(VFLAGS) \
		   -DBULWARK_KEYD_PATH='"$(KEYD_PATH)"' \
		   -DBULWARK_SERVER_KEYD_PATH='"$(SERVER_KEYD_PATH)"' \
		   -DBULWARK_SESSION_PATH='"$(SESSION_PATH)"' \
		   -DBULWARK_SYSTEM_DIR='"$(SYSTEM_DIR)"' \
		   -DBULWARK_SYSOPT_FILE='"$(SYSOPT_FILE)"' -MMD -MP
# Every wolfCrypt RSA operation through src/lib/selftest_defer.c, so the
# RSA known-answer test runs before a process's first RSA operation rather
# than at every start (selftest.h; SECURITY.md, self-tests).
BWK_RSA_WRAPPED	:= wc_RsaFunction wc_RsaSSL_Sign wc_RsaSSL_Verify \
		   wc_RsaSSL_VerifyInline wc_RsaSSL_Verify_ex \
		   wc_RsaSSL_Verify_ex2 wc_RsaPSS_Sign wc_RsaPSS_Sign_ex \
		   wc_RsaPSS_Verify wc_RsaPSS_Verify_ex wc_RsaPSS_VerifyInline \
		   wc_RsaPSS_VerifyInline_ex wc_RsaPSS_VerifyCheck \
		   wc_RsaPSS_VerifyCheckInline wc_RsaPublicEncrypt \
		   wc_RsaPublicEncrypt_ex wc_RsaPrivateDecrypt \
		   wc_RsaPrivateDecrypt_ex wc_RsaPrivateDecryptInline \
		   wc_RsaPrivateDecryptInline_ex wc_MakeRsaKey \
		   wc_RsaPrivateKeyValidate
BWK_RSA_WRAP	:= $(foreach f,$(BWK_RSA_WRAPPED),-Wl,--wrap=$(f))
BWK_LDFLAGS	:= -pie -Wl,-z,relro,-z,now -Wl,--gc-sections \
		   $(BWK_RSA_WRAP) $(filter -fsanitize=%,$(VFLAGS))
WOLFSSL_LIBS	:= $(WOLFSSL_LIB) -lm -lpthread
# The client's verifier asks Debian's libpsl about public suffixes.
PSL_LIBS	:= -lpsl
# The server's catalog is Debian's SQLite (src/catalog, docs/catalog.md).
SQLITE_LIBS	:= -lsqlite3

# One folder per trust side, each a static library; each program lists
# what it links (docs/architecture.md; scripts/check-layout.sh checks it):
#   src/lib     messages, utilities, the helper protocol's framing,
#               certificate files, self-tests: everyone
#   src/kdb     the key database, the stash, the store (the secrets):
#               bulwark-cert and bulwark-keyd only
#   src/tls     the policy, the session, its trust decision, the helper's
#               stubs: bulwark (later bulwarkd)
#   src/verify  path validation: bulwark
#   sandbox     seccomp and Landlock profiles: bulwark and bulwark-keyd
#   src/catalog the server's SQLite catalog (nodes, administrators,
#               backup objects): the server only
#   src/files   the file side (the user's files: restore paths beneath
#               the destination): bulwark's parent only
LIB_SRC		:= $(wildcard src/lib/*.c)
KDB_SRC		:= $(wildcard src/kdb/*.c)
TLS_SRC		:= $(wildcard src/tls/*.c)
VERIFY_SRC	:= $(wildcard src/verify/*.c)
SANDBOX_SRC	:= $(wildcard sandbox/*.c)
CATALOG_SRC	:= $(wildcard src/catalog/*.c)
FILES_SRC	:= $(wildcard src/files/*.c)
CERT_SRC	:= $(wildcard src/cert/*.c)
KEYD_SRC	:= $(wildcard src/keyd/*.c)
CLIENT_SRC	:= $(wildcard src/client/*.c)
SERVER_SRC	:= $(wildcard src/server/*.c)
SRVSESS_SRC	:= $(wildcard src/srvsession/*.c)
TEST_SRC	:= $(wildcard tests/*.c)

objs		= $(patsubst %.c,$(OUT)/obj/%.o,$(1))
comma		:= ,
A_LIB		:= $(OUT)/lib/libbwk_lib.a
A_KDB		:= $(OUT)/lib/libbwk_kdb.a
A_TLS		:= $(OUT)/lib/libbwk_tls.a
A_VERIFY	:= $(OUT)/lib/libbwk_verify.a
A_SANDBOX	:= $(OUT)/lib/libbwk_sandbox.a
A_CATALOG	:= $(OUT)/lib/libbwk_catalog.a
A_FILES		:= $(OUT)/lib/libbwk_files.a

CERT_OBJ	:= $(call objs,$(CERT_SRC))
KEYD_OBJ	:= $(call objs,$(KEYD_SRC))
CLIENT_OBJ	:= $(call objs,$(CLIENT_SRC))
SERVER_OBJ	:= $(call objs,$(SERVER_SRC))
SRVSESS_OBJ	:= $(call objs,$(SRVSESS_SRC))
# The tests write content files as a session process does.
SRVCONTENT_OBJ	:= $(OUT)/obj/src/srvsession/content.o
# bulwarkd-session reads bulwarkd.opt with the listener's parser, and
# the default certificate's label with its reader (no key database).
SRVOPTS_OBJ	:= $(OUT)/obj/src/server/srvopts.o \
		   $(OUT)/obj/src/server/certlabel.o
TEST_OBJ	:= $(call objs,$(TEST_SRC))
# The tests call the helper's dispatch and the client's options directly.
KEYD_LIB_OBJ	:= $(filter-out %/keyd.o,$(KEYD_OBJ))
CLIENT_LIB_OBJ	:= $(filter-out %/main.o,$(CLIENT_OBJ))
# and the server's administrative command grammar, on its own
ADMIN_PARSE_OBJ	:= $(OUT)/obj/src/srvsession/admin_parse.o
PROGS		:= $(OUT)/bin/bulwark-cert $(OUT)/bin/bulwark-keyd \
		   $(OUT)/bin/bulwark $(OUT)/bin/bulwarkd \
		   $(OUT)/bin/bulwarkd-session
TESTBIN		:= $(OUT)/tests/bulwark-tests

FUZZ_TARGETS	:= $(basename $(notdir $(wildcard fuzz/fuzz_*.c)))
# FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION: PBKDF2 runs one round
# (SCRAM_KDF_ROUNDS in src/lib/scram.h); never in a program's build.
FUZZ_CFLAGS	:= -std=c11 -D_DEFAULT_SOURCE -g -O1 -I$(WOLFSSL)/include \
		   -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION \
		   -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
# FUZZ_OUT: where the targets are built; make fuzz-cover builds them
# again with coverage instead of the sanitizers, into build/fuzz-cov.
FUZZ_OUT	?= build/fuzz
FUZZ_BINS	:= $(FUZZ_TARGETS:%=$(FUZZ_OUT)/%)

.PHONY: fuzz-cover deb check-man pkg-check variant-lib lib FORCE setgid-install setgid-remove all deps check demo docs fuzz fuzz-check bench install clean variant-progs variant-tests

all: $(WOLFSSL_LIB) build/bulwarkd.service
	@$(MAKE) --no-print-directory variant-progs VARIANT=release

# The unit names the installed server; `make install` writes its own.
build/bulwarkd.service: systemd/bulwarkd.service.in
	@mkdir -p $(dir $@)
	sed 's|@SBINDIR@|$(PREFIX)/sbin|g' $< >$@

# The catalog library is built with the programs, so that every variant
# compiles it, though only the server (and the tests) link it.
variant-progs: $(PROGS) $(A_CATALOG)
variant-tests: $(PROGS) $(TESTBIN) $(OUT)/tests/keyd-poke \
		$(OUT)/tools/options-doc

# libbulwark (src/tls/bulwark.h, libbulwark(3)): the client's session
# library for other programs, from the folders of bulwark's two sides
# (the session, the verifier, the sandbox, the shared code, and the file
# side's walk and backup of a path list) with our static wolfSSL inside;
# the version script exports bulwark.h's calls and nothing else. The
# calling program is the file side of its backups.
LIBBWK_SRC	:= $(TLS_SRC) $(VERIFY_SRC) $(SANDBOX_SRC) $(FILES_SRC) \
		   $(LIB_SRC)
LIBBWK_SOVER	:= 0
LIBBWK_SO	:= $(OUT)/lib/libbulwark.so.$(LIBBWK_SOVER)

variant-lib: $(LIBBWK_SO) $(OUT)/lib/libbulwark.a

$(LIBBWK_SO): $(call objs,$(LIBBWK_SRC)) $(OUT)/obj/policy_builtin.o \
		src/tls/libbulwark.map $(WOLFSSL_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -shared -Wl,-soname,libbulwark.so.$(LIBBWK_SOVER) \
	    -Wl,--version-script=src/tls/libbulwark.map -Wl,-z,relro,-z,now \
	    -Wl,--gc-sections -Wl,--exclude-libs,ALL $(BWK_RSA_WRAP) -o $@ \
	    $(filter %.o,$^) $(WOLFSSL_LIBS) -lseccomp $(PSL_LIBS)
	ln -sf libbulwark.so.$(LIBBWK_SOVER) $(OUT)/lib/libbulwark.so

# The static library holds wolfSSL's objects too, so that a program links
# -lbulwark and the system libraries only (pkg-config --static).
$(OUT)/lib/libbulwark.a: $(A_TLS) $(A_VERIFY) $(A_SANDBOX) $(A_FILES) $(A_LIB) \
		$(WOLFSSL_LIB)
	@mkdir -p $(dir $@)
	@rm -f $@
	{ echo "create $@"; for a in $^; do echo "addlib $$a"; done; \
	    echo save; echo end; } | ar -M

# The library for this tree, and its example program (examples/), which
# the tests run against bulwarkd.
lib: $(WOLFSSL_LIB) all
	@$(MAKE) --no-print-directory variant-lib VARIANT=pic
	@$(MAKE) --no-print-directory build/examples/bwk-backup-one \
	    build/examples/bwk-backup-paths

build/examples/%: examples/%.c src/tls/bulwark.h \
		build/pic/lib/libbulwark.so.$(LIBBWK_SOVER)
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -Wall -Wextra -Werror -O2 -Isrc/tls -o $@ $< \
	    -Lbuild/pic/lib -Wl,-rpath,$(abspath build/pic/lib) -lbulwark

deps:
	@scripts/deps.sh

$(WOLFSSL_LIB): scripts/wolfssl.flags scripts/build-wolfssl.sh
	@scripts/build-wolfssl.sh

$(OUT)/obj/%.o: %.c $(WOLFSSL_LIB) $(OUT)/.keyd-path
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(BWK_CFLAGS) -c $< -o $@

-include $(shell find $(OUT)/obj -name '*.d' 2>/dev/null)

$(A_LIB): $(call objs,$(LIB_SRC))
$(A_KDB): $(call objs,$(KDB_SRC))
$(A_TLS): $(call objs,$(TLS_SRC)) $(OUT)/obj/policy_builtin.o
$(A_VERIFY): $(call objs,$(VERIFY_SRC))
$(A_SANDBOX): $(call objs,$(SANDBOX_SRC))
$(A_CATALOG): $(call objs,$(CATALOG_SRC))
$(A_FILES): $(call objs,$(FILES_SRC))
$(OUT)/lib/%.a:
	@mkdir -p $(dir $@)
	@rm -f $@
	ar rcs $@ $^

# The built-in policy is policy/bulwark.policy, compiled in as a string.
$(OUT)/gen/policy_builtin.c: policy/bulwark.policy
	@mkdir -p $(dir $@)
	{ echo '/* generated from policy/bulwark.policy: edit that file */'; \
	  echo 'const char policy_builtin_text[] ='; \
	  sed 's/\\/\\\\/g; s/"/\\"/g; s/^/"/; s/$$/\\n"/' $<; \
	  echo ';'; } >$@

$(OUT)/obj/policy_builtin.o: $(OUT)/gen/policy_builtin.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(BWK_CFLAGS) -c $< -o $@

# Rebuild when a compiled-in path changes, or the packagers' flags do
# (a package is built with dpkg-buildflags', a tree without).
KEYD_STAMP	= $(KEYD_PATH) $(SERVER_KEYD_PATH) $(SESSION_PATH) $(SYSTEM_DIR) \
		  $(SYSOPT_FILE) $(CFLAGS) $(LDFLAGS)
$(OUT)/.keyd-path: FORCE
	@mkdir -p $(dir $@)
	@echo '$(KEYD_STAMP)' | cmp -s - $@ || echo '$(KEYD_STAMP)' >$@

FORCE:

# Each program: its own objects, then the libraries of its side.
$(OUT)/bin/bulwark-cert: $(CERT_OBJ) $(A_KDB) $(A_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $(BWK_LDFLAGS) -o $@ $^ $(WOLFSSL_LIBS)

$(OUT)/bin/bulwark-keyd: $(KEYD_OBJ) $(A_KDB) $(A_SANDBOX) $(A_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $(BWK_LDFLAGS) -o $@ $^ $(WOLFSSL_LIBS) -lseccomp

$(OUT)/bin/bulwark: $(CLIENT_OBJ) $(A_TLS) $(A_VERIFY) $(A_FILES) \
		$(A_SANDBOX) $(A_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $(BWK_LDFLAGS) -o $@ $^ $(WOLFSSL_LIBS) -lseccomp $(PSL_LIBS)

# bulwarkd: the listener and the administration commands, which make and
# store the server's keys; it never parses a client's bytes.
$(OUT)/bin/bulwarkd: $(SERVER_OBJ) $(A_CATALOG) $(A_KDB) $(A_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $(BWK_LDFLAGS) -o $@ $^ $(WOLFSSL_LIBS) $(SQLITE_LIBS)

# bulwarkd-session: one client's session, sandboxed; no key database.
$(OUT)/bin/bulwarkd-session: $(SRVSESS_OBJ) $(SRVOPTS_OBJ) $(A_TLS) \
		$(A_CATALOG) $(A_SANDBOX) $(A_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $(BWK_LDFLAGS) -o $@ $^ $(WOLFSSL_LIBS) -lseccomp \
	    $(SQLITE_LIBS)

$(OUT)/tests/keyd-poke: $(OUT)/obj/tests/tools/keyd_poke.o $(A_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $(BWK_LDFLAGS) -o $@ $^ $(WOLFSSL_LIBS)

# docs/options.md is printed from the options table: make docs writes it,
# make check fails when the committed page differs.
$(OUT)/tools/options-doc: $(OUT)/obj/tests/tools/options_doc.o \
		$(OUT)/obj/src/client/options_table.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $(BWK_LDFLAGS) -o $@ $^

docs: $(WOLFSSL_LIB)
	@$(MAKE) --no-print-directory build/tools/options-doc
	build/tools/options-doc >docs/options.md

# The tests reach into every side, as one process. No --gc-sections:
# Criterion finds its tests in a section nothing else refers to. GNU
# SASL is the independent SCRAM peer of tests/test_scram.c, and Debian's
# libsqlite3 what the session process's sandbox must let work
# (tests/test_sandbox_sqlite.c): the test binary links them, no program
# does yet.
$(TESTBIN): $(TEST_OBJ) $(KEYD_LIB_OBJ) $(CLIENT_LIB_OBJ) $(ADMIN_PARSE_OBJ) \
		$(SRVCONTENT_OBJ) $(A_TLS) $(A_VERIFY) $(A_KDB) $(A_CATALOG) \
		$(A_FILES) $(A_SANDBOX) $(A_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $(filter-out -Wl$(comma)--gc-sections,$(BWK_LDFLAGS)) -o $@ $^ $(WOLFSSL_LIBS) -lseccomp $(PSL_LIBS) \
	    $(SQLITE_LIBS) -lcriterion -lgsasl

# Fuzz targets: clang with libFuzzer, built from the sources of the side
# they test (src/lib and src/kdb for the file formats).
FUZZ_DEPS	:= $(WOLFSSL_LIB) $(wildcard src/*/*.h sandbox/*.h fuzz/*.h)
$(FUZZ_OUT)/%: fuzz/%.c $(LIB_SRC) $(KDB_SRC) $(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $< $(LIB_SRC) $(KDB_SRC) $(WOLFSSL_LIBS)

# The options parser: the client's options files, without its main, and
# the include and exclude patterns' grammar it shares with the file side.
OPTIONS_SRC	:= $(wildcard src/client/options*.c) src/files/inclexcl.c
$(FUZZ_OUT)/fuzz_options: fuzz/fuzz_options.c $(LIB_SRC) $(OPTIONS_SRC) \
		$(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $< $(OPTIONS_SRC) $(LIB_SRC) $(WOLFSSL_LIBS)

# The helper's dispatch: its handlers, without its main.
$(FUZZ_OUT)/fuzz_keyd: fuzz/fuzz_keyd.c $(LIB_SRC) $(KDB_SRC) $(KEYD_SRC) \
		$(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $< $(filter-out %/keyd.c,$(KEYD_SRC)) \
	    $(LIB_SRC) $(KDB_SRC) $(WOLFSSL_LIBS)

# The client's handshake: the session code with a memory transport; the
# target answers the key helper's stubs itself (no keyd_client.c), with
# the test-only keys of fuzz/handshake/ compiled in.
FUZZ_SESSION_SRC := $(filter-out %/keyd_client.c,$(TLS_SRC)) $(VERIFY_SRC) \
		    $(SANDBOX_SRC) $(LIB_SRC)
build/gen/fuzz_handshake_keys.c: fuzz/handshake/server.key \
		fuzz/handshake/client.key fuzz/handshake/client.pem
	@mkdir -p $(dir $@)
	{ echo '/* generated from fuzz/handshake/: test-only keys */'; \
	  for v in server_key:server.key client_key:client.key \
		client_cert:client.pem; do \
	    echo "const char fuzz_$${v%%:*}_pem[] ="; \
	    sed 's/^/"/; s/$$/\\n"/' fuzz/handshake/$${v#*:}; echo ';'; \
	  done; } >$@

$(FUZZ_OUT)/fuzz_handshake: fuzz/fuzz_handshake.c $(FUZZ_SESSION_SRC) \
		build/gen/policy_builtin.c build/gen/fuzz_handshake_keys.c \
		$(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -DBULWARK_KEYD_PATH='"/nonexistent/bulwark-keyd"' \
	    -DBULWARK_SYSTEM_DIR='"/nonexistent"' -o $@ $< $(FUZZ_SESSION_SRC) \
	    build/gen/policy_builtin.c build/gen/fuzz_handshake_keys.c \
	    $(WOLFSSL_LIBS) $(PSL_LIBS) -lseccomp

# Administration's parsers of peer bytes: the client's ROWS reader and
# the server's command grammar (with the catalog's name rules, so SQLite
# links), with the ROWS builder to read back.
ADMIN_FUZZ_SRC	:= src/tls/rows.c src/tls/wire.c \
		   src/srvsession/admin_parse.c $(CATALOG_SRC)
$(FUZZ_OUT)/fuzz_admin: fuzz/fuzz_admin.c $(ADMIN_FUZZ_SRC) $(LIB_SRC) \
		$(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $< $(ADMIN_FUZZ_SRC) $(LIB_SRC) \
	    $(WOLFSSL_LIBS) $(SQLITE_LIBS)

# The catalog's rows read back: forged rows in a real SQLite catalog,
# read by the catalog's own readers.
$(FUZZ_OUT)/fuzz_catalog: fuzz/fuzz_catalog.c $(CATALOG_SRC) $(LIB_SRC) \
		$(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $< $(CATALOG_SRC) $(LIB_SRC) \
	    $(WOLFSSL_LIBS) $(SQLITE_LIBS)

# The session protocol, each side fed its peer's bytes: the frames and
# the side's own code; the target stands in for the TLS session under
# them (no session.c, session_exporter.c, tls_facts.c) and, on the
# client, for the key helper's stubs (no keyd_client.c). The server's
# side runs against a real catalog and data directory, as the session
# process does, with its administrative commands and a node's objects;
# both sides take ROWS with rows.c.
FUZZ_WIRE_SRC	:= src/tls/wire.c src/tls/session_wire.c src/tls/session_msg.c \
		   src/tls/rows.c
FUZZ_WIRE_FLAGS	:= -DBULWARK_KEYD_PATH='"/nonexistent/bulwark-keyd"'
FUZZ_SERVE_SRC	:= src/srvsession/serve.c src/srvsession/signon.c \
		   src/srvsession/admin.c src/srvsession/admin_parse.c \
		   src/srvsession/standby.c src/srvsession/objreq.c \
		   src/srvsession/backup.c src/srvsession/query.c \
		   src/srvsession/restore.c src/srvsession/content.c \
		   src/srvsession/group.c \
		   src/tls/objects.c src/server/srvopts.c
$(FUZZ_OUT)/fuzz_serve: fuzz/fuzz_serve.c $(FUZZ_SERVE_SRC) $(FUZZ_WIRE_SRC) \
		$(CATALOG_SRC) $(LIB_SRC) $(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $(FUZZ_WIRE_FLAGS) -o $@ $< $(FUZZ_SERVE_SRC) \
	    $(FUZZ_WIRE_SRC) $(CATALOG_SRC) $(LIB_SRC) $(WOLFSSL_LIBS) \
	    $(SQLITE_LIBS)

$(FUZZ_OUT)/fuzz_signon: fuzz/fuzz_signon.c src/tls/session_signon.c \
		src/tls/session_rotate.c $(FUZZ_WIRE_SRC) $(LIB_SRC) \
		$(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $(FUZZ_WIRE_FLAGS) -o $@ $< \
	    src/tls/session_signon.c src/tls/session_rotate.c \
	    $(FUZZ_WIRE_SRC) $(LIB_SRC) \
	    $(WOLFSSL_LIBS)

# The network process's side of the object frames, fed a server's bytes:
# its code and the frames, the target standing in for the TLS session.
$(FUZZ_OUT)/fuzz_objects: fuzz/fuzz_objects.c src/tls/session_objects.c \
		src/tls/objects.c $(FUZZ_WIRE_SRC) $(LIB_SRC) $(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $(FUZZ_WIRE_FLAGS) -o $@ $< \
	    src/tls/session_objects.c src/tls/objects.c $(FUZZ_WIRE_SRC) \
	    $(LIB_SRC) $(WOLFSSL_LIBS)

# The file side's reading of the network process's answers: the real
# stubs over a real socketpair, with the library around them.
$(FUZZ_OUT)/fuzz_fileside: fuzz/fuzz_fileside.c $(TLS_SRC) $(VERIFY_SRC) \
		$(SANDBOX_SRC) $(LIB_SRC) build/gen/policy_builtin.c $(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -DBULWARK_KEYD_PATH='"/nonexistent/bulwark-keyd"' \
	    -DBULWARK_SYSTEM_DIR='"/nonexistent"' -o $@ $< $(TLS_SRC) \
	    $(VERIFY_SRC) $(SANDBOX_SRC) $(LIB_SRC) build/gen/policy_builtin.c \
	    $(WOLFSSL_LIBS) $(PSL_LIBS) -lseccomp

# The file side's parsers (a server's names, the include and exclude
# patterns, the INCLEXCL file and the mount table): its code alone, but
# the backup's run, which calls the session.
FILES_PARSE_SRC	:= $(filter-out %/backup_run.c,$(FILES_SRC))
$(FUZZ_OUT)/fuzz_restore_name $(FUZZ_OUT)/fuzz_inclexcl \
		$(FUZZ_OUT)/fuzz_inclexcl_file: $(FUZZ_OUT)/%: \
		fuzz/%.c $(FILES_SRC) $(LIB_SRC) $(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $< $(FILES_PARSE_SRC) $(LIB_SRC) \
	    $(WOLFSSL_LIBS)

# The path validator, with libpsl as the client links it.
$(FUZZ_OUT)/fuzz_verify: fuzz/fuzz_verify.c $(VERIFY_SRC) $(LIB_SRC) \
		$(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $< $(VERIFY_SRC) $(LIB_SRC) $(WOLFSSL_LIBS) \
	    $(PSL_LIBS)

# bulwark-cert's commands, without its main.
$(FUZZ_OUT)/fuzz_certops: fuzz/fuzz_certops.c $(CERT_SRC) $(LIB_SRC) \
		$(KDB_SRC) $(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $< $(filter-out %/main.c,$(CERT_SRC)) \
	    $(LIB_SRC) $(KDB_SRC) $(WOLFSSL_LIBS)

# The tests find the programs, the test certificates and their own
# scripts (BWK_SRC) through the environment, so one test binary serves
# every variant.
define run_tests
	tests/gen-certs.sh build/testcerts >/dev/null
	$(2) BWK_BIN=$(abspath $(1))/bin BWK_CERTS=$(abspath build/testcerts) \
	    BWK_SHARED=$(SHARED) BWK_SRC=$(abspath .) \
	    $(1)/tests/bulwark-tests --jobs=2
endef

# The sanitizer runner forks from threads, where leak checks misfire; the
# programs it starts get leak checks through BWK_CHILD_ASAN_OPTIONS.
ASAN_ENV	:= ASAN_OPTIONS=detect_leaks=0 \
		   BWK_CHILD_ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		   UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# As root, check also installs a setgid helper into SETGID_TEST for the
# setgid tests (the helper's location is compiled in, so it is a fixed
# path per tree; set it to run two trees' checks at once).
SETGID_TEST	?= /tmp/bulwark-setgid-test

setgid-install:
	@if [ "$$(id -u)" = 0 ]; then \
	    rm -rf $(SETGID_TEST) && install -d -m 0755 $(SETGID_TEST) && \
	    $(MAKE) --no-print-directory install PREFIX=$(SETGID_TEST) \
		SYSCONFDIR=$(SETGID_TEST)/etc SETGID=1 >/dev/null && \
	    install -m 0755 build/test/tests/keyd-poke $(SETGID_TEST)/; \
	else echo "setgid tests: not root, skipped"; fi

# A setgid helper is not left behind: removed after its tests, pass or
# fail, and make check fails if it is still there.
setgid-remove:
	@if [ -f $(SETGID_TEST)/libexec/bulwark/bulwark-keyd ]; then \
	    rm -rf $(SETGID_TEST); fi
	@if [ -e $(SETGID_TEST)/libexec/bulwark/bulwark-keyd ]; then \
	    echo "$(SETGID_TEST): the setgid helper is still there" >&2; \
	    exit 1; fi

check: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory lib
	@echo "== each program holds only the code of its side"
	@scripts/check-layout.sh build $(WOLFSSL_LIB)
	@echo "== every limbo and PKITS case as its suite expects, or as docs/conformance.md excepts"
	@scripts/check-conformance.sh $(SHARED) build/bin/bulwark
	@$(MAKE) --no-print-directory variant-tests VARIANT=test
	@$(MAKE) --no-print-directory variant-tests VARIANT=asan
	@$(MAKE) --no-print-directory setgid-install
	@echo "== tests (gcc, test hooks)"
	$(call run_tests,build/test,BWK_SETGID_PREFIX=$(SETGID_TEST)) || \
	    { $(MAKE) --no-print-directory setgid-remove; exit 1; }
	@$(MAKE) --no-print-directory setgid-remove
	@echo "== tests (clang, ASan + UBSan)"
	$(call run_tests,build/asan,$(ASAN_ENV))
	@$(MAKE) --no-print-directory fuzz-check
	@echo "== every message ID is documented, with the texts the code prints"
	@scripts/check-messages.sh
	@echo "== docs/options.md is the options table"
	@build/test/tools/options-doc | diff -u docs/options.md - || \
	    { echo "docs/options.md differs from the table: run make docs"; \
	    exit 1; }
	@echo "== every manual page renders without warnings"
	@scripts/check-man.sh
	@echo "== the Debian packages: built, lintian, installed, a backup and restore, purged"
	@tests/pkg-test.sh
	@echo "== make check: all passed"

# Replays every corpus, then fuzzes each target for a short bounded time.
fuzz-check: $(FUZZ_BINS)
	@FUZZ_RUNS= FUZZ_WORKERS= scripts/fuzz.sh check $(CHECK_FUZZ_SECONDS) $(SHARED) $(FUZZ_TARGETS)

fuzz: $(FUZZ_BINS)
	@FUZZ_RUNS='$(FUZZ_RUNS)' FUZZ_WORKERS='$(FUZZ_WORKERS)' scripts/fuzz.sh long $(FUZZ_SECONDS) $(SHARED) $(FUZZ_TARGETS)

# The line coverage each target's corpus reaches (docs/fuzzing.md): the
# targets again with clang's coverage and libFuzzer, no sanitizers.
FUZZ_COV_CFLAGS	:= -std=c11 -D_DEFAULT_SOURCE -g -O1 -I$(WOLFSSL)/include \
		   -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION \
		   -fsanitize=fuzzer -fprofile-instr-generate -fcoverage-mapping
fuzz-cover: $(WOLFSSL_LIB)
	@$(MAKE) --no-print-directory FUZZ_OUT=build/fuzz-cov \
	    FUZZ_CFLAGS='$(FUZZ_COV_CFLAGS)' \
	    $(FUZZ_TARGETS:%=build/fuzz-cov/%)
	@scripts/fuzz-cover.sh $(FUZZ_TARGETS)

demo: deps
	@$(MAKE) --no-print-directory all
	@scripts/demo.sh

build/bench/bench_crypto: bench/bench_crypto.c $(WOLFSSL_LIB)
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_DEFAULT_SOURCE -O2 -I$(WOLFSSL)/include -o $@ $< $(WOLFSSL_LIBS)

# The bare peers of the throughput and handshake cases: one source, linked
# once with OpenSSL's libssl and once with our wolfSSL build (bench/stream.c).
BENCH_CFLAGS	:= -std=c11 -D_DEFAULT_SOURCE -O2 -Wall -Wextra -Werror
build/bench/stream-openssl: bench/stream.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -DBENCH_OPENSSL -o $@ $< -lssl -lcrypto

build/bench/stream-wolfssl: bench/stream.c $(WOLFSSL_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -DBENCH_WOLFSSL -I$(WOLFSSL)/include -o $@ $< \
	    $(WOLFSSL_LIBS)

BENCH_PROGS	:= build/bench/bench_crypto build/bench/stream-openssl \
		   build/bench/stream-wolfssl

# Speed beside a peer, as ratios (never as timed assertions in tests).
# Only `make bench` builds the bench programs and installs their peers
# (scripts/bench-deps.sh: restic, gnuplot, libssl-dev).
bench: deps
	@scripts/bench-deps.sh
	@$(MAKE) --no-print-directory all $(BENCH_PROGS)
	@scripts/bench.sh

# The manual pages name the configured directories, as installed.
MAN_SED		:= -e 's|/etc/bulwark|$(SYSCONFDIR)/bulwark|g' \
		   -e 's|PREFIX/lib/libbulwark|$(LIBDIR)/libbulwark|g' \
		   -e 's|PREFIX/lib/pkgconfig|$(LIBDIR)/pkgconfig|g' \
		   -e 's|PREFIX/|$(PREFIX)/|g'
# Every manual page, by section; bulwark.sys(5) is a link to bulwark.opt(5).
MAN_PAGES	:= bulwark.1 bulwark-cert.1 libbulwark.3 bulwark.opt.5 \
		   bulwarkd.opt.5 bulwark-keyd.8 bulwarkd.8 bulwarkd-session.8
LIBEXEC		:= $(PREFIX)/libexec/bulwark

install: $(WOLFSSL_LIB)
	@$(MAKE) --no-print-directory variant-progs VARIANT=install
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(LIBEXEC) \
	    $(foreach n,1 3 5 8,$(DESTDIR)$(PREFIX)/share/man/man$(n))
	install -m 0755 build/install/bin/bulwark-cert build/install/bin/bulwark \
	    $(DESTDIR)$(PREFIX)/bin/
	install -d $(DESTDIR)$(PREFIX)/sbin
	install -m 0755 build/install/bin/bulwarkd $(DESTDIR)$(PREFIX)/sbin/
	install -m 0755 build/install/bin/bulwarkd-session $(DESTDIR)$(LIBEXEC)/
	for m in $(MAN_PAGES); do \
	    sed $(MAN_SED) man/$$m >$(DESTDIR)$(PREFIX)/share/man/man$${m##*.}/$$m && \
	    chmod 0644 $(DESTDIR)$(PREFIX)/share/man/man$${m##*.}/$$m || exit 1; \
	done
	ln -sf bulwark.opt.5 $(DESTDIR)$(PREFIX)/share/man/man5/bulwark.sys.5
	install -m 0755 build/install/bin/bulwark-keyd $(DESTDIR)$(LIBEXEC)/
	@# the server's copy, never setgid (src/tls/keyd_client.h)
	install -m 0755 build/install/bin/bulwark-keyd \
	    $(DESTDIR)$(LIBEXEC)/bulwarkd-keyd
	@# libbulwark: header, static and shared library, pkg-config
	@$(MAKE) --no-print-directory variant-lib VARIANT=install-pic
	install -d $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(LIBDIR)/pkgconfig
	install -m 0644 src/tls/bulwark.h $(DESTDIR)$(PREFIX)/include/bulwark.h
	install -m 0644 build/install-pic/lib/libbulwark.a $(DESTDIR)$(LIBDIR)/
	install -m 0644 build/install-pic/lib/libbulwark.so.$(LIBBWK_SOVER) \
	    $(DESTDIR)$(LIBDIR)/
	ln -sf libbulwark.so.$(LIBBWK_SOVER) $(DESTDIR)$(LIBDIR)/libbulwark.so
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e "s|@VERSION@|$$(sed -n \
	    's/.*BULWARK_VERSION[^\"]*\"\(.*\)\".*/\1/p' src/lib/version.h)|" \
	    src/tls/libbulwark.pc.in >$(DESTDIR)$(LIBDIR)/pkgconfig/libbulwark.pc
	install -d $(DESTDIR)$(PREFIX)/lib/systemd/system
	sed 's|@SBINDIR@|$(PREFIX)/sbin|g' systemd/bulwarkd.service.in \
	    >$(DESTDIR)$(PREFIX)/lib/systemd/system/bulwarkd.service
ifeq ($(SETGID),1)
	sed -e 's|@KEYD_PATH@|$(LIBEXEC)/bulwark-keyd|' \
	    -e 's|@SYSTEM_DIR@|$(SYSCONFDIR)/bulwark|' scripts/setgid-setup.sh \
	    >$(DESTDIR)$(LIBEXEC)/setgid-setup
	chmod 0755 $(DESTDIR)$(LIBEXEC)/setgid-setup
ifeq ($(DESTDIR),)
	$(LIBEXEC)/setgid-setup
else
	@# A package: the build host's groups are not the target's. No group
	@# is made and no owner set here; the helper stays 0755 until the
	@# package's post-install runs setgid-setup on the target.
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)
	install -d -m 0750 $(DESTDIR)$(SYSCONFDIR)/bulwark
	@echo "SETGID=1 with DESTDIR: no group made, no owner or setgid bit set;"
	@echo "the package's post-install runs, as root on the target:"
	@echo "    $(LIBEXEC)/setgid-setup"
endif
endif

# The Debian packages (debian/, README.md, Packages): dpkg-buildpackage
# runs the install target for /usr and /etc, from a copy of debian/.
deb: $(WOLFSSL_LIB)
	@scripts/build-deb.sh

# Every manual page renders without warnings.
check-man:
	@scripts/check-man.sh

# As root: the packages built, checked by lintian, installed, used by an
# ordinary user against a server run as _bulwarkd, and purged.
pkg-check: $(WOLFSSL_LIB)
	@tests/pkg-test.sh

clean:
	rm -rf build/bin build/obj build/lib build/gen build/test build/asan \
	    build/fuzz build/fuzz-cov build/bench \
	    build/tests build/testcerts build/install build/deb build/.keyd-path
