# The two commands: `make demo` and `make test`. Each installs what is missing
# (scripts/setup.sh), configures, builds, and runs.
.PHONY: all setup configure build demo test test-asan test-tsan test-shared \
  deb fuzz bench format tidy check-layers clean

# Seconds each fuzz target runs for (make fuzz FUZZ_SECONDS=600).
FUZZ_SECONDS ?= 60

all: build

setup:
	@scripts/setup.sh

configure: setup
	cmake --preset default

build: configure
	cmake --build --preset default

# The demo builds the library and its one example, not the tests.
demo: configure
	cmake --build --preset default --target leader_follower
	./build/default/examples/leader_follower

test: build
	ctest --preset default

test-asan: setup
	cmake --preset asan
	cmake --build --preset asan
	ctest --preset asan

test-tsan: setup
	cmake --preset tsan
	cmake --build --preset tsan
	ctest --preset tsan

# libprocession.so (PROCESSION_SHARED=ON): the library and the tool, and the
# tests of its install and .deb (tests/install); not the whole suite again.
test-shared: setup
	cmake --preset shared
	cmake --build --preset shared
	ctest --preset shared

# build/default/libprocession-dev_<version>_<arch>.deb (cpack -G DEB).
deb: build
	cpack --preset default

fuzz:
	@scripts/setup.sh fuzz
	cmake --preset fuzz
	cmake --build --preset fuzz
	scripts/fuzz.sh $(FUZZ_SECONDS) upid duration url request_decoder \
	  response_decoder message_parser response_stream_decoder server_session \
	  protobuf basic_authenticator tls_accept

bench: build
	./build/default/bench/procession-bench

# clang-tidy over src/ (scripts/tidy.sh); any warning fails.
tidy:
	@scripts/setup.sh tidy
	scripts/tidy.sh

# No layer of src/ includes a higher one, and no file is over 600 lines
# (scripts/check-layers.sh).
check-layers:
	scripts/check-layers.sh --sizes

format:
	find include src tests examples bench -name '*.[ch]pp' | xargs clang-format -i

clean:
	rm -rf build
