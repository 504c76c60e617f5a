#!/usr/bin/env bash
# Fails if a lower layer of src/ includes a higher one, if a folder of src/
# is not a known layer, or if a public header (include/process/) includes a
# header of src/. With --sizes, also fails on any file of src/ or include/
# over MAX_LINES lines (a file that long holds more than one concept).
#
#   scripts/check-layers.sh [--sizes]
set -euo pipefail
cd "$(dirname "$0")/.."

# The layers of src/, lowest first: a file may include its own layer's
# headers and those of the layers before it (docs/architecture.md).
layers=(core runtime net http transport metrics system testing)
MAX_LINES=${MAX_LINES:-600}

check_sizes=false
case "${1:-}" in
  "") ;;
  --sizes) check_sizes=true ;;
  *)
    echo "usage: $0 [--sizes]" >&2
    exit 2
    ;;
esac

declare -A rank_of  # layer -> its index in `layers`
for i in "${!layers[@]}"; do
  rank_of[${layers[$i]}]=$i
done

failures=0
fail() {
  echo "check-layers: $*" >&2
  failures=$((failures + 1))
}

# Every source file of src/ lives in the folder of a known layer.
while IFS= read -r file; do
  relative=${file#src/}
  if [[ "$relative" != */* ]]; then
    fail "$file: not in a layer folder (layers: ${layers[*]})"
    continue
  fi
  layer=${relative%%/*}
  rank=${rank_of[$layer]:-}
  if [[ -z "$rank" ]]; then
    fail "$file: src/$layer is not a layer (layers: ${layers[*]})"
    continue
  fi
  # #include "dir/header.hpp" names a header of src/dir/; a name without a
  # folder is a header next to the includer, of the same layer.
  while IFS=: read -r line target; do
    if [[ "$target" != */* ]]; then
      continue
    fi
    included=${target%%/*}
    included_rank=
    [[ -n "$included" ]] && included_rank=${rank_of[$included]:-}
    if [[ -z "$included_rank" ]]; then
      fail "$file:$line: includes \"$target\", which is in no layer"
    elif ((included_rank > rank)); then
      fail "$file:$line: $layer includes \"$target\" of the higher layer $included"
    fi
  done < <(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$file" |
    sed -E 's/^([0-9]+):[^"]*"([^"]*)".*/\1:\2/' || true)
done < <(find src -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' -o -name '*.c' \) | sort)

# Public headers are installed without src/: they may include only each
# other, the standard library and the dependencies.
while IFS= read -r hit; do
  file=${hit%%:*}
  rest=${hit#*:}
  line=${rest%%:*}
  target=$(sed 's/^[^"<]*["<]\([^">]*\)[">].*/\1/' <<<"${rest#*:}")
  first=${target%%/*}
  if [[ "$target" == *src/* || ( "$target" == */* && -n "${rank_of[$first]:-}" ) ||
        -e "src/$target" ]]; then
    fail "$file:$line: the public header includes \"$target\" of src/"
  fi
done < <(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*["<]' include/process || true)

if $check_sizes; then
  while read -r lines file; do
    if [[ "$file" != total ]] && ((lines > MAX_LINES)); then
      fail "$file: $lines lines (at most $MAX_LINES)"
    fi
  done < <(find src include -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' \) \
             -exec wc -l {} + | sort -rn)
fi

if ((failures > 0)); then
  echo "check-layers: $failures problem(s)" >&2
  exit 1
fi
