# Variance: `make demo` and `make test` work on a fresh Debian machine.
SHELL := /bin/bash
export PATH := $(PATH):/opt/swift/usr/bin

# Debian packages the build needs (DESIGN.md). Later issues add to this list.
APT_PACKAGES := libsodium-dev libedit-dev libsqlite3-dev pkg-config jq build-essential libgmp-dev python3-venv libolm-dev libqrencode-dev emacs-nox nodejs zbar-tools iproute2 iptables libopus-dev libvpx-dev libnice-dev libglib2.0-dev libsrtp2-dev libssl-dev coturn
SWIFT_TEST_FLAGS ?=

.PHONY: all deps build build-release interop-venv test demo bench fuzz sanitize sanitize-address sanitize-thread clean

FUZZ_SECONDS ?= 30
# `make test` (so CI) runs every fuzz target this long (issue 10 asks for at least 30 s).
TEST_FUZZ_SECONDS ?= 30
FUZZ_TARGETS := fuzz-rpc fuzz-multistream fuzz-multiaddr fuzz-noise fuzz-yamux fuzz-olm fuzz-messaging fuzz-kad fuzz-mls fuzz-relay fuzz-nat fuzz-offline fuzz-records fuzz-mdns fuzz-media fuzz-media-ipc
# Coverage and AddressSanitizer in ONE -sanitize= flag (docs/TESTING.md, Fuzzing): SwiftPM
# passes each --sanitize as its own -sanitize=X in random order and swiftc compiles with the
# last one only. --sanitize=fuzzer alone keeps libFuzzer's main (no --defsym main=...).
FUZZ_BUILD := --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address --scratch-path .build-fuzz
FUZZ_FLAGS ?=

# The suites `make sanitize` runs under AddressSanitizer and ThreadSanitizer (docs/TESTING.md,
# Sanitizers): the pure protocol cores, the RPC server (threads, pipes) and the store.
SANITIZE_SUITES ?= LibP2PCoreTests|LibP2PNoiseTests|LibP2PYamuxTests|LibP2PRelayTests|LibP2PNATTests|VarianceOfflineTests|VarianceOlmTests|VarianceMessagingTests|VarianceRPCTests|VarianceRPCServerTests|VarianceStorageTests|LibP2PGossipSubTests|LibP2PMDNSTests|VarianceIdentityTests|VarianceQRTests
# Under ThreadSanitizer the same suites, then the concurrent parts in runs of their own (less
# load at once on two cores): SANITIZE_THREAD_SWARM, the swarm, its transports and relays on
# real sockets (SwiftNIO event loops), and the engine, whose only in-process suite is the RPC
# server's: SANITIZE_THREAD_ENGINE are end-to-end tests run against the ThreadSanitizer build
# of variance-engine (VARIANCE_BIN_DIR), so the engine processes are checked too; their
# reports go to files (log_path) that fail the run.
# Under AddressSanitizer (with LeakSanitizer) the same suites with the Kademlia suites and MLS
# in one run: SANITIZE_ADDRESS_SUITES; the swarm in one of its own: SANITIZE_ADDRESS_SWARM;
# the media suites (real calls,
# ICE, the aiortc interop) in a run of their own, as in `make test`: SANITIZE_ADDRESS_MEDIA;
# then SANITIZE_ADDRESS_ENGINE, end-to-end tests against the AddressSanitizer build of
# variance-engine and variance-relay (VARIANCE_BIN_DIR), whose reports
# go to files (log_path) that fail the run; leak checks are off there (detect_leaks=0): at a
# process's exit LeakSanitizer reports memory live Swift objects still use (docs/TESTING.md,
# Sanitizers). The 10,000-node Kademlia simulation
# runs with ASAN_KAD_NODES nodes (KAD_LARGE_SIMULATION_NODES; docs/TESTING.md, Sanitizers).
SANITIZE_ADDRESS_SUITES ?= $(SANITIZE_SUITES)|LibP2PKadTests|VarianceMLSTests
# The swarm on real sockets in a run of its own, as under ThreadSanitizer: beside the Kademlia
# simulation and MLS its handshake and stream deadlines ran out under ASan (3 tests, one CI run).
# A run whose tests all passed and whose only LeakSanitizer findings are weak-reference side
# tables with nothing under them (a swarm still alive at exit, not leaked) passes
# (scripts/lsan-live-side-tables.py; docs/TESTING.md, Sanitizers).
SANITIZE_ADDRESS_SWARM ?= LibP2PTests
SANITIZE_ADDRESS_MEDIA ?= VarianceMediaTests|VarianceCallTransportTests
SANITIZE_ADDRESS_ENGINE ?= EndToEndTests
ASAN_KAD_NODES ?= 1000
# The crash test's SIGKILLs against the AddressSanitizer engines (50 in the plain run).
ASAN_CRASH_ROUNDS ?= 10
# The end-to-end call tests (a variance-media per call) against the AddressSanitizer builds of
# the engine and variance-media, in a run of their own as in `make test`
# (SANITIZE_ADDRESS_ENGINE_MEDIA= skips it).
SANITIZE_ADDRESS_ENGINE_MEDIA ?= EndToEndTests.(CallTests|MediaProcessTests)
SANITIZE_THREAD_SUITES ?= $(SANITIZE_SUITES)
SANITIZE_THREAD_SWARM ?= LibP2PTests
# (SANITIZE_THREAD_SWARM= skips that run.)
SANITIZE_THREAD_ENGINE ?= EndToEndTests.(TranscriptTests|SecretsTests|EndOfInputTests|DeliveryTests/aThousandMessagesEachWayArriveOnceAndInOrder)
# -DVARIANCE_TSAN_MUTEX: in this build our modules' `Mutex` is a pthread mutex TSan sees
# (Sources/TSanSupport, aliased as `Mutex` by each module's TSanMutex.swift; docs/TESTING.md, Sanitizers).
TSAN_BUILD := --sanitize=thread -Xswiftc -DVARIANCE_TSAN_MUTEX --scratch-path .build-tsan
# What `make test` (so CI) runs of it; `make test TEST_SANITIZERS=` skips it.
TEST_SANITIZERS ?= address thread
# Swift's backtracer would add a report of its own to a sanitizer's; LeakSanitizer stops at
# the toolchain's XCTest (scripts/lsan.supp); a finding fails the run.
# scripts/tsan.supp lists the ThreadSanitizer reports we read and found false.
SANITIZE_ENV := SWIFT_BACKTRACE=enable=no LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan.supp \
  ASAN_OPTIONS=halt_on_error=1 TSAN_OPTIONS="halt_on_error=1 suppressions=$(CURDIR)/scripts/tsan.supp"
