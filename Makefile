# riskdesk: `make run` opens the console on the sample data, `make test` runs every
# test. Both install missing Debian packages first (scripts/deps.sh).

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:

BUILD   ?= build
CC      ?= cc
CFLAGS  ?= -O2 -g
PREFIX  ?= /usr/local
RUN_DB  ?= $(BUILD)/sample.db

WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith \
           -Wvla -Wformat=2 -Wno-format-nonliteral
pc_cflags = $(filter-out -D_XOPEN_SOURCE=% -D_DEFAULT_SOURCE,$(shell pkg-config --cflags $(1) 2>/dev/null))
pc_libs   = $(or $(shell pkg-config --libs $(1) 2>/dev/null),$(2))

BASE_CPPFLAGS = -std=c11 -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE -Iinclude -I$(BUILD)/gen \
                $(call pc_cflags,sqlite3 libcjson)
CORE_LIBS = $(call pc_libs,sqlite3,-lsqlite3) $(call pc_libs,libcjson,-lcjson) -lcsv -llinear -lxgboost -lm -pthread
# The console and the app see src/ (app.h); the core does not.
TUI_CPPFLAGS = -Isrc $(call pc_cflags,ncursesw readline)
TUI_LIBS  = $(call pc_libs,ncursesw,-lncursesw -ltinfo) $(call pc_libs,readline,-lreadline)
TEST_LIBS = $(call pc_libs,cmocka,-lcmocka)

