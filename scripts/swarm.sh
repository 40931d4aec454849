#!/usr/bin/env bash
# A local N-node Docker Swarm on this machine, for development and the Swarm test stage.
#
#   scripts/swarm.sh up [N]   N private daemons (default 2) forming one Swarm; idempotent:
#                             a healthy Swarm of the same shape is kept as it is
#   scripts/swarm.sh down     removes daemons (by pid file), namespaces, veths and state
#   scripts/swarm.sh env      prints the env file (source it to point Berth at this Swarm)
#   scripts/swarm.sh env-file prints the env file's path
#   scripts/swarm.sh kill-node I   kills node I's dockerd and containerd as a crash would (SIGKILL;
#                                  its containers' shims live on)
#   scripts/swarm.sh start-node I  starts node I's daemon again, with the options it was made with
#
# Layout (slot 0, the default):
#   netns berth-swarm-hub    a bridge joining the nodes (a namespace of our own, so the host's
#                            routing and the main daemon's docker0 are never touched)
#   netns berth-swarm-<i>    node i: its own dockerd (and containerd) started with
#                            `nsenter --net` (never in the host namespace: a `--bridge none`
#                            daemon there deletes docker0; never `ip netns exec`: it remounts
#                            /sys and dockerd fails) and `unshare --uts`, so each node has its
#                            own host name (berth-swarm-<i>; otherwise every node says `vm`)
#   10.231.<slot>.<i>/24     node i's address; the host has .254 on a veth into the hub, so it
#                            reaches every node (the edge publishes on node 1's address)
#   $BERTH_SWARM_DIR/node<i> socket, data-root, exec-root, pid file and log of node i
#
# Node daemon defaults (hardening-controls S1: what the service API of Engine 20.10 cannot
# express must be a node default): --no-new-privileges, log rotation (json-file, 10 MB x 3),
# nofile ulimit. BERTH_SWARM_WEAK_NODES=2,3 starts those nodes WITHOUT --no-new-privileges
# (for the posture test: Berth must find them and place no tenant task there).
# BERTH_SWARM_USERNS=1 also starts every node with --userns-remap=default (dockerd then
# creates the `dockremap` user and its /etc/subuid range on the host, as Docker documents).
#
# Several Swarms can coexist (e.g. two helpers' test runs): BERTH_SWARM_SLOT=0..9 picks the
# names, the subnet and the default state folder.
#
# Starter images (scripts/ensure-images.sh) are copied into every node with docker save | load
# (a node in its own namespace cannot reach the host's 127.0.0.1:5000 registry); the edge
# image only into the manager, where Berth runs its edge as a standalone container.
# When the local registry is set up (scripts/ensure-registry.sh), every node also gets a
# registry process of its own on the node's own 127.0.0.1:5000, serving the same storage: an
# image pushed to the host's registry is then pullable on every node by the same reference
# (what Berth does when an admin adds a catalog image on Swarm).
source "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."

SLOT="${BERTH_SWARM_SLOT:-0}"
case "$SLOT" in [0-9]) ;; *) die "BERTH_SWARM_SLOT must be one digit, not '$SLOT'" ;; esac
if [ "$SLOT" = 0 ]; then
  PREFIX=berth-swarm TAG=bsw
else
  PREFIX="berth-swarm$SLOT" TAG="bsw$SLOT"
fi
DIR="${BERTH_SWARM_DIR:-/tmp/$PREFIX}"
DIR="${DIR%/}"
# `down` deletes this folder: only an absolute path below a top-level folder, and only one that
# `up` made (ours()), is ever removed.
case "$DIR" in /?*/?*) ;; *) die "BERTH_SWARM_DIR must be an absolute path at least two levels deep, not '$DIR'" ;; esac
NET="10.231.$SLOT"
HUB="$PREFIX-hub"
HOST_IF="$TAG-host" # host side of the veth into the hub (10.231.<slot>.254)
WEAK=",${BERTH_SWARM_WEAK_NODES:-},"
USERNS="${BERTH_SWARM_USERNS:-0}"
IMAGES=(berth/shell:1 berth/static-web:1)
EDGE_IMAGE=berth/edge:1

