#!/usr/bin/env bash
# Builds, from the binaries tools/k8s/build.sh and tools/build/components.sh made, the OCI images
# kubeadm needs, under their upstream names, as OCI archives in a cache outside the repository:
# $ONEKUBE_CACHE/images/<kubernetes version>/<name>_<tag>.tar. Reproducible (timestamps at 0);
# images already built are skipped. Needs buildah (Debian).
# Usage: tools/build/images.sh [kube-apiserver kube-controller-manager kube-scheduler kube-proxy
#        etcd coredns pause]   (default: all; `onekube images build` asks for one at a time)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cache=${ONEKUBE_CACHE:-/var/cache/onekube}
eval "$(node "$repo/tools/versions.mjs")"
k8s=$v_kubernetes
bin=$cache/k8s/$k8s/bin
out=$cache/images/$k8s
mkdir -p "$out"
b() { buildah --storage-driver vfs "$@"; }
path_env="PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin"
wanted=("$@")
want() { ((${#wanted[@]} == 0)) || [[ " ${wanted[*]} " == *" $1 "* ]]; }

# image REF ENTRYPOINT-JSON FILE:DEST...
image() {
  local ref=$1 entrypoint=$2; shift 2
  local file=$out/$(echo "${ref#*/}" | tr '/:' '__').tar
  if [[ -f $file ]]; then echo "[images] $ref: cached"; return; fi
  local start c
  start=$(date +%s)
  c=$(b from scratch)
  for pair in "$@"; do
    b copy "$c" "${pair%%:*}" "${pair#*:}" >/dev/null
  done
  b config --entrypoint "$entrypoint" --env "$path_env" "$c"
  b commit -q --timestamp 0 --format oci "$c" "$ref" >/dev/null
  b rm "$c" >/dev/null
  rm -f "$file.tmp"
  b push -q "$ref" "oci-archive:$file.tmp:$ref"
  b rmi -f "$ref" >/dev/null
  mv "$file.tmp" "$file"
  echo "[images] $ref in $(($(date +%s) - start)) s"
}

# A binary and the shared libraries it loads, for images that need a dynamic program (nft).
with_libs() {
  local prog=$1
  echo "$prog:$prog"
  ldd "$prog" | awk '/=> \// {print $3} /^[ \t]*\/lib/ {print $1}' | sort -u | while read -r lib; do
    echo "$(readlink -f "$lib"):$lib"
  done
}

for c in kube-apiserver kube-controller-manager kube-scheduler; do
  want "$c" || continue
  image "registry.k8s.io/$c:$k8s" "[\"/usr/local/bin/$c\"]" "$bin/$c:/usr/local/bin/$c"
done
if want kube-proxy; then
  mapfile -t nft < <(with_libs /usr/sbin/nft)
  image "registry.k8s.io/kube-proxy:$k8s" '["/usr/local/bin/kube-proxy"]' "$bin/kube-proxy:/usr/local/bin/kube-proxy" "${nft[@]}"
fi
etcd=$cache/etcd/v$v_etcd/bin
want etcd && image "registry.k8s.io/etcd:$v_etcd-0" '["/usr/local/bin/etcd"]' "$etcd/etcd:/usr/local/bin/etcd" "$etcd/etcdctl:/usr/local/bin/etcdctl"
want coredns && image "registry.k8s.io/coredns/coredns:$v_coredns" '["/coredns"]' "$cache/coredns/$v_coredns/bin/coredns:/coredns"
if want pause; then image "registry.k8s.io/pause:$v_pause" '["/pause"]' "$cache/pause/$k8s/bin/pause:/pause"; fi
