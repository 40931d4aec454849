#!/usr/bin/env bash
# `npm run bench`: the performance benchmark (bench/, not part of `npm test`). Builds and
# starts the portal on a database and secret of its own, runs bench/run.ts against it and a
# real daemon, prints the table and writes bench/results/latest.json. Everything it
# creates is removed on exit: the server (by its own pid), the engine objects labelled
# with this run, the temp folder.
#
# The portal is built and run from a snapshot of this checkout in a temp folder, not from
# the checkout itself: other people run `next build` here and share `.next`, and a custom
# distDir would make `next build` rewrite the tracked tsconfig.json (it adds
# `<distDir>/types/**` to "include"). node_modules is hard-linked into the snapshot (fast, no
# extra space): Turbopack refuses a node_modules symlink that leaves the project root.
#
# Sizes: BENCH_RUNS, BENCH_CONCURRENT_ROUNDS, BENCH_SCALE_CONTAINERS, BENCH_SCALE_TENANTS,
# BENCH_LIST_RUNS, BENCH_EVENTS, BENCH_QUERY_RUNS, BENCH_GROWTH_CONTAINERS (100,250,500),
# BENCH_GROWTH_EVENTS (100000,1000000), BENCH_GROWTH_TENANTS, BENCH_GROWTH_RUNS, BENCH_SUBNET_BASE
# (see bench/run.ts, bench/raw-docker.ts); BENCH_ONLY=1,3 runs a
# subset; BENCH_KEEP=1 keeps the temp folder.
source "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."
repo=$(pwd)

bash scripts/ensure-node-deps.sh
bash scripts/ensure-docker.sh
bash scripts/ensure-images.sh

port=${BENCH_PORT:-3900}
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "port $port is in use; set BENCH_PORT to a free one"; fi

work=$(mktemp -d /tmp/berth-bench.XXXXXX)
run_id="bench-$(date +%s)-$$"
server_pid=""
swarm_up=0
cleanup() {
  local rc=$?
  if [ "$swarm_up" = 1 ]; then bash "$repo/scripts/swarm.sh" down >/dev/null 2>&1 || true; fi
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  # Safety net after bench/run.ts's own clean-up (e.g. if it was killed): nothing of this run survives.
  local filter="label=berth.test=$run_id" ids
  ids=$(docker ps -aq --filter "$filter" 2>/dev/null || true)
  [ -n "$ids" ] && docker rm -f -v $ids >/dev/null 2>&1 || true
  ids=$(docker network ls -q --filter "$filter" 2>/dev/null || true)
  [ -n "$ids" ] && docker network rm $ids >/dev/null 2>&1 || true
  ids=$(docker volume ls -q --filter "$filter" 2>/dev/null || true)
  [ -n "$ids" ] && docker volume rm -f $ids >/dev/null 2>&1 || true
  if [ "${BENCH_KEEP:-0}" = 1 ]; then say "kept $work"; else rm -rf "$work"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "snapshot of the checkout in $work/app"
snap="$work/app"
mkdir -p "$snap"
# Tracked and untracked-but-not-ignored files: the working tree as it is now (read-only git).
git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$snap" 2>/dev/null || true
cp -al node_modules "$snap/node_modules" 2>/dev/null || cp -a node_modules "$snap/node_modules"
cd "$snap"
npx prisma generate >/dev/null

export BERTH_TEST_RUN_ID="$run_id"
# Host ports of its own: the portal allocates from the first part, the raw baseline uses the rest.
export BERTH_PORT_RANGE="${BENCH_PORT_RANGE:-24000-24799}"
export BENCH_RAW_PORT_RANGE="${BENCH_RAW_PORT_RANGE:-24800-24999}"
# The benchmark launches hundreds of containers as a few users within minutes: it measures
# the launch path, not the per-user write limit (lib/services/write-limits.ts).
export BERTH_WRITES_PER_MINUTE="${BERTH_WRITES_PER_MINUTE:-100000}"

say "database, first admin, production build"
prepare_portal "$work" admin@bench.berth bench-admin-password || die "preparing the portal failed (log: $work/build.log)"

say "starting the portal on 127.0.0.1:$port"
# node directly (not npx) so $! is the server itself: its pid is what we stop and whose memory we read.
# Without the edge: the benchmark compares launches with raw published ports against raw
# Docker calls, and must not start an edge on this machine's 443/80.
BERTH_EDGE=off PORT="$port" BERTH_LISTEN_ADDRESS=127.0.0.1 node scripts/portal-server.cjs >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { tail -40 "$work/server.log"; die "the portal exited"; }
  sleep 1
done
curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null || { tail -40 "$work/server.log"; die "the portal did not answer"; }

BENCH_BASE_URL="http://127.0.0.1:$port" BENCH_SERVER_PID="$server_pid" BENCH_DIST_DIR="$snap/.next" \
  BENCH_RESULTS_DIR="$repo/bench/results" npx tsx --conditions=react-server bench/run.ts

# Item 9: the Swarm backend (bench/swarm.ts), on a local Swarm of its own (slot 8 unless
# BENCH_SWARM_SLOT says otherwise) and a database of its own; the Swarm is removed afterwards.
if [[ ",${BENCH_ONLY:-9}," == *",9,"* ]]; then
  export BERTH_SWARM_SLOT="${BENCH_SWARM_SLOT:-8}"
  swarm_up=1
  bash scripts/swarm.sh up 2 || die "the local Swarm did not come up"
  (
    # shellcheck disable=SC1090
    source "$(bash scripts/swarm.sh env-file)" || exit 1
    export DATABASE_URL="file:$work/swarm.db" BERTH_EDGE=off
    npx prisma migrate deploy >/dev/null || exit 1
    BENCH_RESULTS_DIR="$repo/bench/results" npx tsx --conditions=react-server bench/swarm.ts
  ) || die "the Swarm item failed"
fi
