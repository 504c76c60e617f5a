#!/usr/bin/env bash
# Runs every libFuzzer target for SECONDS seconds, all at once (each for the
# whole time), and fails if any finds a crash, leak or sanitizer report.
# An input that fails is saved as build/fuzz/TARGET-crash-… (or -leak-,
# -timeout-, -oom-), not in the working directory.
# Usage: scripts/fuzz.sh SECONDS TARGET...
set -uo pipefail
seconds=$1
shift
pids=()
for target in "$@"; do
  mkdir -p "build/fuzz/corpus/$target"
  "./build/fuzz/fuzz/${target}_fuzzer" -max_total_time="$seconds" \
    -artifact_prefix="build/fuzz/$target-" \
    "build/fuzz/corpus/$target" "fuzz/corpus/$target" \
    > "build/fuzz/$target.log" 2>&1 &
  pids+=($!)
done
status=0
for i in "${!pids[@]}"; do
  target=${*:i+1:1}
  if wait "${pids[$i]}"; then
    echo "fuzz: $target: $(grep -E '^Done' "build/fuzz/$target.log")"
  else
    echo "fuzz: $target FAILED; its log:" >&2
    tail -n 60 "build/fuzz/$target.log" >&2
    status=1
  fi
done
exit $status
