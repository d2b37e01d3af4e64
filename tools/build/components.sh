#!/usr/bin/env bash
# Builds the node runtime components from their pinned Go modules into a cache outside the
# repository, keyed by version: $ONEKUBE_CACHE/<component>/<version>/bin/. Skips work already
# done. Versions are those measured in shared/reference/proving-ground.md.
# Usage: tools/build/components.sh [containerd runc etcd coredns pause registry ...]   (default: all)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cache=${ONEKUBE_CACHE:-/var/cache/onekube}
all=(containerd runc etcd coredns pause registry)
components=("$@")
((${#components[@]} > 0)) || components=("${all[@]}")

eval "$(node "$repo/tools/versions.mjs")"
# etcd's Go module is tagged vX.Y.Z; pause is built from the Kubernetes module.
declare -A version=(
  [containerd]=$v_containerd [runc]=$v_runc [etcd]=v$v_etcd [coredns]=$v_coredns [pause]=$v_kubernetes
  [registry]=$v_distribution
)

# One throw-away module per component: require the pinned module, build its commands.
gomod() { # dir module version main-package-imports...
  local dir=$1 module=$2 ver=$3
  mkdir -p "$dir"
  printf 'module onekube.local/build\n\ngo 1.26.0\n\nrequire %s %s\n' "$module" "$ver" > "$dir/go.mod"
}

build_containerd() {
  local out=$1 dir=$2 c
  gomod "$dir" github.com/containerd/containerd/v2 "${version[containerd]}"
  printf '//go:build tools\n\npackage tools\n\nimport (\n\t_ "github.com/containerd/containerd/v2/cmd/containerd"\n\t_ "github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2"\n\t_ "github.com/containerd/containerd/v2/cmd/ctr"\n)\n' > "$dir/tools.go"
  (cd "$dir" && GOFLAGS=-mod=mod go mod tidy)
  for c in containerd containerd-shim-runc-v2 ctr; do
    (cd "$dir" && CGO_ENABLED=0 go build -trimpath -tags "no_btrfs no_devmapper no_zfs" -ldflags "-s -w -X github.com/containerd/containerd/v2/version.Version=${version[containerd]}" -o "$out/$c" "github.com/containerd/containerd/v2/cmd/$c")
  done
}

build_runc() {
  local out=$1 dir=$2
  dpkg-query -W -f='${Status}' libseccomp-dev 2>/dev/null | grep -q "install ok installed" \
    || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libseccomp-dev pkg-config >/dev/null; }
  gomod "$dir" github.com/opencontainers/runc "${version[runc]}"
  printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/opencontainers/runc"\n' > "$dir/tools.go"
  (cd "$dir" && GOFLAGS=-mod=mod go mod tidy)
  (cd "$dir" && CGO_ENABLED=1 go build -trimpath -tags seccomp -ldflags "-s -w -X main.version=${version[runc]#v}" -o "$out/runc" github.com/opencontainers/runc)
}

build_etcd() {
  local out=$1 dir=$2
  gomod "$dir" go.etcd.io/etcd/server/v3 "${version[etcd]}"
  mkdir -p "$dir/cmd/etcd" "$dir/cmd/etcdctl"
  printf 'package main\n\nimport (\n\t"os"\n\n\t"go.etcd.io/etcd/server/v3/etcdmain"\n)\n\nfunc main() { etcdmain.Main(os.Args) }\n' > "$dir/cmd/etcd/main.go"
  printf 'package main\n\nimport "go.etcd.io/etcd/etcdctl/v3/ctlv3"\n\nfunc main() { _ = ctlv3.Start() }\n' > "$dir/cmd/etcdctl/main.go"
  (cd "$dir" && GOFLAGS=-mod=mod go get "go.etcd.io/etcd/etcdctl/v3@${version[etcd]}" && GOFLAGS=-mod=mod go mod tidy)
  (cd "$dir" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$out/etcd" ./cmd/etcd && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$out/etcdctl" ./cmd/etcdctl)
}

build_coredns() {
  local out=$1 dir=$2
  gomod "$dir" github.com/coredns/coredns "${version[coredns]}"
  printf 'package main\n\nimport (\n\t_ "github.com/coredns/coredns/core/plugin"\n\t"github.com/coredns/coredns/coremain"\n)\n\nfunc main() { coremain.Run() }\n' > "$dir/main.go"
  (cd "$dir" && GOFLAGS=-mod=mod go mod tidy)
  (cd "$dir" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$out/coredns" .)
}

build_pause() {
  local out=$1 dir=$2
  local moddir
  moddir=$(go mod download -json "k8s.io/kubernetes@${version[pause]}" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  mkdir -p "$dir"
  gcc -Os -static -o "$out/pause" "$moddir/build/pause/linux/pause.c"
}

# The OCI registry the local cloud serves built images from (distribution's own command).
build_registry() {
  local out=$1 dir=$2
  gomod "$dir" github.com/distribution/distribution/v3 "${version[registry]}"
  printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/distribution/distribution/v3/cmd/registry"\n' > "$dir/tools.go"
  (cd "$dir" && GOFLAGS=-mod=mod go mod tidy)
  (cd "$dir" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X github.com/distribution/distribution/v3/version.version=${version[registry]}" -o "$out/registry" github.com/distribution/distribution/v3/cmd/registry)
}

for c in "${components[@]}"; do
  [[ -n ${version[$c]:-} ]] || { echo "[build] unknown component $c (known: ${all[*]})" >&2; exit 2; }
  out=$cache/$c/${version[$c]}/bin
  if [[ -f $out/.done ]]; then echo "[build] $c ${version[$c]}: cached in $out"; continue; fi
  rm -rf "$out"; mkdir -p "$out"
  start=$(date +%s)
  echo "[build] $c ${version[$c]}"
  "build_$c" "$out" "$cache/$c/${version[$c]}/src"
  touch "$out/.done"
  echo "[build] $c ${version[$c]} in $(($(date +%s) - start)) s"
done
