#!/usr/bin/env bash
# The dashboard's cost to the job it watches: ms/step of modadd-mlp (2,000 steps, 2 threads) run plainly, with
# --serve and no page open, and with --serve and the run's page open in headless Chromium on the same machine,
# ROUNDS times each, interleaved (this machine is noisy: compare the best of each). Needs the jar (bin/grokscope
# builds it) and Debian's chromium.   usage: tools/bench/dashboard-overhead.sh [ROUNDS] [OUT]
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-3}; OUT=${2:-/tmp/grokscope-overhead}
bin/grokscope --version > /dev/null
J="${JAVA:-java} --add-modules jdk.incubator.vector -jar target/grokscope.jar"
rm -rf "$OUT"; mkdir -p "$OUT"
for round in $(seq 1 "$ROUNDS"); do
  $J train --preset modadd-mlp --set training.steps=2000 --out "$OUT/plain$round" > "$OUT/plain$round.log" 2>&1
  $J train --preset modadd-mlp --set training.steps=2000 --out "$OUT/serve$round" --serve=8121 > "$OUT/serve$round.log" 2>&1
  $J train --preset modadd-mlp --set training.steps=2000 --out "$OUT/page$round" --serve=8122 > "$OUT/page$round.log" 2>&1 &
  T=$!
  sleep 2
  chromium --headless=new --no-sandbox --disable-gpu --user-data-dir="$OUT/chromium$round" "http://127.0.0.1:8122/#/run/0" > /dev/null 2>&1 &
  C=$!
  wait $T
  kill $C; wait $C 2>/dev/null || true
done
grep -H "ms/step" "$OUT"/*.log
