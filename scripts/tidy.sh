#!/usr/bin/env bash
# Runs clang-tidy, with the repo's .clang-tidy, over every .cpp of src/ (the
# headers of src/ and include/process/ through HeaderFilterRegex), several
# files at a time. Any warning fails the run. llhttp's C sources, which the
# library compiles but we do not write, are not checked.
#
# The static analyzer (clang-analyzer-*) runs in its shallow mode unless
# TIDY_ANALYZER=deep: shallow still follows each function's paths but does
# not inline the functions it calls. In deep mode the analyzer was 70-85%
# of a file's time (client_connection.cpp: 36 s deep, 8 s shallow), and the
# whole run on two cores took 352 s against 191 s shallow; deep mode finds
# nothing on the tree today.
#
#   scripts/tidy.sh [-j JOBS] [FILE.cpp...]
#   TIDY_ANALYZER=deep scripts/tidy.sh
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=$(nproc)
if [[ "${1:-}" == "-j" ]]; then
  jobs=$2
  shift 2
fi
build=${TIDY_BUILD_DIR:-build/tidy}
clang_tidy=${CLANG_TIDY:-clang-tidy}
analyzer=${TIDY_ANALYZER:-shallow}
if [[ "$analyzer" != shallow && "$analyzer" != deep ]]; then
  echo "tidy: TIDY_ANALYZER is '$analyzer': expected shallow or deep" >&2
  exit 2
fi

if ! command -v "$clang_tidy" >/dev/null; then
  echo "tidy: $clang_tidy not found; scripts/setup.sh tidy installs it" >&2
  exit 1
fi

# Configuring is enough: clang-tidy reads the compile commands, and src/
# includes no generated header. A build directory of its own, so that this
# never reconfigures (or waits on) a build in progress.
mkdir -p "$build"
cmake --preset default -B "$build" >"$build/configure.log" 2>&1 || {
  cat "$build/configure.log" >&2
  exit 1
}

if [[ $# -gt 0 ]]; then
  files=("$@")
else
  mapfile -t files < <(find src -name '*.cpp' | sort)
fi

# One clang-tidy per file; each file's report is printed whole, after it is
# done, so that parallel reports do not interleave.
report_dir=$(mktemp -d)
trap 'rm -rf "$report_dir"' EXIT
export clang_tidy build report_dir analyzer
printf '%s\n' "${files[@]}" | xargs -P "$jobs" -n 1 bash -c '
  report="$report_dir/$(tr / _ <<<"$1").txt"
  if "$clang_tidy" -p "$build" --quiet --warnings-as-errors="*" \
       --extra-arg=-Xclang --extra-arg=-analyzer-config \
       --extra-arg=-Xclang --extra-arg=mode="$analyzer" "$1" \
       >"$report" 2>&1; then
    echo "tidy: $1: clean"
  else
    grep -v "^[0-9]* warnings\? generated\.$" "$report" || true
    echo "tidy: $1: FAILED"
    exit 1
  fi
' tidy-file || status=$?

# A header's warning shows once per file that includes it: count each once.
warnings=$(cat "$report_dir"/*.txt 2>/dev/null |
  { grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' || true; } | sort -u | wc -l)
if [[ ${status:-0} -ne 0 ]]; then
  echo "tidy: $warnings distinct warning(s) in ${#files[@]} file(s) checked" >&2
  exit 1
fi
echo "tidy: ${#files[@]} file(s) clean"
