#!/usr/bin/env bash
# The `slurm` test: a one-node Slurm cluster from Debian's packages, stood up on this machine (munged,
# slurmctld and slurmd started here, no systemd; proctrack/linuxproc, task/none, no cgroup plugins,
# JobRequeue=1, SlurmdParameters=config_overrides), runs scripts/slurm/sweep.sbatch unchanged on a small
# demo sweep, sees it refuse a time limit under the warning's lead (exit 2, not requeued), and
# interrupts it three ways: `scontrol requeue`, `scancel --batch --signal=USR1` and a
# time limit (--signal=B:USR1@..., timed against slurmctld's 30 s checks); each requeued start is
# released from Slurm's BeginTime hold with `scontrol update JobId=N StartTime=now`. Every run must end
# done, once, with every epoch's figures identical to the same sweep run straight through. Skipped
# (exit 77, with the reason) when not root or when the packages are missing (scripts/slurm/install-deps
# installs them).
#   tests/slurm/test_slurm_cluster.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
skip() { echo "SKIPPED: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "the one-node cluster needs root (munged, slurmctld and slurmd run here as root)"
for tool in munged slurmctld slurmd sbatch scontrol squeue scancel sinfo sqlite3 mpirun; do
  command -v "$tool" >/dev/null || skip "no $tool: scripts/slurm/install-deps installs Debian's slurmctld, slurmd, slurm-client, munge and sqlite3"
done
[ -x "$build/sweep" ] || skip "no $build/sweep (a build with libtorch and MPI)"

work=$(mktemp -d /tmp/bokeh-slurm-XXXXXX)
log() { echo "slurm test $(date +%T): $*"; }
stop_daemons() {
  for name in slurmd slurmctld munged; do
    [ -f "$work/$name.pid" ] && kill "$(cat "$work/$name.pid")" 2>/dev/null || true
  done
  sleep 1
}
finish() {
  local status=$?
  if [ "$status" != 0 ] && [ "$status" != 77 ]; then
    for f in "$work"/job-*.log "$work"/slurmctld.log "$work"/slurmd.log; do
      [ -f "$f" ] && { echo "--- $f (last 40 lines)"; tail -40 "$f"; }
    done
  fi
  stop_daemons
  rm -rf "$work"
}
trap finish EXIT

# The sweep: the demo at a small size, one thread (exact resumes need the same thread count).
spec="$src/sweeps/demo.yaml"
sets=(--set data.height=32 --set data.width=32 --set data.train_pairs=32 --set data.val_pairs=8 --set data.test_pairs=8
      --set data.synthetic.count=48 --set data.synthetic.size=32 --set train.epochs=12 --set resources.threads=1)

log "reference: the same sweep straight through"
"$build/sweep" "$spec" --db "$work/reference/sweeps.db" --quiet "${sets[@]}"

# --- the cluster -----------------------------------------------------------------------------------
host=$(hostname -s)
dd if=/dev/urandom of="$work/munge.key" bs=1024 count=1 status=none
chmod 400 "$work/munge.key"
munged --force --key-file="$work/munge.key" --socket="$work/munge.socket" --pid-file="$work/munged.pid" \
       --log-file="$work/munged.log" --seed-file="$work/munge.seed"
mkdir -p "$work/state" "$work/spool"
cat > "$work/slurm.conf" <<CONF
ClusterName=bokehtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=46817
SlurmdPort=46818
AuthType=auth/munge
AuthInfo=socket=$work/munge.socket
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmctldDebug=debug2
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
JobRequeue=1
SlurmdParameters=config_overrides
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
KillWait=30
MinJobAge=600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"
slurmctld -c -i -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 60); do
  [ "$(sinfo -h -N -o %T 2>/dev/null | head -1)" = idle ] && break
  sleep 1
done
[ "$(sinfo -h -N -o %T | head -1)" = idle ] || { echo "the node did not come up: $(sinfo -h -N -o '%T %E')"; exit 1; }
log "one-node cluster up ($host, $(nproc) CPUs)"

