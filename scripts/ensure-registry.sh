#!/usr/bin/env bash
# Makes sure a private Docker registry answers on 127.0.0.1:5000, so tests can push an
# image and pull it back with real progress (no public registry is reachable here).
# Debian's docker-registry (distribution 2.8) runs without systemd; the engine trusts
# 127.0.0.0/8 registries without TLS. Idempotent: a second run only pings.
source "$(dirname "$0")/lib.sh"

ADDR="127.0.0.1:5000"
STATE_DIR="${BERTH_REGISTRY_DIR:-/var/lib/berth-registry}"
LOG="$STATE_DIR/registry.log"

registry_answers() { curl -s -m 2 -o /dev/null -w '%{http_code}' "http://$ADDR/v2/" 2>/dev/null | grep -q '^200$'; }

if registry_answers; then
  say "local registry answers on $ADDR"
  exit 0
fi

have_pkg docker-registry || apt_install docker-registry
command -v curl >/dev/null || apt_install curl
# The package's own path for the binary, rather than trusting PATH.
BIN=$(dpkg -L docker-registry | grep -m1 '/bin/docker-registry$' || true)
[ -n "$BIN" ] && [ -x "$BIN" ] || die "docker-registry is installed but its binary was not found (dpkg -L docker-registry)."

mkdir -p "$STATE_DIR/data"
# Our own config, not /etc/docker/registry/config.yml: the packaged one listens on all
# interfaces, and test traffic must stay on loopback.
cat > "$STATE_DIR/config.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $STATE_DIR/data
  delete:
    enabled: true
http:
  addr: $ADDR
YAML

say "starting docker-registry on $ADDR (log: $LOG)"
# setsid: the registry must outlive this script and the shell that ran it.
setsid "$BIN" serve "$STATE_DIR/config.yml" >"$LOG" 2>&1 < /dev/null &
for _ in $(seq 1 40); do
  if registry_answers; then
    say "local registry started on $ADDR"
    exit 0
  fi
  sleep 0.25
done
tail -20 "$LOG" >&2 || true
die "docker-registry did not answer on $ADDR within 10 s; see $LOG"
