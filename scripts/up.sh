#!/usr/bin/env bash
# `npm run up`: sets up and runs Berth on this machine. Safe to run again; keeps all data.
source "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."
source scripts/env.sh

bash scripts/ensure-node-deps.sh
bash scripts/ensure-docker.sh
bash scripts/ensure-images.sh

say "applying database migrations to ${DATABASE_URL#file:}"
npx prisma migrate deploy >/dev/null
npx tsx --conditions=react-server scripts/bootstrap.ts

say "building the production bundle"
npx next build >/tmp/berth-build.log 2>&1 || { tail -40 /tmp/berth-build.log; die "next build failed (full log: /tmp/berth-build.log)"; }

PORT="${PORT:-3000}"
say "Berth is starting on http://localhost:$PORT (Ctrl-C stops it)"
exec npx next start --port "$PORT"
