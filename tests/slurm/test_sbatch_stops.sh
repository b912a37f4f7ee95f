#!/usr/bin/env bash
# scripts/slurm/sweep.sbatch's stops without Slurm: the script runs as a job's batch script would
# (SLURM_JOB_ID set), with a fake mpirun, scontrol and id on PATH that record what they were asked.
#   1. SIGUSR1 during the script's setup (from the fake `id`, before mpirun is started): the stop is
#      kept, mpirun never starts, the job is requeued and the script exits 130.
#   2. SIGUSR1 while mpirun runs: passed to mpirun, which exits 130; the job is requeued.
#   3. A time limit (4 min) not longer than the warning's 300 s lead: one line naming it, exit 2, mpirun
#      never started, no requeue.
#   tests/slurm/test_sbatch_stops.sh SOURCE_DIR
set -uo pipefail
script=$(cd "$1" && pwd)/scripts/slurm/sweep.sbatch
work=$(mktemp -d /tmp/bokeh-sbatch-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin"
cat > "$work/bin/mpirun" <<'FAKE'
#!/usr/bin/env bash
trap 'kill "$sleeper"; exit 130' USR1
sleep 20 & sleeper=$!
touch "$FAKE_DIR/mpirun-started"  # ready for a stop
wait "$sleeper"
FAKE
cat > "$work/bin/scontrol" <<'FAKE'
#!/usr/bin/env bash
case "$1" in
  show) echo "JobId=$SLURM_JOB_ID JobName=bokeh-sweep TimeLimit=$FAKE_TIME_LIMIT TimeMin=N/A" ;;
  requeue) echo "$2" >> "$FAKE_DIR/requeued" ;;
esac
FAKE
cat > "$work/bin/id" <<'FAKE'
#!/usr/bin/env bash
if [ -n "${FAKE_STOP_IN_SETUP:-}" ]; then  # the batch script's pid, once the test has written it
  for _ in $(seq 100); do [ -s "$FAKE_DIR/script.pid" ] && break; sleep 0.1; done
  kill -USR1 "$(cat "$FAKE_DIR/script.pid")"
  sleep 0.2
fi
echo 1000
FAKE
chmod +x "$work/bin/"*

failures=0
check() {  # check WHAT CONDITION...
  local what=$1; shift
  if "$@"; then echo "ok: $what"; else echo "FAILED: $what"; failures=$((failures + 1)); fi
}
# run_job SCENARIO TIME_LIMIT [STOP_IN_SETUP]: runs the script in $work/SCENARIO; sets $status.
run_job() {
  local dir="$work/$1"
  mkdir "$dir"
  (
    export PATH="$work/bin:$PATH" FAKE_DIR="$dir" FAKE_TIME_LIMIT="$2" FAKE_STOP_IN_SETUP="${3:-}"
    export SLURM_JOB_ID=4242 SLURM_SUBMIT_DIR="$dir" BOKEH_SWEEP=sweep
    unset BOKEH_SIGNAL_LEAD
    bash "$script" spec.yaml >"$dir/out" 2>"$dir/err" &
    echo $! > "$dir/script.pid"
    if [ "$1" = during-mpirun ]; then
      for _ in $(seq 100); do [ -e "$dir/mpirun-started" ] && break; sleep 0.1; done
      kill -USR1 "$(cat "$dir/script.pid")"
    fi
    wait $!
  )
  status=$?
}
requeued_once() { [ "$(cat "$work/$1/requeued" 2>/dev/null)" = 4242 ]; }
not_requeued() { [ ! -e "$work/$1/requeued" ]; }
mpirun_not_started() { [ ! -e "$work/$1/mpirun-started" ]; }
one_line_naming() { [ "$(wc -l < "$work/$1/err")" = 1 ] && grep -q "$2" "$work/$1/err"; }

run_job in-setup UNLIMITED stop
check "a stop during setup: exit 130 (got $status)" [ "$status" = 130 ]
check "a stop during setup: requeued" requeued_once in-setup
check "a stop during setup: mpirun not started" mpirun_not_started in-setup

run_job during-mpirun 1-00:00:00
check "a stop while mpirun runs: exit 130 (got $status)" [ "$status" = 130 ]
check "a stop while mpirun runs: requeued" requeued_once during-mpirun

run_job short-limit 00:04:00
check "a 4 min limit under the 300 s lead: exit 2 (got $status)" [ "$status" = 2 ]
check "a 4 min limit: one line naming it" one_line_naming short-limit "time limit (240 s) is not longer than the 300 s warning"
check "a 4 min limit: not requeued" not_requeued short-limit
check "a 4 min limit: mpirun not started" mpirun_not_started short-limit

for f in "$work"/*/err; do [ -s "$f" ] && { echo "--- $f"; cat "$f"; }; done
[ "$failures" = 0 ] || { echo "$failures check(s) failed"; exit 1; }
echo "PASS"
