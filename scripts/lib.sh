# Shared shell helpers for Berth's provisioning scripts (sourced, not run).
set -euo pipefail

say() { printf '\033[1m[berth]\033[0m %s\n' "$*"; }
die() { printf '\033[31m[berth] %s\033[0m\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" = "0" ]; }

# apt-get update once per run of a script: a fresh machine has empty lists, and
# `apt-get install` without them finds nothing.
APT_UPDATED=0
apt_install() {
  is_root || die "Missing Debian packages: $*. Install them as root: apt-get install -y $*"
  command -v apt-get >/dev/null || die "Missing packages: $* (no apt-get here; install them with your system's package manager)."
  if [ "$APT_UPDATED" = 0 ]; then
    say "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    APT_UPDATED=1
  fi
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

have_pkg() { dpkg -s "$1" >/dev/null 2>&1; }

# A portal instance of its own, for the e2e tests and the benchmarks: its own SQLite file
# and secret (never the database `npm run up` uses), a known first admin, migrated,
# bootstrapped and built. Run from the checkout's root; exports what scripts/portal-server.cjs needs.
prepare_portal() { # DIR ADMIN_EMAIL ADMIN_PASSWORD
  export DATABASE_URL="file:$1/berth.db"
  AUTH_SECRET="$(head -c 32 /dev/urandom | base64)"
  BERTH_AUDIT_KEY="$(head -c 32 /dev/urandom | base64)"
  export AUTH_SECRET BERTH_AUDIT_KEY BERTH_ARCHIVE_DIR="$1/archives"
  export BERTH_ADMIN_EMAIL="$2" BERTH_ADMIN_PASSWORD="$3" NEXT_TELEMETRY_DISABLED=1
  npx prisma migrate deploy >/dev/null &&
    npx tsx --conditions=react-server scripts/bootstrap.ts >/dev/null &&
    npx next build >"$1/build.log" 2>&1 || { tail -40 "$1/build.log"; return 1; }
}

# Removes every container, volume and network labelled berth.test=RUN (a test run's leftovers;
# test/support/docker-cleanup.ts does the same from the test runners).
remove_run_objects() { # RUN
  local filter="label=berth.test=$1"
  docker ps -aq --filter "$filter" | xargs -r docker rm -f -v >/dev/null 2>&1 || true
  docker volume ls -q --filter "$filter" | xargs -r docker volume rm -f >/dev/null 2>&1 || true
  docker network ls -q --filter "$filter" | xargs -r docker network rm >/dev/null 2>&1 || true
}
