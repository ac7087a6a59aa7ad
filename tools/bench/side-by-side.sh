#!/usr/bin/env bash
# Runs every reference workload of ../shared/bench/WORKLOADS.md on both sides in one sitting, alternating suffice and
# the PyTorch peer per workload, one process per measurement (so peak_rss_mb is that workload's), and prints the
# raw lines. Usage: tools/bench/side-by-side.sh [workload...]   (needs python3-torch, libopenblas0-pthread)
# BEFORE=/path/to/other/suffice also runs that build (e.g. an older commit's distribution/target/suffice/bin/suffice)
# before ours for each workload, so a change is measured against its parent in the same sitting.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
peers="${PEERS:-$root/../shared/bench}"
py=/usr/bin/python3
workloads=("$@")
[ ${#workloads[@]} -eq 0 ] && workloads=(matmul two-layer-gd-tiny two-layer-gd-large clip-step-cpu clip-step-paper)
echo "# $(date -u '+%Y-%m-%d %H:%M UTC') $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for w in "${workloads[@]}"; do
  if [ -n "${BEFORE:-}" ]; then echo -n "before: "; "$BEFORE" bench "$w"; fi
  "$root/suffice" bench "$w"
  case "$w" in
    two-layer-gd-large) "$py" "$peers/peer_two_layer_gd.py" --n 1024 --d 784 --m 1024 --threads 2 ;;
    two-layer-gd-tiny)  "$py" "$peers/peer_two_layer_gd.py" --n 256 --d 16 --m 64 --steps 2000 --threads 2 ;;
    clip-step-cpu)      "$py" "$peers/peer_clip_step.py" --d 64 --layers 2 --batch 64 --threads 2 ;;
    clip-step-paper)    "$py" "$peers/peer_clip_step.py" --d 128 --layers 5 --batch 128 --steps 4 --warmup 3 --threads 2 ;;
  esac
done
