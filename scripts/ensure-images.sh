#!/usr/bin/env bash
# Builds Berth's own images locally with `docker import`: no public registry is assumed
# reachable. Idempotent: each tag is checked on its own and an existing one is kept.
#   berth/static-web:1, berth/shell:1  starter images from Debian's busybox-static; the catalog
#                                      entries that point at them live in lib/catalog/starter-images.ts
#   berth/edge:1                       Berth's HTTPS edge: Debian's Caddy (lib/ingress/edge-container.ts)
source "$(dirname "$0")/lib.sh"

WEB_REF="berth/static-web:1"
SHELL_REF="berth/shell:1"
EDGE_REF="berth/edge:1"

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

missing=()
for ref in "$WEB_REF" "$SHELL_REF" "$EDGE_REF"; do
  image_exists "$ref" || missing+=("$ref")
done
if [ "${#missing[@]}" = 0 ]; then
  say "images present ($WEB_REF, $SHELL_REF, $EDGE_REF)"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Only root and nobody are named; tenants run as numeric uids Berth allocates, the edge as
# Berth's own uid (or 65532), neither of which needs a name.
write_users() {
  local root=$1
  mkdir -p "$root/etc"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
}

# The files are root's inside the image whoever runs this script, so a non-root edge or
# tenant can never write to its own binaries.
import_rootfs() { # DIR REF MESSAGE CHANGE...
  local dir=$1 ref=$2 message=$3
  shift 3
  local changes=()
  for change in "$@"; do changes+=(-c "$change"); done
  tar -C "$dir" --owner=0 --group=0 --numeric-owner -c . | docker import "${changes[@]}" -m "$message" - "$ref" >/dev/null
  say "built $ref"
}

build_starters() {
  local BUSYBOX=/bin/busybox
  if ! have_pkg busybox-static; then
    apt_install busybox-static
  fi
  [ -x "$BUSYBOX" ] || die "busybox-static did not install /bin/busybox"

  make_rootfs() {
    local root=$1
    mkdir -p "$root"/{bin,etc,tmp,www,data,root}
    cp "$BUSYBOX" "$root/bin/busybox"
    for applet in $("$BUSYBOX" --list); do
      [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
    done
    write_users "$root"
    chmod 1777 "$root/tmp"
  }

  if ! image_exists "$WEB_REF"; then
    make_rootfs "$work/web"
    cat > "$work/web/www/index.html" <<'HTML'
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hello from Berth</title></head>
<body><h1>Hello from Berth</h1><p>This page is served by busybox httpd inside a hardened tenant container.</p></body></html>
HTML
    import_rootfs "$work/web" "$WEB_REF" "Berth starter: static web server (busybox httpd)" \
      'CMD ["httpd", "-f", "-v", "-p", "8080", "-h", "/www"]' 'EXPOSE 8080' 'WORKDIR /www'
  fi

  if ! image_exists "$SHELL_REF"; then
    make_rootfs "$work/shell"
    import_rootfs "$work/shell" "$SHELL_REF" "Berth starter: busybox shell" 'CMD ["sh"]'
  fi
}

# The shared libraries a binary loads, as absolute paths, from ldd's output: "name => /path (addr)"
# for libraries found by name, "/path (addr)" for the loader itself; the vDSO has no file.
shared_libraries() { # BINARY
  local listing
  # ldd exits non-zero for a static binary ("not a dynamic executable"): it needs nothing.
  listing=$(ldd "$1" 2>&1) || { say "$1 is statically linked" >&2; return 0; }
  if grep -q 'not found' <<<"$listing"; then
    die "$1 needs libraries that are not installed: $(grep 'not found' <<<"$listing" | tr -s '\t\n' ' ')"
  fi
  awk '$2 == "=>" && $3 ~ /^\// { print $3; next } $1 ~ /^\// { print $1 }' <<<"$listing"
}

build_edge() {
  local CADDY=/usr/bin/caddy
  if ! have_pkg caddy || [ ! -x "$CADDY" ]; then
    apt_install caddy
  fi
  [ -x "$CADDY" ] || die "the caddy package did not install $CADDY"
  # Caddy verifies ACME servers (BERTH_TLS=acme) against the system's CA bundle.
  local BUNDLE=/etc/ssl/certs/ca-certificates.crt
  if [ ! -s "$BUNDLE" ]; then
    apt_install ca-certificates
  fi
  [ -s "$BUNDLE" ] || die "ca-certificates did not create $BUNDLE"

  local root="$work/edge"
  mkdir -p "$root/usr/bin" "$root/etc/ssl/certs" "$root/tmp" "$root/edge"
  cp "$CADDY" "$root/usr/bin/caddy"
  local libs lib
  # Listed first, not read from a process substitution: a `die` in there would not stop this script.
  libs=$(shared_libraries "$CADDY")
  for lib in $libs; do
    mkdir -p "$root$(dirname "$lib")"
    # -L: Debian's libraries are symlinks to versioned files; the image needs the file
    # under the name the loader asks for.
    cp -L "$lib" "$root$lib"
  done
  cp -L "$BUNDLE" "$root$BUNDLE"
  write_users "$root"
  chmod 1777 "$root/tmp"
  chmod 0755 "$root/edge"
  import_rootfs "$root" "$EDGE_REF" "Berth edge: Caddy $("$CADDY" version | cut -d' ' -f1) from Debian" 'ENTRYPOINT ["/usr/bin/caddy"]'
}

if ! image_exists "$WEB_REF" || ! image_exists "$SHELL_REF"; then
  build_starters
fi
if ! image_exists "$EDGE_REF"; then
  build_edge
fi
