#!/usr/bin/env bash
# Installs npm dependencies when node_modules is missing or older than the lock file, and
# generates the Prisma client. Fast when nothing changed.
source "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies (a first install compiles better-sqlite3: a few minutes)"
  npm ci --no-audit --no-fund
fi
if [ ! -f lib/generated/prisma/client.ts ] || [ prisma/schema.prisma -nt lib/generated/prisma/client.ts ]; then
  npx prisma generate >/dev/null
  say "generated the Prisma client"
fi
