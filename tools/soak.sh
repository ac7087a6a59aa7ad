#!/bin/bash
# Soak (docs/RELIABILITY.md): a long clip-jghm run at CPU size, checkpoints every 500 steps, at nice 19; samples the
# JVM's resident memory, open file descriptors, threads and the run folder's bytes every 30 s into samples.csv.
# Usage: tools/soak.sh [STEPS] [WORKDIR]   (needs the assembled CLI: mvn -B package -DskipTests)
set -euo pipefail
steps=${1:-20000}
work=${2:-soak}
home="$(cd "$(dirname "$0")/.." && pwd)/distribution/target/suffice"
mkdir -p "$work" && cd "$work"
rm -rf runs samples.csv
nice -n 19 "$home/bin/suffice" run "$home/experiments/clip-jghm.yaml" --set task.steps="$steps" \
  --set run.checkpoint-every=500 --set task.log-every=100 --output runs > out.txt 2> err.txt &
pid=$!   # the launcher execs java, so this is the JVM
echo "t_s,rss_kb,fds,threads,folder_bytes" > samples.csv
start=$(date +%s)
while kill -0 "$pid" 2>/dev/null; do
  rss=$(awk '/VmRSS/{print $2}' "/proc/$pid/status" 2>/dev/null || true)
  thr=$(awk '/Threads/{print $2}' "/proc/$pid/status" 2>/dev/null || true)
  fds=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)
  bytes=$(du -sb runs 2>/dev/null | cut -f1 || true)
  echo "$(( $(date +%s) - start )),$rss,$fds,$thr,$bytes" >> samples.csv
  sleep 30
done
wait "$pid" && echo "exit 0" || echo "exit $?"