# `run [--accept CHECK] CMD...` in a sanitizer recipe: runs an in-process test run, its output
# also kept in a file; a failed run that CHECK, given that file, accepts counts as passed;
# otherwise the lines that name each sanitizer finding (scripts/sanitizer-digest.sh) are
# printed last, so a log cut to its tail still shows them.
SANITIZE_RUN = run() { accept=; if [ "$$1" = --accept ]; then accept=$$2; shift 2; fi; \
  log=$$(mktemp); "$$@" 2>&1 | tee $$log; status=$$?; \
  if [ $$status -ne 0 ] && [ -n "$$accept" ] && $$accept $$log; then status=0; fi; \
  if [ $$status -ne 0 ]; then echo "== $$status: the sanitizer findings of this run, in short:" >&2; \
  sh scripts/sanitizer-digest.sh $$log >&2; fi; rm -f $$log; return $$status; }
# The engine and relay processes under AddressSanitizer ($$reports is the recipe's folder).
ASAN_ENGINE_ENV = $(SANITIZE_ENV) ASAN_OPTIONS="halt_on_error=1:detect_leaks=0:log_path=$$reports/asan" \
  VARIANCE_BIN_DIR=$(CURDIR)/.build-asan/debug

all: build

## deps: install the missing Debian -dev packages (as root), or print the command to do it.
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing:$$missing"; \
	    (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "Missing Debian packages. Run:"; echo "  sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

## build: debug build of every product and the tests.
build: deps
	swift build --build-tests

## build-release: the engine and its media process as they ship, in .build-static/release/
# (scripts/build-engine-release.sh: static Swift runtime, the start-up code laid out first).
build-release: deps
	scripts/build-engine-release.sh --product variance-engine
	scripts/build-engine-release.sh --product variance-media