CORE_SRC = $(sort $(wildcard src/core/*.c))
TUI_SRC  = $(sort $(wildcard src/tui/*.c))
APP_SRC  = src/main.c src/batch.c src/batch_sink.c
UNIT_SRC = $(sort $(wildcard tests/unit/test_*.c))

CORE_OBJ = $(CORE_SRC:%.c=$(BUILD)/obj/%.o)
TUI_OBJ  = $(TUI_SRC:%.c=$(BUILD)/obj/%.o)
APP_OBJ  = $(APP_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
LIB      = $(BUILD)/libriskdesk.a
BIN      = $(BUILD)/riskdesk

.PHONY: all deps run sample-db test unit bench install clean check-layout check-warnings \
	check-warnings-gcc check-warnings-clang fuzz fuzz-build \
	fuzz-smoke golden-accept

all: check-layout $(BIN) $(UNIT_BIN)

deps:
	@scripts/deps.sh

$(BUILD)/gen/schema.h: src/core/schema.sql scripts/embed.sh
	@mkdir -p $(@D)
	scripts/embed.sh schema_sql $< > $@

# The built-in credit policy, seeded into every database by store.c.
$(BUILD)/gen/policy_default.h: src/core/policy_default.json scripts/embed.sh
	@mkdir -p $(@D)
	scripts/embed.sh policy_default_json $< > $@

$(BUILD)/obj/src/core/store.o: $(BUILD)/gen/schema.h $(BUILD)/gen/policy_default.h

# The four themes are compiled in too, so a binary without themes/ still has them.
THEMES = default dark light mono
$(BUILD)/gen/themes.h: $(THEMES:%=themes/%.theme) scripts/embed.sh
	@mkdir -p $(@D)
	for t in $(THEMES); do scripts/embed.sh theme_$$t themes/$$t.theme; done > $@

$(BUILD)/obj/src/core/theme.o: $(BUILD)/gen/themes.h

$(BUILD)/obj/src/tui/%.o: src/tui/%.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CPPFLAGS) $(TUI_CPPFLAGS) $(CFLAGS) $(WARN) -MMD -MP -c $< -o $@

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CPPFLAGS) $(TUI_CPPFLAGS) $(CFLAGS) $(WARN) -MMD -MP -c $< -o $@

# The core must build without the console's libraries: its objects get no TUI flags.
$(CORE_OBJ): $(BUILD)/obj/src/core/%.o: src/core/%.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CPPFLAGS) $(CFLAGS) $(WARN) -MMD -MP -c $< -o $@

$(LIB): $(CORE_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(APP_OBJ) $(TUI_OBJ) $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(APP_OBJ) $(TUI_OBJ) $(LIB) $(TUI_LIBS) $(CORE_LIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/testutil.h $(LIB)
	@mkdir -p $(@D)
	$(CC) $(BASE_CPPFLAGS) -Itests/unit $(CFLAGS) $(WARN) -Wno-missing-prototypes -o $@ $< \
		$(LIB) $(TEST_LIBS) $(CORE_LIBS)

# The layers (scripts/check-layout.sh): the core's sources include no curses, readline or
# app.h; the built library references no symbol of the console's libraries, the app or the
# console; inside it, only the command layer uses the command layer, the store only the
# helpers, the pure modules no SQLite.
check-layout: $(LIB) $(BIN)
	@scripts/check-layout.sh $(LIB) $(BIN) $(APP_OBJ) $(TUI_OBJ)

# Warning-free under gcc and clang (-Werror), built into separate trees. make test builds
# the main tree with gcc and -Werror, so it checks only clang's here.
check-warnings: check-warnings-gcc check-warnings-clang
check-warnings-gcc:
	$(MAKE) --no-print-directory BUILD=$(BUILD)/gcc CC=gcc CFLAGS='-O2 -g -Werror' all
check-warnings-clang:
	$(MAKE) --no-print-directory BUILD=$(BUILD)/clang CC=clang CFLAGS='-O2 -g -Werror' all

# libFuzzer targets of the parsers (tests/fuzz/fuzz_*.c), built with clang into build/fuzz.
# The model targets start from seeds made with the built riskdesk (tests/fuzz/seeds.sh), so
# that they follow the current file format; libFuzzer writes only to the first directory.
FUZZ_SRC     = $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_CFLAGS  = -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
FUZZ_SECONDS ?= 60
FUZZ_RUNS    ?= 2000
FUZZ_SEEDS   = build/fuzz/seeds

$(BUILD)/fuzzers/%: tests/fuzz/%.c $(wildcard tests/fuzz/*.h) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(BASE_CPPFLAGS) $(CFLAGS) -fsanitize=fuzzer -o $@ $< $(LIB) $(CORE_LIBS)

fuzz-build: $(BIN)
	$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang CFLAGS='$(FUZZ_CFLAGS)' \
		$(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/fuzzers/%)
	tests/fuzz/seeds.sh $(BIN) $(FUZZ_SEEDS)

# A long run of every target, for people.
fuzz: fuzz-build
	@for f in build/fuzz/fuzzers/*; do n=$${f##*/}; mkdir -p build/fuzz/corpus/$$n; \
		$$f -max_total_time=$(FUZZ_SECONDS) build/fuzz/corpus/$$n \
		$$(ls -d $(FUZZ_SEEDS)/$$n 2>/dev/null) || exit 1; done

# A fixed number of runs with a fixed seed, for `make test` (no timing in tests).
fuzz-smoke: fuzz-build
	@tests/fuzz/smoke.sh build/fuzz $(FUZZ_SEEDS) $(FUZZ_RUNS)

unit: all
	@tests/run-suite.sh $(BUILD)

test: deps
	@tests/run-all.sh

bench: deps all
	@bench/run.sh $(BUILD)

# The sample database has the two offline sources of sample-data/sources/ (a tax office
# and a land registry), so that `refresh stale` works in it; their path is absolute, so
# that it works from any directory. Its pending credit requests are decided (`rescore
# pending`), so that the console opens with a queue to work: referrals in the Requests pane.
SAMPLE_SOURCES = $(CURDIR)/sample-data/sources
# The sample database `make run` opens: the sample data loaded and scored, its pending credit
# requests decided (the Requests pane opens on a queue of referred ones), and the sample
# external sources registered. Its own target so a test builds it the same way.
sample-db: deps all
	@if [ ! -f $(RUN_DB) ]; then \
		echo "creating $(RUN_DB) from sample-data/"; \
		$(BIN) --db $(RUN_DB) -c 'load sample-data' -c 'recompute all' -c 'rescore pending' \
			-c "source add tax_office --command '$(SAMPLE_SOURCES)/tax_office.sh {key}' --ttl 30" \
			-c "source add land_registry --command '$(SAMPLE_SOURCES)/land_registry.sh {key}' --ttl 90" \
			|| { rm -f $(RUN_DB); exit 1; }; fi

run: sample-db
	$(BIN) --db $(RUN_DB)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/riskdesk/themes
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/riskdesk
	install -m 0644 docs/riskdesk.1 $(DESTDIR)$(PREFIX)/share/man/man1/riskdesk.1
	install -m 0644 themes/*.theme $(DESTDIR)$(PREFIX)/share/riskdesk/themes/

golden-accept: all
	@tests/batch/run.sh $(BUILD) --accept

clean:
	rm -rf $(BUILD)

# --- Tests one at a time (issue 12). T names cases (several: T='resize pii'); empty: all.
# `make test-tui T=resize`, `make test-batch T=sample_flow`; a unit test: build/tests/test_X.
T ?=
.PHONY: test-tui test-batch

test-tui: $(BIN)
	@tests/tui/run.sh $(BUILD) $(T)

test-batch: $(BIN)
	@tests/batch/run.sh $(BUILD) $(T)

# The man page's COMMANDS and KEYS sections are made from the command and key tables
# (tools/mancmds), so they say what `help` and `help keys` say: `make man` rewrites
# them, `make check-man` fails when they differ.
MANCMDS = $(BUILD)/tools/mancmds
.PHONY: man check-man
all: $(MANCMDS)

$(MANCMDS): tools/mancmds.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(BASE_CPPFLAGS) $(CFLAGS) $(WARN) -o $@ $< $(LIB) $(CORE_LIBS)

man: $(MANCMDS)
	$(MANCMDS) commands > $(BUILD)/man-commands.roff
	$(MANCMDS) keys > $(BUILD)/man-keys.roff
	tools/mansplice.sh docs/riskdesk.1 COMMANDS $(BUILD)/man-commands.roff > $(BUILD)/riskdesk.1.tmp
	tools/mansplice.sh $(BUILD)/riskdesk.1.tmp KEYS $(BUILD)/man-keys.roff > $(BUILD)/riskdesk.1
	@if cmp -s $(BUILD)/riskdesk.1 docs/riskdesk.1; then echo "docs/riskdesk.1 is up to date"; \
	else cp $(BUILD)/riskdesk.1 docs/riskdesk.1; echo "docs/riskdesk.1: COMMANDS and KEYS remade"; fi

check-man: $(MANCMDS)
	@$(MANCMDS) commands > $(BUILD)/man-commands.roff
	@$(MANCMDS) keys > $(BUILD)/man-keys.roff
	@tools/mansplice.sh docs/riskdesk.1 COMMANDS $(BUILD)/man-commands.roff > $(BUILD)/riskdesk.1.tmp
	@tools/mansplice.sh $(BUILD)/riskdesk.1.tmp KEYS $(BUILD)/man-keys.roff > $(BUILD)/riskdesk.1
	@diff -u docs/riskdesk.1 $(BUILD)/riskdesk.1 || { \
		echo "check-man: docs/riskdesk.1 differs from the command and key tables: make man" >&2; exit 1; }

# The code's format (.clang-format): every C file of the project follows it.
FORMAT_FILES = $(sort $(wildcard src/*.[ch] src/*/*.[ch] include/riskdesk/*.h tests/*/*.[ch] \
	tools/*.c bench/*.c))
.PHONY: format-check
format-check:
	@$(if $(strip $(FORMAT_FILES)),clang-format --dry-run --Werror $(FORMAT_FILES),true)
	@echo "format-check: $(words $(FORMAT_FILES)) files follow .clang-format"

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
