#!/usr/bin/env bash
# Builds Berth's starter images locally with `docker import` from Debian's busybox-static:
# no public registry is assumed reachable. Idempotent: existing tags are kept.
# The catalog entries that point at these refs live in lib/catalog/starter-images.ts.
source "$(dirname "$0")/lib.sh"

WEB_REF="berth/static-web:1"
SHELL_REF="berth/shell:1"

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

if image_exists "$WEB_REF" && image_exists "$SHELL_REF"; then
  say "starter images present ($WEB_REF, $SHELL_REF)"
  exit 0
fi

BUSYBOX=/bin/busybox
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
  # Only root and nobody are named; tenants run as numeric uids Berth allocates.
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
  chmod 1777 "$root/tmp"
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! image_exists "$WEB_REF"; then
  make_rootfs "$work/web"
  cat > "$work/web/www/index.html" <<'HTML'
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hello from Berth</title></head>
<body><h1>Hello from Berth</h1><p>This page is served by busybox httpd inside a hardened tenant container.</p></body></html>
HTML
  tar -C "$work/web" -c . | docker import \
    -c 'CMD ["httpd", "-f", "-v", "-p", "8080", "-h", "/www"]' \
    -c 'EXPOSE 8080' \
    -c 'WORKDIR /www' \
    -m "Berth starter: static web server (busybox httpd)" - "$WEB_REF" >/dev/null
  say "built $WEB_REF"
fi

if ! image_exists "$SHELL_REF"; then
  make_rootfs "$work/shell"
  tar -C "$work/shell" -c . | docker import \
    -c 'CMD ["sh"]' \
    -m "Berth starter: busybox shell" - "$SHELL_REF" >/dev/null
  say "built $SHELL_REF"
fi
