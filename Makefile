# Thin front door over CMake. `make demo` and `make test` work on a fresh Debian 12 machine:
# they install what is missing with apt-get first (through sudo when not root).

BUILD_DEPS := cmake g++ make pkg-config default-jre-headless antlr4 libantlr4-runtime-dev \
              libsqlite3-dev libfmt-dev libboost-program-options-dev doctest-dev libedit-dev
# What the tests run: a PostgreSQL 15 server and psql (the oracle for PostgreSQL's meaning), and
# sqlite3 for looking into shard files.
TEST_DEPS  := postgresql postgresql-client python3-psycopg2 sqlite3
BENCH_DEPS := libbenchmark-dev
JOBS       ?= $(shell nproc)
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SHARED     ?= ../shared

.PHONY: demo test build release asan tsan tsan-test tidy conformance torture tpch-sqlite bench format clean deps bench-deps

demo: release
	./build/release/shardql shell --demo

test: asan
	cd build/asan && ctest --output-on-failure -j$(JOBS)

build: release

release: deps
	cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release
	cmake --build build/release -j$(JOBS)

asan: deps
	cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DSHARDQL_SANITIZE=ON
	cmake --build build/asan -j$(JOBS)

# ThreadSanitizer over what runs on several threads: the executor, sessions (each test in
# executor_test and session_test) and the sqllogictest files.
tsan: deps
	cmake -S . -B build/tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSHARDQL_TSAN=ON
	cmake --build build/tsan -j$(JOBS) --target shardql_tests shardql

tsan-test: tsan
	TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" ./build/tsan/tests/shardql_tests \
	  --source-file='*executor_test.cpp,*session_test.cpp,*explain_matches_execution_test.cpp'
	TSAN_OPTIONS="halt_on_error=1" ./build/tsan/shardql slt --oracle --shards 4 tests/slt/*.test
	TSAN_OPTIONS="halt_on_error=1" ./build/tsan/shardql slt --oracle --shards 3 \
	  --force-general-path tests/slt/*.test

# clang-tidy with the checks in .clang-tidy over every project source; any finding fails. The
# files that include ANTLR's runtime are left out: clang 14 cannot compile antlr4-runtime 4.9's
# headers (InterpreterDataReader.h default-constructs a Vocabulary with const members).
TIDY_SKIP := grammar/ast_builder.cpp grammar/parser.cpp grammar/sql_lexer.cpp \
             tests/unit/grammar_lexer_test.cpp
tidy: asan
	git ls-files '*.cpp' | grep -v '^bench/' | grep -vxF $(patsubst %,-e %,$(TIDY_SKIP)) | \
	  xargs -P $(JOBS) -n 4 clang-tidy -p build/asan --quiet

# The sqllogictest corpus from ../shared/extern, through shardql on 4 hash-distributed shards:
# with the rewrite rules on (the default), then with all of them off (the same answers).
CONFORMANCE_FILES = $(SHARED)/extern/sqllogictest/select1.test \
  $(SHARED)/extern/sqllogictest/select2.test $(SHARED)/extern/sqllogictest/select3.test \
  $(SHARED)/extern/sqllogictest/select4.test $(SHARED)/extern/sqllogictest/select5.test \
  $(SHARED)/extern/sqllogictest/evidence/*.test
conformance: release
	./build/release/shardql slt --shards 4 --known-failures tests/conformance/known_failures.txt \
	  $(CONFORMANCE_FILES)
	./build/release/shardql slt --shards 4 --known-failures tests/conformance/known_failures.txt \
	  --disable-rules all $(CONFORMANCE_FILES)

# TPC-H's 22 queries (PostgreSQL's text) on 4 SQLite shards, each compared with PostgreSQL 15 on
# the same data and timed against one SQLite file: `make tpch-sqlite SF=0.1` for the larger set.
SF ?= 0.01
TPCH := ../shared/extern/tpch
tpch-sqlite: release
	python3 tests/tpch/tpch.py --shardql build/release/shardql --data $(TPCH)/data/sf$(SF) \
	  --queries $(TPCH)/queries

# Crash torture: a router killed KILLS times at random moments during multi-shard writes,
# transactions and DDL; every restart must find every statement whole or absent.
KILLS ?= 200
torture: release
	python3 tests/torture/torture.py --shardql build/release/shardql --kills $(KILLS)

bench: bench-deps release
	cmake -S . -B build/release -DSHARDQL_BENCH=ON
	cmake --build build/release -j$(JOBS) --target shardql_bench
	@echo "run: see bench/README.md"

format:
	git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	rm -rf build

deps:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(BUILD_DEPS) $(TEST_DEPS)"

bench-deps:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(BUILD_DEPS) $(BENCH_DEPS)"

install-packages:
	@missing=$$(for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:" $$missing; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
