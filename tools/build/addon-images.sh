#!/usr/bin/env bash
# The recipe for the add-on images onekube builds from Go modules: flannel, MetalLB's controller
# and speaker, each under its upstream reference, as a reproducible OCI archive (timestamps 0).
# `onekube images build` runs it and owns the cache keys (module version + a hash of this file),
# so any edit here rebuilds; run by hand, give it the directories that command would.
# Usage: addon-images.sh binary TARGET BINDIR SRCDIR
#        addon-images.sh image  TARGET BINDIR ARCHIVE
# TARGET: flannel | metallb-controller | metallb-speaker. Needs Go, buildah and (flannel) iptables.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
eval "$(node "$repo/tools/versions.mjs")"
step=$1 target=$2 bin=$3 dest=$4

gomod() { # dir module version
  mkdir -p "$1"
  printf 'module onekube.local/build\n\ngo 1.26.0\n\nrequire %s %s\n' "$2" "$3" > "$1/go.mod"
}

# flanneld's main package is the module's root, and it links every backend. Build flannel's own
# main.go less two imports: the Tencent Cloud VPC backend (its SDK,
# github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc, is not served) and the UDP backend
# (on amd64 it needs cgo, which upstream enables for it alone). onekube uses VXLAN, so a static,
# CGO-free flanneld is enough; the version variable is the one flannel's Makefile sets.
binary_flannel() {
  gomod "$dest" github.com/flannel-io/flannel "$v_flannel"
  local dir
  dir=$(cd "$dest" && GOFLAGS=-mod=mod go mod download -json "github.com/flannel-io/flannel@$v_flannel" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  grep -v -e '"github.com/flannel-io/flannel/pkg/backend/tencentvpc"' \
    -e '"github.com/flannel-io/flannel/pkg/backend/udp"' "$dir/main.go" > "$dest/main.go"
  (cd "$dest" && GOFLAGS=-mod=mod go mod tidy)
  (cd "$dest" && CGO_ENABLED=0 go build -trimpath \
    -ldflags "-s -w -X github.com/flannel-io/flannel/pkg/version.Version=$v_flannel" \
    -o "$bin/flanneld" .)
}

# MetalLB's Dockerfiles set gitCommit/gitBranch; a module has neither, so name the module version.
binary_metallb() { # command
  gomod "$dest" go.universe.tf/metallb "$v_metallb"
  printf '//go:build tools\n\npackage tools\n\nimport _ "go.universe.tf/metallb/%s"\n' "$1" > "$dest/tools.go"
  (cd "$dest" && GOFLAGS=-mod=mod go mod tidy)
  (cd "$dest" && CGO_ENABLED=0 go build -trimpath \
    -ldflags "-s -w -X go.universe.tf/metallb/internal/version.gitCommit=$v_metallb -X go.universe.tf/metallb/internal/version.gitBranch=go-module" \
    -o "$bin/$1" "go.universe.tf/metallb/$1")
}

b() { buildah --storage-driver vfs "$@"; }

# image REF ENTRYPOINT-JSON SRC:DEST... — from scratch, as tools/build/images.sh does.
image() {
  local ref=$1 entrypoint=$2 pair; shift 2
  mkdir -p "$(dirname "$dest")"
  c=$(b from scratch)
  trap 'b rm "$c" >/dev/null 2>&1 || true' EXIT # c is global: the trap runs after image returns
  for pair in "$@"; do b copy "$c" "${pair%%:*}" "${pair#*:}" >/dev/null; done
  b config --entrypoint "$entrypoint" --env "PATH=/opt/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "$c"
  b commit -q --timestamp 0 --format oci "$c" "$ref" >/dev/null
  rm -f "$dest.tmp"
  b push -q "$ref" "oci-archive:$dest.tmp:$ref"
  b rmi -f "$ref" >/dev/null
  mv "$dest.tmp" "$dest"
}

# flanneld programs masquerade and forward rules through iptables (canal's net-conf does not turn
# on flannel's nftables mode): Debian's iptables-nft, its libraries and its extensions, under the
# names go-iptables looks up. Upstream's strongswan, wireguard-tools, iproute2, install-conf and
# mk-docker-opts.sh serve backends and installs onekube does not use.
image_flannel() {
  local root=$bin/root lib xt prog
  rm -rf "$root"; mkdir -p "$root/opt/bin" "$root/usr/sbin" "$root/run"
  cp "$bin/flanneld" "$root/opt/bin/flanneld"
  cp /usr/sbin/xtables-nft-multi "$root/usr/sbin/"
  for prog in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore \
    iptables-nft iptables-nft-save iptables-nft-restore ip6tables-nft ip6tables-nft-save ip6tables-nft-restore; do
    ln -s xtables-nft-multi "$root/usr/sbin/$prog"
  done
  ldd /usr/sbin/xtables-nft-multi | awk '/=> \// {print $3} /^[ \t]*\/lib/ {print $1}' | sort -u |
    while read -r lib; do mkdir -p "$root$(dirname "$lib")"; cp -L "$lib" "$root$lib"; done
  xt=$(dirname "$(readlink -f "$(ldd /usr/sbin/xtables-nft-multi | awk '/libxtables/ {print $3}')")")/xtables
  mkdir -p "$root$xt"; cp -a "$xt/." "$root$xt/"
  image "docker.io/flannel/flannel:$v_flannel" '["/opt/bin/flanneld"]' "$root:/"
  rm -rf "$root"
}

case "$step:$target" in
  binary:flannel) binary_flannel ;;
  binary:metallb-controller) binary_metallb controller ;;
  binary:metallb-speaker) binary_metallb speaker ;;
  image:flannel) image_flannel ;;
  image:metallb-controller) image "quay.io/metallb/controller:$v_metallb" '["/controller"]' "$bin/controller:/controller" ;;
  image:metallb-speaker) image "quay.io/metallb/speaker:$v_metallb" '["/speaker"]' "$bin/speaker:/speaker" ;;
  *) echo "addon-images.sh: unknown step or target '$step $target'" >&2; exit 2 ;;
esac