## interop-venv: the Python virtualenv with the interoperability peers (py-libp2p, ...).
interop-venv: deps
	scripts/interop-venv.sh

## test: the whole test suite (what CI runs), interop peers and clients included.
# The media suites (real calls, codecs, ICE) run after the rest, not beside it: they keep
# both cores busy, and the interop suites' Python peers have timeouts of their own.
MEDIA_SUITES := CallTests|MediaProcessTests|VarianceCallTransportTests|VarianceMediaTests
# The fuzz and sanitizer stages build into scratch folders of their own (1.3 to 2.2 GB each).
# Before each, while less than STAGE_ROOM_MB are free, the folders that stage does not use are
# removed (scripts/make-room.sh): a CI run ran out of disk linking the ThreadSanitizer build.
STAGE_ROOM_MB ?= 4096
test: build interop-venv
	swift test --skip-build --skip '$(MEDIA_SUITES)' $(SWIFT_TEST_FLAGS)
	swift test --skip-build --filter '$(MEDIA_SUITES)' $(SWIFT_TEST_FLAGS)
	scripts/clients-test.sh
	scripts/make-room.sh $(STAGE_ROOM_MB) .build-asan .build-tsan
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(TEST_FUZZ_SECONDS)
	@for s in $(TEST_SANITIZERS); do \
	  case $$s in address) done_with=".build-fuzz .build-tsan";; *) done_with=".build-fuzz .build-asan";; esac; \
	  scripts/make-room.sh $(STAGE_ROOM_MB) $$done_with && $(MAKE) --no-print-directory sanitize-$$s || exit 1; done

## demo: two engines with their own data directories, showing the RPC lines they exchange.
demo: deps
	swift build --product variance-engine
	swift build --product variance-media
	scripts/demo.sh .build/debug/variance-engine

## bench: the engine benchmark, beside deltachat-rpc-server (docs/PERFORMANCE.md).
bench: deps
	scripts/bench/run.sh

