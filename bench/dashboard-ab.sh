#!/usr/bin/env bash
# /dashboard side by side (bench/dashboard-ab.ts): two revisions of the portal, each built once
# into a snapshot of its own, both production servers running at once, then views alternating.
#   bash bench/dashboard-ab.sh BEFORE_REV AFTER_REV
# AB_WORK (default /tmp/dashboard-ab) keeps the builds, so a rerun of the same revisions only
# measures (AB_BUILD_ONLY=1: only build); AB_PORT_A/AB_PORT_B (3611/3612), AB_VIEWS, AB_WARMUP,
# AB_CONTAINERS, AB_DUMP_DIR (each server's first /dashboard HTML) as in the .ts;
# AB_NODE_OPTIONS_A/AB_NODE_OPTIONS_B: NODE_OPTIONS for one side's server (e.g. the same
# revision twice, with and without a V8 flag).
# Not part of `npm run bench`: it launches its own 2 × 25 small containers (berth/shell:1,
# 32 MB, 50 millicores), labelled with this run's id, and removes them (and their networks)
# when it ends, however it ends.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
# shellcheck source=../scripts/lib.sh
source scripts/lib.sh
work=${AB_WORK:-/tmp/dashboard-ab}
run_id="bench-dashab-$$-$(date +%s)"
admin_email=${AB_ADMIN_EMAIL:-admin@ab.berth} admin_password=${AB_ADMIN_PASSWORD:-ab-admin-password-1}
mkdir -p "$work"

build() { # DIR REV: a snapshot of REV with its database, first admin and production build
  local dir=$1 rev
  rev=$(git rev-parse "$2")
  [ -f "$dir/.built-$rev" ] && return 0
  rm -rf "$dir" && mkdir -p "$dir"
  git archive "$rev" | tar -x -C "$dir"
  cp -al node_modules "$dir/node_modules"
  (
    cd "$dir" && npx prisma generate >/dev/null &&
      prepare_portal "$dir" "$admin_email" "$admin_password" &&
      for v in DATABASE_URL AUTH_SECRET BERTH_AUDIT_KEY BERTH_ARCHIVE_DIR BERTH_ADMIN_EMAIL BERTH_ADMIN_PASSWORD; do printf 'export %s=%q\n' "$v" "${!v}"; done >"$dir/env.sh"
  )
  touch "$dir/.built-$rev"
}

pids=()
cleanup() {
  local rc=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  remove_run_objects "$run_id"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start() { # DIR PORT PORT_RANGE NODE_OPTIONS: prints the server's pid
  (
    cd "$1"
    # shellcheck disable=SC1091
    source ./env.sh
    NODE_OPTIONS="$4" BERTH_EDGE=off PORT="$2" BERTH_LISTEN_ADDRESS=127.0.0.1 BERTH_TEST_RUN_ID="$run_id" BERTH_WRITES_PER_MINUTE=100000 \
      BERTH_PORT_RANGE="$3" exec node scripts/portal-server.cjs >"$1/server.log" 2>&1
  ) &
  echo $!
}

wait_up() { # PORT PID
  for _ in $(seq 1 90); do
    curl -sf "http://127.0.0.1:$1/api/v1/health" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 1
  done
  return 1
}

build "$work/before" "${1:?BEFORE_REV}"
build "$work/after" "${2:?AFTER_REV}"
[ "${AB_BUILD_ONLY:-0}" = 1 ] && exit 0
port_a=${AB_PORT_A:-3611} port_b=${AB_PORT_B:-3612}
pid_a=$(start "$work/before" "$port_a" 26600-26699 "${AB_NODE_OPTIONS_A:-}")
pids+=("$pid_a")
pid_b=$(start "$work/after" "$port_b" 26700-26799 "${AB_NODE_OPTIONS_B:-}")
pids+=("$pid_b")
wait_up "$port_a" "$pid_a" || { tail -30 "$work/before/server.log"; exit 1; }
wait_up "$port_b" "$pid_b" || { tail -30 "$work/after/server.log"; exit 1; }

cd "$repo"
AB_A_LABEL="before ($(git rev-parse --short "$1")${AB_NODE_OPTIONS_A:+ $AB_NODE_OPTIONS_A})" AB_A_URL="http://127.0.0.1:$port_a" AB_A_PID="$pid_a" \
  AB_B_LABEL="after ($(git rev-parse --short "$2")${AB_NODE_OPTIONS_B:+ $AB_NODE_OPTIONS_B})" AB_B_URL="http://127.0.0.1:$port_b" AB_B_PID="$pid_b" \
  BERTH_ADMIN_EMAIL="$admin_email" BERTH_ADMIN_PASSWORD="$admin_password" BERTH_TEST_RUN_ID="$run_id" \
  npx tsx bench/dashboard-ab.ts
