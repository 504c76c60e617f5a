#!/usr/bin/env bash
# Soak test of the HTTP server under wrk: `scripts/wrk.sh [SECONDS]
# [CONNECTIONS]` (default 60 s, 1,000 connections) against the route
# /sink/hello of `procession-bench --peer`. Prints wrk's report and the
# server's resident memory every 5 s; fails if wrk saw any error (socket
# errors or non-2xx answers) or the server's memory grew by more than a
# quarter between the first and the last sample taken under load.
set -euo pipefail

seconds=${1:-60}
connections=${2:-1000}
bench=${BENCH:-build/default/bench/procession-bench}
command -v wrk >/dev/null || {
  echo "wrk is missing: apt-get install -y wrk" >&2
  exit 1
}
[[ -x "$bench" ]] || {
  echo "$bench is missing: run make build first" >&2
  exit 1
}
ulimit -n 8192

# The peer prints its pid ("sink@ip:port") and serves until its stdin ends:
# it reads a FIFO whose only writer is this script's descriptor 3.
fifo=$(mktemp -u)
mkfifo "$fifo"
out=$(mktemp)
"$bench" --peer <"$fifo" >"$out" 2>/dev/null &
server=$!
exec 3>"$fifo"
rm "$fifo"
trap 'exec 3>&-; wait $server 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 100); do
  [[ -s "$out" ]] && break
  sleep 0.1
done
upid=$(head -n1 "$out")
address=${upid#*@}
url="http://$address/sink/hello"
echo "server $upid, pid $server; wrk -t2 -c$connections -d${seconds}s $url"

rss() { awk '/^VmRSS/ {print $2}' "/proc/$server/status"; }
echo "rss before: $(rss) KiB"
samples=()
(
  for _ in $(seq $((seconds / 5))); do
    sleep 5
    echo "rss: $(rss) KiB"
  done
) >"$out.rss" &
sampler=$!
report=$(wrk -t2 -c"$connections" -d"${seconds}s" --timeout 10s "$url")
wait $sampler || true
echo "$report"
cat "$out.rss"
mapfile -t samples < <(awk '{print $2}' "$out.rss")
rm -f "$out.rss"
echo "rss after: $(rss) KiB"

status=0
if grep -q "Socket errors\|Non-2xx" <<<"$report"; then
  echo "FAIL: wrk saw errors" >&2
  status=1
fi
if ((${#samples[@]} >= 2)); then
  first=${samples[0]}
  last=${samples[-1]}
  if ((last > first + first / 4)); then
    echo "FAIL: memory grew under load: $first KiB -> $last KiB" >&2
    status=1
  fi
fi
exit $status