## fuzz: every libFuzzer entry point for FUZZ_SECONDS each, coverage-guided, from the committed
## seed corpora; fails on a crash or when libFuzzer finds no coverage counters.
fuzz: deps
	@set -o pipefail; mkdir -p .build-fuzz/crashes; for t in $(FUZZ_TARGETS); do \
	  swift build --product $$t $(FUZZ_BUILD) 2>&1 | grep -v "Cannot export local symbol" || exit 1; \
	  test -x .build-fuzz/debug/$$t || exit 1; \
	done; \
	for t in $(FUZZ_TARGETS); do \
	  corpus=Tests/FuzzCorpus/$${t#fuzz-}; work=$$(mktemp -d); cp -r $$corpus/. $$work/; log=$$work.log; \
	  echo "== $$t: $(FUZZ_SECONDS) s from $$corpus"; \
	  SWIFT_BACKTRACE=enable=no .build-fuzz/debug/$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	    -print_final_stats=1 -artifact_prefix=.build-fuzz/crashes/$$t- $(FUZZ_FLAGS) $$work 2>&1 | tee $$log \
	    | grep --line-buffered -E "^INFO: Loaded|INITED|DONE|^stat::|ERROR|SUMMARY|Fatal error|Test unit written"; \
	  status=$${PIPESTATUS[0]}; \
	  grep -q "inline 8-bit counters" $$log || { echo "$$t: no coverage counters (not instrumented)"; exit 1; }; \
	  [ $$status = 0 ] || { echo "$$t: crash, log in $$log"; exit 1; }; \
	  rm -rf $$work $$log; \
	done

## sanitize: the suites above built and run under AddressSanitizer, then ThreadSanitizer, each
## in its own scratch folder (.build-asan, .build-tsan); fails on any finding.
sanitize: sanitize-address sanitize-thread

sanitize-address: deps
	@set -o pipefail; $(SANITIZE_RUN); echo "== AddressSanitizer: $(SANITIZE_ADDRESS_SUITES)"; \
	swift build --build-tests --sanitize=address --scratch-path .build-asan 2>&1 | grep -v "Cannot export local symbol" || exit 1; \
	run env $(SANITIZE_ENV) KAD_LARGE_SIMULATION_NODES=$(ASAN_KAD_NODES) \
	  swift test --skip-build --sanitize=address --scratch-path .build-asan --filter '$(SANITIZE_ADDRESS_SUITES)' || exit 1; \
	if [ -n "$(SANITIZE_ADDRESS_SWARM)" ]; then echo "== AddressSanitizer, the swarm: $(SANITIZE_ADDRESS_SWARM)"; \
	  run --accept "python3 scripts/lsan-live-side-tables.py" env $(SANITIZE_ENV) \
	    swift test --skip-build --sanitize=address --scratch-path .build-asan --filter '$(SANITIZE_ADDRESS_SWARM)' || exit 1; fi; \
	if [ -n "$(SANITIZE_ADDRESS_MEDIA)" ]; then echo "== AddressSanitizer, media: $(SANITIZE_ADDRESS_MEDIA)"; \
	  run env $(SANITIZE_ENV) swift test --skip-build --sanitize=address --scratch-path .build-asan --filter '$(SANITIZE_ADDRESS_MEDIA)' || exit 1; fi; \
	[ -n "$(SANITIZE_ADDRESS_ENGINE)" ] || exit 0; \
	echo "== AddressSanitizer, the engine processes: $(SANITIZE_ADDRESS_ENGINE)"; \
	reports=$$(mktemp -d); \
	$(ASAN_ENGINE_ENV) CRASH_TEST_ROUNDS=$(ASAN_CRASH_ROUNDS) \
	  swift test --skip-build --sanitize=address --scratch-path .build-asan --filter '$(SANITIZE_ADDRESS_ENGINE)' --skip '$(MEDIA_SUITES)'; status=$$?; \
	if [ $$status -eq 0 ] && [ -n "$(SANITIZE_ADDRESS_ENGINE_MEDIA)" ]; then echo "== AddressSanitizer, the engine processes in calls: $(SANITIZE_ADDRESS_ENGINE_MEDIA)"; \
	  $(ASAN_ENGINE_ENV) swift test --skip-build --sanitize=address --scratch-path .build-asan --filter '$(SANITIZE_ADDRESS_ENGINE_MEDIA)'; status=$$?; fi; \
	if ls $$reports/asan.* >/dev/null 2>&1; then cat $$reports/asan.* >&2; echo "AddressSanitizer: reports above (kept in $$reports); in short:" >&2; \
	  sh scripts/sanitizer-digest.sh $$reports/asan.* >&2; exit 1; fi; \
	rm -rf $$reports; exit $$status

sanitize-thread: deps
	@set -o pipefail; $(SANITIZE_RUN); echo "== ThreadSanitizer: $(SANITIZE_THREAD_SUITES)"; \
	swift build --build-tests $(TSAN_BUILD) 2>&1 | grep -v "Cannot export local symbol" || exit 1; \
	run env $(SANITIZE_ENV) swift test --skip-build --sanitize=thread --scratch-path .build-tsan --filter '$(SANITIZE_THREAD_SUITES)' || exit 1; \
	if [ -n "$(SANITIZE_THREAD_SWARM)" ]; then echo "== ThreadSanitizer, the swarm: $(SANITIZE_THREAD_SWARM)"; \
	  run env $(SANITIZE_ENV) swift test --skip-build --sanitize=thread --scratch-path .build-tsan --filter '$(SANITIZE_THREAD_SWARM)' || exit 1; fi; \
	echo "== ThreadSanitizer, the engine processes: $(SANITIZE_THREAD_ENGINE)"; \
	reports=$$(mktemp -d); \
	$(SANITIZE_ENV) TSAN_OPTIONS="halt_on_error=1 suppressions=$(CURDIR)/scripts/tsan.supp log_path=$$reports/tsan" \
	  VARIANCE_BIN_DIR=$(CURDIR)/.build-tsan/debug \
	  swift test --skip-build --sanitize=thread --scratch-path .build-tsan --filter '$(SANITIZE_THREAD_ENGINE)'; status=$$?; \
	if ls $$reports/tsan.* >/dev/null 2>&1; then cat $$reports/tsan.* >&2; echo "ThreadSanitizer: reports above (kept in $$reports); in short:" >&2; \
	  sh scripts/sanitizer-digest.sh $$reports/tsan.* >&2; exit 1; fi; \
	rm -rf $$reports; exit $$status

clean:
	rm -rf .build .build-asan .build-tsan .build-fuzz