job_field() { scontrol show job "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -1; }
field() { job_field "$job" "$1"; }
wait_for() {  # wait_for WHAT SECONDS COMMAND...: until COMMAND succeeds
  local what=$1 seconds=$2; shift 2
  for _ in $(seq "$seconds"); do "$@" && return 0; sleep 1; done
  echo "timed out waiting for $what (job state $(field JobState), reason $(field Reason))"; exit 1
}
db="$work/slurm/sweeps.db"
cd "$work"

# --- a time limit under the warning's lead ------------------------------------------------------------
# --time=4 against the script's --signal=B:USR1@300: every start would be stopped at once and requeued;
# the script refuses it in one line (exit 2), starts nothing and the job ends FAILED, never requeued.
job=$(BOKEH_DB="$work/short/sweeps.db" BOKEH_SWEEP="$build/sweep" sbatch --parsable --time=4 \
      --output="$work/job-%j.log" "$src/scripts/slurm/sweep.sbatch" "$spec" --quiet "${sets[@]}")
ended() { [ "$(field JobState)" = FAILED ] || [ "$(field JobState)" = COMPLETED ]; }
wait_for "the job with a 4 min time limit to end" 120 ended
[ "$(field JobState)" = FAILED ] && [ "$(field ExitCode)" = 2:0 ] && [ "$(field Restarts)" = 0 ] ||
  { echo "a 4 min time limit: job $(field JobState), exit code $(field ExitCode), restarts $(field Restarts)"; exit 1; }
grep -q "time limit (240 s) is not longer than the 300 s warning" "$work/job-$job.log" ||
  { echo "a 4 min time limit: the job's log does not say why it stopped"; exit 1; }
[ ! -e "$work/short/sweeps.db" ] || { echo "a 4 min time limit: the sweep started"; exit 1; }
log "job $job with a 4 min time limit refused in one line, exit code 2, not requeued"

# --- the job ----------------------------------------------------------------------------------------
# BOKEH_SIGNAL_LEAD: the warning's lead, which --signal sets to 115 s here (the third start's 2 min limit
# is longer).
job=$(BOKEH_DB="$db" BOKEH_SWEEP="$build/sweep" BOKEH_SIGNAL_LEAD=115 sbatch --parsable --signal=B:USR1@115 \
      --output="$work/job-%j.log" "$src/scripts/slurm/sweep.sbatch" "$spec" --quiet "${sets[@]}")
log "submitted job $job (no resources on the command line but the time-limit warning)"

epochs() { [ -f "$db" ] && sqlite3 "file:$db?mode=ro" "SELECT count(*) FROM epochs" 2>/dev/null || echo 0; }
running_past() { [ "$(field JobState)" = RUNNING ] && [ "$(epochs)" -gt "$1" ]; }
requeued() { [ "$(field JobState)" = PENDING ] && [ "$(field Restarts)" -ge "$1" ]; }
# A requeued job waits about two minutes for its BeginTime. Slurm holds it that long because slurmd
# revokes the ended start's job credential, with one-second resolution: a start issued in the same
# second as the revocation is refused ("Job credential revoked") and the job ends FAILED. So the test
# lets a few seconds pass, not two minutes, before it starts the job again.
start_now() { sleep 3; scontrol update JobId="$job" StartTime=now; }
release() {
  wait_for "the job to be requeued ($1)" 90 requeued "$2"
  start_now
  log "requeued after $1 (restarts $(field Restarts)); released from the BeginTime hold"
}

wait_for "a first epoch" 240 running_past 0
scontrol requeue "$job"
log "interrupted by scontrol requeue at $(epochs) epochs"
release "scontrol requeue" 1

seen=$(epochs)
wait_for "progress after the first requeue" 240 running_past "$seen"
scancel --batch --signal=USR1 "$job"
log "interrupted by scancel --batch --signal=USR1 at $(epochs) epochs"

# slurmctld checks time limits, and sends --signal warnings due within the next 30 s, once every 30 s
# counted from its start (PERIODIC_TIMEOUT); its log stamps the start and, at debug2, each check. A
# warning waits up to 30 s for the next check, longer than this small sweep takes, so the third start
# is timed: the job is held with a 2 min limit (--signal=B:USR1@115: due as soon as it starts) and
# released 4 s before the next check, so the signal lands a few seconds into the sweep, whatever the
# machine's speed.
wait_for "the job to be requeued (scancel --batch --signal=USR1)" 90 requeued 2
scontrol update JobId="$job" TimeLimit=2
last_check() {  # when slurmctld last checked time limits (its start, the origin of the 30 s, until the first)
  sed -n 's/^\[\([0-9T:-]*\)\.[0-9]*\] \(debug2: Testing job time limits\|Running as primary controller\).*/\1/p' \
    "$work/slurmctld.log" | tail -1
}
[ -n "$(last_check)" ] || { echo "slurmctld's log does not say when it started"; exit 1; }
release_at=$(( $(date -d "$(last_check)" +%s) + 26 ))
while [ "$release_at" -lt $(( $(date +%s) + 3 )) ]; do release_at=$(( release_at + 30 )); done  # 3 s past the requeue
sleep $(( release_at - $(date +%s) ))
scontrol update JobId="$job" StartTime=now
log "requeued after scancel --batch --signal=USR1 (restarts $(field Restarts)); released with a 2 min time limit," \
    "4 s before slurmctld's next time-limit check"
release "the time limit's SIGUSR1" 3
scontrol update JobId="$job" TimeLimit=UNLIMITED

finished() {
  local state; state=$(field JobState)
  if [ "$state" = PENDING ] && [ "$(field Reason)" = BeginTime ]; then start_now; fi
  [ "$state" = COMPLETED ] || [ "$state" = FAILED ] || [ "$state" = CANCELLED ]
}
wait_for "the job to finish" 420 finished
log "job $job ended $(field JobState), exit code $(field ExitCode), restarts $(field Restarts)"
[ "$(field JobState)" = COMPLETED ] || { echo "the job did not complete"; exit 1; }

# --- the results ------------------------------------------------------------------------------------
q() { sqlite3 -separator ' ' "file:$1?mode=ro" "$2"; }
not_done=$(q "$db" "SELECT name FROM runs WHERE state != 'done'")
[ -z "$not_done" ] || { echo "runs not done: $not_done"; exit 1; }
twice=$(q "$db" "SELECT r.name FROM events e JOIN runs r ON r.id = e.run_id WHERE e.kind = 'done'
                 GROUP BY e.run_id HAVING count(*) != 1")
[ -z "$twice" ] || { echo "runs done more than once: $twice"; exit 1; }
figures="SELECT r.name, e.epoch, printf('%.17g %.17g %.17g', e.train_loss, e.val_loss, e.lr)
         FROM epochs e JOIN runs r ON r.id = e.run_id ORDER BY r.name, e.epoch"
if ! diff <(q "$work/reference/sweeps.db" "$figures") <(q "$db" "$figures"); then
  echo "epochs differ from the uninterrupted sweep (< reference, > under Slurm)"; exit 1
fi
runs=$(q "$db" "SELECT count(*) FROM runs")
rows=$(q "$db" "SELECT count(*) FROM epochs")
resumes=$(q "$db" "SELECT count(*) FROM events WHERE kind = 'resume'")
log "PASS: $runs runs done once each, $rows epochs identical to the uninterrupted sweep, after 3 interruptions" \
    "(requeue, scancel --batch --signal=USR1, time limit) and $resumes resumes from checkpoints"
