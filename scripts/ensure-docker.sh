#!/usr/bin/env bash
# Makes sure a Docker Engine answers. Uses DOCKER_HOST or the default socket when one
# already answers; otherwise installs Debian's docker.io and starts dockerd without
# systemd (these machines have none). Idempotent: a second run only pings.
source "$(dirname "$0")/lib.sh"

engine_answers() { timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

if ! command -v docker >/dev/null 2>&1 && ! have_pkg docker.io; then
  apt_install docker.io
fi

if engine_answers; then
  say "Docker Engine $(docker version --format '{{.Server.Version}}') is reachable"
  exit 0
fi

if [ -n "${DOCKER_HOST:-}" ]; then
  die "DOCKER_HOST=$DOCKER_HOST does not answer. Start that engine or unset DOCKER_HOST."
fi

is_root || die "No Docker Engine answers at /var/run/docker.sock and I am not root. Install one: sudo apt-get install -y docker.io && sudo systemctl start docker (then add yourself to the docker group)."

have_pkg docker.io || apt_install docker.io
command -v dockerd >/dev/null || die "dockerd is missing even after installing docker.io."

say "starting dockerd (log: /var/log/dockerd.log)"
# setsid: the daemon must outlive this script and the shell that ran it.
# Every tenant gets its own bridge network; Docker's default pools hold only about 30, so
# hand out /24s from one /16 instead (256 networks).
setsid dockerd --host unix:///var/run/docker.sock --default-address-pool base=10.88.0.0/16,size=24 \
  >/var/log/dockerd.log 2>&1 < /dev/null &
for _ in $(seq 1 60); do
  if engine_answers; then
    say "Docker Engine $(docker version --format '{{.Server.Version}}') started"
    exit 0
  fi
  sleep 0.5
done
tail -20 /var/log/dockerd.log >&2 || true
die "dockerd did not answer within 30 s; see /var/log/dockerd.log"
