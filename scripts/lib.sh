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
