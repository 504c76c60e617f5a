# The two commands: `make demo` and `make test`. Each installs what is missing
# (scripts/setup.sh), configures, builds, and runs.
.PHONY: all setup build demo test test-asan test-tsan fuzz bench format tidy \
  check-layers clean

# Seconds each fuzz target runs for (make fuzz FUZZ_SECONDS=600).
FUZZ_SECONDS ?= 60

all: build

setup:
	@scripts/setup.sh

build: setup
	cmake --preset default
	cmake --build --preset default

demo: build
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

fuzz:
	@scripts/setup.sh fuzz
	cmake --preset fuzz
	cmake --build --preset fuzz
	scripts/fuzz.sh $(FUZZ_SECONDS) upid duration url request_decoder \
	  response_decoder message_parser response_stream_decoder server_session \
	  protobuf

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