node_dir() { echo "$DIR/node$1"; }
node_ns() { echo "$PREFIX-$1"; }
node_sock() { echo "unix://$(node_dir "$1")/docker.sock"; }
dk() { local i=$1; shift; docker --host "$(node_sock "$i")" "$@"; }

answers() { dk "$1" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

pid_of() { # FILE -> pid if its process is alive
  local pid
  pid=$(cat "$1" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

wait_for() { # SECONDS DESCRIPTION COMMAND...
  local limit=$1 what=$2
  shift 2
  local deadline=$((SECONDS + limit))
  until "$@"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}

config_line() { echo "nodes=$1 weak=$WEAK userns=$USERNS"; }

# --- down ------------------------------------------------------------------------------------

stop_node() { # I
  local d pid cpid
  d=$(node_dir "$1")
  if pid=$(pid_of "$d/registry.pid"); then kill -TERM "$pid" 2>/dev/null || true; fi
  if pid=$(pid_of "$d/docker.pid"); then
    # Tenant tasks and probes first, so no shim outlives its daemon.
    dk "$1" ps -aq 2>/dev/null | xargs -r docker --host "$(node_sock "$1")" rm -f >/dev/null 2>&1 || true
    kill -TERM "$pid" 2>/dev/null || true
    wait_for 20 "dockerd $1 stops" bash -c "! kill -0 $pid 2>/dev/null" || kill -KILL "$pid" 2>/dev/null || true
  fi
  if cpid=$(pid_of "$d/exec/containerd/containerd.pid"); then
    kill -TERM "$cpid" 2>/dev/null || true
    wait_for 10 "containerd $1 stops" bash -c "! kill -0 $cpid 2>/dev/null" || kill -KILL "$cpid" 2>/dev/null || true
  fi
  # Shims of this node's containers are found by their containerd address, which lies in
  # this node's own folder: nothing else on the machine matches it.
  local shim
  for shim in $(pgrep -f -- "-address $d/exec/" 2>/dev/null || true); do
    pkill -KILL -P "$shim" 2>/dev/null || true
    kill -KILL "$shim" 2>/dev/null || true
  done
}

# Whether $DIR is a local Swarm's folder: marked by `up` (.berth-swarm), or, made before the
# mark existed, holding the config line `up` writes.
ours() { [ -f "$DIR/.berth-swarm" ] || grep -qs '^nodes=' "$DIR/config"; }

down() {
  local d i
  if [ -e "$DIR" ] && ! ours; then die "$DIR is not a folder scripts/swarm.sh made: nothing removed"; fi
  if [ -e "$DIR" ]; then
    for d in "$DIR"/node*; do
      [ -d "$d" ] || continue
      i=${d##*/node}
      stop_node "$i"
    done
    # Mounts the daemons left (overlay layers, netns binds) go before the files.
    grep -o " $DIR/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  fi
  for ns in $(ip netns list | awk '{print $1}' | grep -E "^$PREFIX-([0-9]+|hub)\$" || true); do
    ip netns del "$ns" 2>/dev/null || true
  done
  ip link del "$HOST_IF" 2>/dev/null || true
  rm -rf "$DIR"
}

# --- up --------------------------------------------------------------------------------------

healthy() { # N: every node answers and the manager sees N ready nodes, with the same options
  local n=$1
  [ "$(cat "$DIR/config" 2>/dev/null)" = "$(config_line "$n")" ] || return 1
  [ -f "$DIR/env" ] || return 1
  local i
  for i in $(seq 1 "$n"); do answers "$i" || return 1; done
  [ "$(dk 1 node ls --format '{{.Status}}' 2>/dev/null | grep -c '^Ready$')" = "$n" ]
}

make_network() { # N
  ip netns add "$HUB"
  ip -n "$HUB" link set lo up
  ip -n "$HUB" link add br0 type bridge
  ip -n "$HUB" link set br0 up
  # The host's own leg: lets the host (tests, Chromium, curl) reach the nodes, e.g. the edge.
  ip link add "$HOST_IF" type veth peer name "$TAG-hp"
  ip link set "$TAG-hp" netns "$HUB"
  ip -n "$HUB" link set "$TAG-hp" master br0 up
  ip addr add "$NET.254/24" dev "$HOST_IF"
  ip link set "$HOST_IF" up
  local i ns
  for i in $(seq 1 "$1"); do
    ns=$(node_ns "$i")
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip link add "$TAG-n$i" type veth peer name "$TAG-e$i"
    ip link set "$TAG-n$i" netns "$HUB"
    ip -n "$HUB" link set "$TAG-n$i" master br0 up
    ip link set "$TAG-e$i" netns "$ns"
    ip -n "$ns" link set "$TAG-e$i" name eth0
    ip -n "$ns" addr add "$NET.$i/24" dev eth0
    ip -n "$ns" link set eth0 up
  done
}

start_node() { # I
  local i=$1 d ns
  d=$(node_dir "$i")
  ns=$(node_ns "$i")
  mkdir -p "$d"
  local opts=(
    --host "$(node_sock "$i")" --data-root "$d/data" --exec-root "$d/exec" --pidfile "$d/docker.pid"
    --bridge none --iptables=false --ip-masq=false
    # docker_gwbridge's subnet inside the node; apart from the main daemon's 10.88.0.0/16.
    --default-address-pool "base=10.233.0.0/16,size=24"
    --log-driver json-file --log-opt max-size=10m --log-opt max-file=3
    --default-ulimit nofile=1024:1024
  )
  case "$WEAK" in
    *",$i,"*) ;; # a weak node, on purpose
    *) opts+=(--no-new-privileges) ;;
  esac
  [ "$USERNS" = 1 ] && opts+=(--userns-remap=default)
  # setsid: the daemon outlives this script; unshare --uts: a host name of its own.
  setsid nsenter --net="/var/run/netns/$ns" unshare --uts \
    sh -c 'hostname "$0" && exec dockerd "$@"' "$ns" "${opts[@]}" \
    </dev/null >"$d/dockerd.log" 2>&1 &
}

REGISTRY_CONFIG="${BERTH_REGISTRY_DIR:-/var/lib/berth-registry}/config.yml"

# The host registry's storage, served inside node I's namespace on its own 127.0.0.1:5000 (a
# loopback registry needs no TLS, as on the host). Several registry processes may share one
# filesystem store (distribution's own deployment model); these only serve the nodes' pulls.
start_registry_view() { # I
  [ -f "$REGISTRY_CONFIG" ] || return 0
  local d bin
  bin=$(dpkg -L docker-registry 2>/dev/null | grep -m1 '/bin/docker-registry$') || return 0
  d=$(node_dir "$1")
  # nsenter --net execs the registry itself (no fork), so $! is the registry's pid.
  setsid nsenter --net="/var/run/netns/$(node_ns "$1")" "$bin" serve "$REGISTRY_CONFIG" \
    </dev/null >"$d/registry.log" 2>&1 &
  echo $! >"$d/registry.pid"
}

load_images() { # I REF...
  local i=$1
  shift
  docker save "$@" | dk "$i" load -q >/dev/null
}

up() { # N
  local n=$1 i
  [[ "$n" =~ ^[1-9]$ ]] || die "up takes a node count from 1 to 9, not '$n'"
  is_root || die "swarm.sh needs root (network namespaces, dockerd)"
  docker info >/dev/null 2>&1 || die "the main Docker Engine does not answer (scripts/ensure-docker.sh)"
  if healthy "$n"; then
    say "local Swarm of $n node(s) already up ($DIR/env)"
    return 0
  fi
  down
  bash scripts/ensure-images.sh >/dev/null
  local started=$SECONDS
  mkdir -p "$DIR"
  touch "$DIR/.berth-swarm"
  make_network "$n"
  for i in $(seq 1 "$n"); do
    start_node "$i"
    start_registry_view "$i"
  done
  for i in $(seq 1 "$n"); do
    wait_for 60 "node $i" answers "$i" || { tail -20 "$(node_dir "$i")/dockerd.log" >&2; die "node $i's dockerd did not start"; }
  done
  # Images load while the Swarm forms.
  local loads=()
  load_images 1 "${IMAGES[@]}" "$EDGE_IMAGE" &
  loads+=($!)
  for i in $(seq 2 "$n"); do
    load_images "$i" "${IMAGES[@]}" &
    loads+=($!)
  done
  # Overlays get subnets from 10.232.0.0/16 (inside the tasks' namespaces only). A 2 s heartbeat
  # (Docker's default is 5 s) lets the manager see a dead node in about 6 s instead of 15: the
  # tests of a node going down wait for it.
  dk 1 swarm init --advertise-addr "$NET.1" --listen-addr "$NET.1:2377" --dispatcher-heartbeat 2s \
    --default-addr-pool 10.232.0.0/16 --default-addr-pool-mask-length 24 >/dev/null
  local token
  token=$(dk 1 swarm join-token -q worker)
  for i in $(seq 2 "$n"); do
    dk "$i" swarm join --token "$token" --advertise-addr "$NET.$i" --listen-addr "$NET.$i:2377" "$NET.1:2377" >/dev/null
  done
  wait_for 60 "nodes ready" bash -c "[ \"\$(docker --host $(node_sock 1) node ls --format '{{.Status}}' | grep -c '^Ready\$')\" = $n ]" ||
    die "the Swarm did not report $n ready nodes"
  local pid
  for pid in "${loads[@]}"; do wait "$pid" || die "loading images into a node failed"; done
  write_env "$n"
  config_line "$n" >"$DIR/config"
  say "local Swarm of $n node(s) up in $((SECONDS - started)) s; source $DIR/env"
}

write_env() { # N
  local n=$1 i id nodes="{"
  for i in $(seq 1 "$n"); do
    id=$(dk "$i" info --format '{{.Swarm.NodeID}}')
    [ -n "$id" ] || die "node $i has no Swarm node id"
    [ "$i" = 1 ] || nodes+=","
    nodes+="\"$id\":\"$(node_sock "$i")\""
  done
  nodes+="}"
  cat >"$DIR/env" <<EOF
# Written by scripts/swarm.sh up $n: source it to point Berth at this local Swarm.
export BERTH_ENGINE=swarm
export BERTH_SWARM_MANAGER='$(node_sock 1)'
export BERTH_SWARM_NODES='$nodes'
export BERTH_EDGE_ADDRESS='$NET.1'
export BERTH_SWARM_DIR='$DIR'
export BERTH_SWARM_SLOT='$SLOT'
EOF
}

# The options the Swarm was made with (weak nodes, userns), for restarting one of its nodes.
load_config() {
  local line
  line=$(cat "$DIR/config" 2>/dev/null) || die "no local Swarm is up in $DIR"
  WEAK=$(sed -n 's/.* weak=\([^ ]*\) .*/\1/p' <<<"$line")
  USERNS=$(sed -n 's/.* userns=\([^ ]*\)$/\1/p' <<<"$line")
}

kill_node() { # I
  local d pid cpid
  d=$(node_dir "$1")
  [ -d "$d" ] || die "node $1 is not part of the Swarm in $DIR"
  if pid=$(pid_of "$d/docker.pid"); then kill -KILL "$pid"; fi
  if cpid=$(pid_of "$d/exec/containerd/containerd.pid"); then kill -KILL "$cpid"; fi
  wait_for 15 "node $1 dies" bash -c "! docker --host $(node_sock "$1") version >/dev/null 2>&1" || die "node $1 still answers"
  # A killed containerd can linger as a zombie whose pid dockerd would wait on at its restart.
  rm -f "$d/docker.pid" "$d/exec/containerd/containerd.pid"
}

restart_node() { # I
  load_config
  [ -d "$(node_dir "$1")" ] || die "node $1 is not part of the Swarm in $DIR"
  answers "$1" && return 0
  start_node "$1"
  wait_for 60 "node $1" answers "$1" || { tail -20 "$(node_dir "$1")/dockerd.log" >&2; die "node $1's dockerd did not start"; }
}

case "${1:-}" in
  up) up "${2:-2}" ;;
  down) down && say "local Swarm removed" ;;
  env) cat "$DIR/env" 2>/dev/null || die "no local Swarm is up ($DIR/env missing): run scripts/swarm.sh up" ;;
  env-file) [ -f "$DIR/env" ] && echo "$DIR/env" || die "no local Swarm is up ($DIR/env missing): run scripts/swarm.sh up" ;;
  kill-node) kill_node "${2:?which node}" ;;
  start-node) restart_node "${2:?which node}" ;;
  *) die "usage: scripts/swarm.sh up [N] | down | env | env-file | kill-node I | start-node I" ;;
esac
