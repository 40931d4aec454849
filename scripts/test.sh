#!/usr/bin/env bash
# `npm test`: provisions what the tests need (npm deps, Docker Engine, Chromium, starter
# images), then runs type checks, lint, format check, unit, integration (real daemon, real
# SQLite) and end-to-end tests (production build, headless Chromium). Every stage runs; the
# exit code is non-zero if any failed.
source "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."

bash scripts/ensure-node-deps.sh
bash scripts/ensure-docker.sh
bash scripts/ensure-chromium.sh
bash scripts/ensure-images.sh
bash scripts/ensure-registry.sh

failed=()
# Each stage's output is also kept in a log, so a failed stage's failures can be repeated at the
# end of the run (CI shows only the tail of a long run).
stage_logs=$(mktemp -d /tmp/berth-test-logs.XXXXXX)
# Each stage prints how long it took, so a slower `npm test` shows which stage grew.
stage() {
  local name=$1; shift
  local began=$SECONDS log="$stage_logs/${name// /-}.log"
  say "── $name"
  # Process substitution, not a pipe: the stage runs in this shell, so what it sets stays set.
  # The braces make this shell (not the command's own process) open the substitution, so $!
  # is tee's pid. Up to 5 s for tee to print the stage's last lines before the verdict: no
  # longer, since daemons a stage starts and leaves running (the local Swarm's) inherit the
  # pipe, and tee ends only when they do.
  local rc=0 tee_pid
  { "$@"; } > >(tee "$log") 2>&1 || rc=$?
  tee_pid=$!
  for _ in $(seq 50); do kill -0 "$tee_pid" 2>/dev/null || break; sleep 0.1; done
  if [ "$rc" = 0 ]; then say "── $name: passed in $((SECONDS - began)) s"; return 0; fi
  say "── $name: FAILED after $((SECONDS - began)) s"
  failed+=("$name")
}
# What a failed stage said about its failures: Vitest's "Failed Tests" section, Playwright's
# numbered failures and summary, or else the stage's last lines.
failures_of() { # LOG
  local plain
  plain=$(sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$1")
  if grep -q 'Failed Tests' <<<"$plain"; then
    sed -n '/Failed Tests/,$p' <<<"$plain" | head -200
  elif grep -qE '^ +[0-9]+\) ' <<<"$plain"; then
    sed -n '/^ *[0-9]\+) /,$p' <<<"$plain" | head -200
  else
    tail -60 <<<"$plain"
  fi
}

stage "type check" npx tsc --noEmit -p .
stage "lint" npx eslint --max-warnings 0 .
stage "format check" npx prettier --check .
stage "unit tests" npx vitest run --project unit
stage "integration tests" npx vitest run --project integration

# Swarm: a local Swarm of private daemons (scripts/swarm.sh) in a slot of its own, so a
# developer's `scripts/swarm.sh up` is left alone: nodes 1 and 2 with every node default, node 3
# without --no-new-privileges (the posture tests need a node that must get no task). The Swarm is
# removed after the stage, and by the trap below if the run is interrupted.
export BERTH_SWARM_SLOT="${BERTH_SWARM_SLOT:-9}"
swarm_started=0
swarm_stage() {
  swarm_started=1
  BERTH_SWARM_WEAK_NODES=3 bash scripts/swarm.sh up 3 || return 1
  # shellcheck disable=SC1090
  (source "$(bash scripts/swarm.sh env-file)" && npx vitest run --project swarm)
}
cleanup() {
  rm -rf "$stage_logs"
  if [ "$swarm_started" = 1 ]; then bash scripts/swarm.sh down >/dev/null 2>&1 || true; fi
  if [ -n "${e2e_dir:-}" ]; then rm -rf "$e2e_dir"; fi
}
trap cleanup EXIT
stage "swarm tests" swarm_stage
# The Swarm stays up for the end-to-end run on it below.

# End-to-end: a portal of its own (scripts/lib.sh prepare_portal).
e2e_dir=$(mktemp -d /tmp/berth-e2e.XXXXXX)
# Host ports of its own, apart from `npm run up`'s default range and the integration runs.
export BERTH_PORT_RANGE="${BERTH_E2E_PORT_RANGE:-19000-19499}"
# Labels everything the e2e server creates, so the Playwright teardown removes it all.
export BERTH_TEST_RUN_ID="e2e-$$-$(date +%s)"
# The suites script the API as one admin, making a token or two per test: far more than a
# person does in a minute. The per-user write limit itself is tested in abuse.int.test.ts.
export BERTH_WRITES_PER_MINUTE="${BERTH_WRITES_PER_MINUTE:-600}"
# The e2e portal's edge: its own container, folder and high ports, and names under berth.test
# that the ingress spec maps to loopback in Chromium (portal and apps share a parent domain on
# purpose: the spec shows a tenant app cannot plant or read the portal's session cookie).
export BERTH_EDGE_NAME="berth-edge-$BERTH_TEST_RUN_ID" BERTH_EDGE_DIR="$e2e_dir/edge"
export BERTH_HTTPS_PORT="${BERTH_E2E_HTTPS_PORT:-19843}" BERTH_HTTP_PORT="${BERTH_E2E_HTTP_PORT:-19880}"
export BERTH_PORTAL_URL="https://portal.berth.test:$BERTH_HTTPS_PORT" BERTH_APPS_DOMAIN="apps.berth.test"
export BERTH_EDGE_SYNC_MS=1000
prepare_e2e() { prepare_portal "$e2e_dir" admin@e2e.berth e2e-admin-password; }
e2e_built=0
if stage "production build for e2e" prepare_e2e; then
  e2e_built=1
  stage "end-to-end tests" npx playwright test
fi
# The e2e portal keeps its edge running until Playwright stops it, after the teardown: remove
# what is left of this run (the edge outlives a portal restart on purpose, but not a test run).
remove_run_objects "$BERTH_TEST_RUN_ID"

# End-to-end on the Swarm: the same build (the engine is chosen when the portal starts), a portal
# started with the local Swarm's env file, and the specs SWARM_E2E_GREP names (Playwright's -g):
# the member's journey (launch the static web server from the form, its https:// URL through the
# edge, logs, stats, another tenant sees nothing, stop, remove; the same app and console through
# the edge in a browser that trusts Berth's CA) and the admin's Nodes page.
# Swarm.sh down removes everything the run made on the Swarm.
SWARM_E2E_GREP="${SWARM_E2E_GREP:-a member launches the static web server|admins see every node}"
swarm_e2e() {
  swarm_started=1
  BERTH_SWARM_WEAK_NODES=3 bash scripts/swarm.sh up 3 || return 1 # kept from the Swarm stage when it is healthy
  (
    # shellcheck disable=SC1090
    source "$(bash scripts/swarm.sh env-file)" || exit 1
    export BERTH_TEST_RUN_ID="e2e-swarm-$$-$(date +%s)"
    export BERTH_EDGE_NAME="berth-edge-$BERTH_TEST_RUN_ID" BERTH_EDGE_DIR="$e2e_dir/edge-swarm"
    # Twice the single engine's test timeout: on Swarm a launch, stop or start waits for the
    # task to be placed, ended or started and its container verified on its node.
    npx playwright test -g "$SWARM_E2E_GREP" --timeout 120000
    rc=$?
    # The edge of this run lives on the manager's engine.
    DOCKER_HOST="$BERTH_SWARM_MANAGER" remove_run_objects "$BERTH_TEST_RUN_ID"
    exit $rc
  )
}
if [ "$e2e_built" = 1 ]; then
  stage "end-to-end tests on the Swarm" swarm_e2e
fi
bash scripts/swarm.sh down >/dev/null 2>&1 || true
swarm_started=0

# Tests that passed only on their retry (Vitest's flaky reporter, Playwright's "flaky"), repeated
# here so a flake is seen even when the run passes.
for log in "$stage_logs"/*.log; do
  flaky=$(sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$log" | sed -n -e '/^Flaky: /,/^$/p' -e '/^ *[0-9]\+ flaky$/,/^ *[0-9]\+ passed/p')
  if [ -n "$flaky" ]; then say "── retried in: $(basename "$log" .log)"; printf '%s\n' "$flaky"; fi
done
if [ ${#failed[@]} -gt 0 ]; then
  for name in "${failed[@]}"; do
    say "── what failed in: $name"
    failures_of "$stage_logs/${name// /-}.log" || true
  done
  printf '\033[31m[berth] failed: %s\033[0m\n' "$(IFS=,; echo "${failed[*]}")"
  exit 1
fi
say "all test stages passed"
