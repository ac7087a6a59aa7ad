#!/usr/bin/env bash
# A single-node Slurm cluster in one folder, for trying `run.executor: slurm` on a laptop and for the tests.
#
#   tools/slurm/testcluster.sh start DIR    # writes DIR/slurm.conf, starts munged, slurmctld, slurmd; waits for idle
#   tools/slurm/testcluster.sh stop DIR     # cancels every job, waits for the queue to empty, stops the daemons
#
# After start, `export SLURM_CONF=DIR/slurm.conf` points sbatch/squeue/scontrol/scancel at it (DIR/env says so).
# Needs the Debian packages slurm-wlm and munge (Slurm 22.05). No systemd, no cgroups, nothing in /etc: every file
# lives in DIR. Ports: SLURM_TEST_CTLD_PORT and SLURM_TEST_SLURMD_PORT (default 6817, 6818). CPUs: SLURM_TEST_CPUS
# (default nproc). Every wait is bounded; daemons are stopped by the PIDs they wrote into DIR, never by name.
set -euo pipefail

usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 2
}
[ $# -eq 2 ] || usage
action="$1"
dir="$2"

# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.1 s until it succeeds; fails after SECONDS.
wait_for() {
  local limit="$1" what="$2"
  shift 2
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "testcluster: $what did not happen within ${limit}s" >&2
      return 1
    fi
    sleep 0.1
  done
}

# stop_pid FILE NAME: SIGTERM to the PID in FILE, up to 10 s for it to exit, then SIGKILL.
stop_pid() {
  local file="$1" name="$2" pid
  [ -s "$file" ] || return 0
  pid="$(cat "$file")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_for 10 "$name (pid $pid) exiting" bash -c "! kill -0 $pid"; then
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$file"
}

start() {
  for tool in munged mungekey slurmctld slurmd sinfo; do
    command -v "$tool" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin"
    command -v "$tool" >/dev/null 2>&1 || { echo "testcluster: $tool not found (install slurm-wlm and munge)" >&2; exit 1; }
  done
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  if [ -s "$dir/slurmctld.pid" ] && kill -0 "$(cat "$dir/slurmctld.pid")" 2>/dev/null; then
    echo "testcluster: a cluster already runs in $dir (stop it first)" >&2
    exit 1
  fi
  # An empty state folder: old jobs must not come back.
  rm -rf "$dir/state" "$dir/spool" "$dir/jobcomp.txt" "$dir"/*.log
  mkdir -p "$dir/state" "$dir/spool" "$dir/munge"
  chmod 700 "$dir/munge"
  local host user cpus ctld_port slurmd_port
  host="$(hostname -s)"
  user="$(id -un)"
  cpus="${SLURM_TEST_CPUS:-$(nproc)}"
  ctld_port="${SLURM_TEST_CTLD_PORT:-6817}"
  slurmd_port="${SLURM_TEST_SLURMD_PORT:-6818}"
  cat >"$dir/slurm.conf" <<EOF
# written by tools/slurm/testcluster.sh: a single-node test cluster
ClusterName=suffice-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/jobcomp.txt
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
MinJobAge=3600
KillWait=5
DependencyParameters=kill_invalid_depend
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
  echo "export SLURM_CONF=$dir/slurm.conf" >"$dir/env"
  export SLURM_CONF="$dir/slurm.conf"
  rm -f "$dir/munge/munge.key"
  mungekey -c -k "$dir/munge/munge.key" >/dev/null 2>&1
  # munged refuses to run as root without --force
  munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
    --pid-file="$dir/munged.pid" --seed-file="$dir/munge/munge.seed" --log-file="$dir/munged.log" </dev/null
  wait_for 10 "munged start" test -S "$dir/munge/munge.socket"
  slurmctld -c -i </dev/null
  slurmd </dev/null
  if ! wait_for 30 "the node becoming idle" bash -c '[ "$(sinfo -h -o %T)" = idle ]'; then
    tail -n 5 "$dir/slurmctld.log" "$dir/slurmd.log" >&2 || true
    stop
    exit 1
  fi
  echo "testcluster: running in $dir (export SLURM_CONF=$dir/slurm.conf)"
}

stop() {
  [ -d "$dir" ] || return 0
  dir="$(cd "$dir" && pwd)"
  export SLURM_CONF="$dir/slurm.conf"
  if [ -s "$dir/slurmctld.pid" ] && kill -0 "$(cat "$dir/slurmctld.pid")" 2>/dev/null; then
    # Stopping slurmd does not kill running jobs: cancel them and wait for the queue to empty first.
    local jobs
    jobs="$(squeue -h -o %A 2>/dev/null | sort -u | tr '\n' ' ')"
    if [ -n "${jobs// /}" ]; then
      # shellcheck disable=SC2086
      scancel $jobs 2>/dev/null || true
      wait_for 30 "the queue emptying" bash -c '[ -z "$(squeue -h -o %A 2>/dev/null)" ]' || true
    fi
  fi
  stop_pid "$dir/slurmd.pid" slurmd
  stop_pid "$dir/slurmctld.pid" slurmctld
  stop_pid "$dir/munged.pid" munged
  echo "testcluster: stopped in $dir"
}

case "$action" in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
