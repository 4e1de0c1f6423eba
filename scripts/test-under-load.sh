#!/usr/bin/env bash
# Runs the full `npm test` N times (default 3) while every core is kept busy, as on a shared CI
# machine: the suite must stay green when it does not have the machine to itself.
#
#   scripts/test-under-load.sh [runs]
#   LOAD_TEST_COMMAND='npm run test:unit' scripts/test-under-load.sh 1   # another command, same load
#
# The load generator is one CPU-bound Node process per core (LOAD_PROCESSES overrides the count),
# started at the same priority as the tests so that it really competes with them, and stopped when
# the script ends: after the last run, on a failure, on Ctrl-C or on SIGTERM. Each run's output
# goes to test-results/load-runs/<time>/run-<n>.log; a table of results and durations closes the
# run. The exit status is non-zero when any run failed.
set -uo pipefail
cd "$(dirname "$0")/.."

runs="${1:-3}"
if ! [[ "$runs" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/test-under-load.sh [runs]   (runs: a positive whole number, default 3)" >&2
  exit 2
fi
processes="${LOAD_PROCESSES:-$(nproc)}"
command="${LOAD_TEST_COMMAND:-npm test}"
out="test-results/load-runs/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"

load_pids=()
test_pid=""

stop_load() {
  for pid in "${load_pids[@]}"; do
    kill "$pid" 2>/dev/null
  done
  for pid in "${load_pids[@]}"; do
    wait "$pid" 2>/dev/null
  done
  load_pids=()
}

stop_test() {
  if [[ -n "$test_pid" ]] && kill -0 "$test_pid" 2>/dev/null; then
    # The run leads its own process group; its launchers stop their VS Code servers and browsers on SIGTERM.
    kill -TERM -- "-$test_pid" 2>/dev/null
    wait "$test_pid" 2>/dev/null
  fi
  test_pid=""
}

start_load() {
  for ((i = 0; i < processes; i++)); do
    node -e 'for (;;) {}' &
    load_pids+=("$!")
  done
}

load_running() {
  for pid in "${load_pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || return 1
  done
  return 0
}

trap 'stop_test; stop_load' EXIT
trap 'echo; echo "interrupted: stopping the test run and the load"; exit 130' INT TERM

format_duration() {
  printf '%d:%02d' $(($1 / 60)) $(($1 % 60))
}

start_load
echo "Load: ${processes} busy Node process(es) (pids ${load_pids[*]}) on $(nproc) core(s)."
echo "Logs: ${out}/"

results=()
failed=0
for ((run = 1; run <= runs; run++)); do
  log="${out}/run-${run}.log"
  load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "Run ${run}/${runs}: ${command} (load average ${load_before}) ..."
  started=$(date +%s)
  setsid bash -c "$command" >"$log" 2>&1 &
  test_pid=$!
  wait "$test_pid"
  code=$?
  test_pid=""
  seconds=$(($(date +%s) - started))
  load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
  if ! load_running; then
    echo "  the load generator stopped during run ${run}: this run was not under load" >&2
    if [[ "$code" -eq 0 ]]; then
      code=99
    fi
  fi
  if [[ "$code" -eq 0 ]]; then
    result="passed"
  else
    result="FAILED (exit ${code})"
    failed=$((failed + 1))
    echo "  failures in ${log}:"
    grep -E '✗|[0-9]+\) |failing|FAIL:|npm error' "$log" | head -20 | sed 's/^/    /'
  fi
  echo "  ${result} in $(format_duration "$seconds") (load average after: ${load_after})"
  results+=("$(printf '| %3d | %-16s | %8s | %-17s | %-17s | %s |' "$run" "$result" "$(format_duration "$seconds")" "$load_before" "$load_after" "$log")")
done

stop_load
echo
echo "${command} under load: ${processes} busy process(es) on $(nproc) core(s), $((runs - failed)) of ${runs} run(s) passed"
echo
printf '| %3s | %-16s | %8s | %-17s | %-17s | %s |\n' "run" "result" "duration" "load before" "load after" "log"
printf '|----:|:-----------------|---------:|:------------------|:------------------|:----|\n'
printf '%s\n' "${results[@]}"
[[ "$failed" -eq 0 ]]
