#!/usr/bin/env bash
# Runs a command with N busy processes beside it at priority NICE, then stops them: the load of
# `grokscope bench --contention N --nice NICE`, for programs that have no such option (PyTorch's
# tools/reference/bench_torch.py). The busy processes are children of this script, so they share the
# command's session (and, where the kernel groups processes by session, its scheduling group): the
# priority then weighs them against the command's threads one by one, as the figures in BENCHMARKS.md assume.
#
#   tools/bench/beside-busy.sh 2 0 -- env OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=2 /usr/bin/python3 tools/reference/bench_torch.py > torch-busy.json
set -euo pipefail
if [ $# -lt 4 ] || [ "$3" != "--" ]; then
  echo "usage: $0 N NICE -- COMMAND [ARGS...]   (N busy processes at priority NICE, -20..19, beside COMMAND)" >&2
  exit 2
fi
n=$1; nice_level=$2; shift 3
case "$n" in ''|*[!0-9]*) echo "$0: N must be a whole number, got '$n'" >&2; exit 2;; esac
case "$nice_level" in ''|-|*[!0-9-]*) echo "$0: NICE must be a number in -20..19, got '$nice_level'" >&2; exit 2;; esac
if [ "$nice_level" -lt -20 ] || [ "$nice_level" -gt 19 ]; then echo "$0: NICE must be in -20..19, got $nice_level" >&2; exit 2; fi
pids=()
cleanup() { if [ ${#pids[@]} -gt 0 ]; then kill "${pids[@]}" 2>/dev/null || true; fi; }
trap cleanup EXIT INT TERM
for _ in $(seq 1 "$n"); do
  nice -n "$nice_level" sh -c 'while :; do :; done' &
  pids+=($!)
done
echo "beside-busy: $n busy process(es) at nice $nice_level: ${pids[*]:-none}" >&2
"$@"
