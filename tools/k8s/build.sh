#!/usr/bin/env bash
# Builds Kubernetes binaries from the pinned k8s.io/kubernetes Go module into a cache outside
# the repository, keyed by version: $ONEKUBE_CACHE/k8s/<version>/bin/<name>.
# Usage: tools/k8s/build.sh [kubeadm kubelet kube-apiserver ...]   (default: kubeadm)
# Work already done is skipped; binaries are never committed.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
eval "$(node "$repo/tools/versions.mjs")"
version=${KUBERNETES_VERSION:-$v_kubernetes}
cache=${ONEKUBE_CACHE:-/var/cache/onekube}/k8s/$version
components=("$@")
((${#components[@]} > 0)) || components=(kubeadm)

todo=()
for c in "${components[@]}"; do [[ -x $cache/bin/$c ]] || todo+=("$c"); done
if ((${#todo[@]} == 0)); then
  echo "[k8s] $version: ${components[*]} already built in $cache/bin"
  exit 0
fi

mkdir -p "$cache/src" "$cache/bin"
cd "$cache/src"
moddir=$(go mod download -json "k8s.io/kubernetes@$version" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
# shellcheck source=tools/k8s/gomod.sh
. "$repo/tools/k8s/gomod.sh"
k8s_gomod k8sbuild "$version" "$moddir"
printf '//go:build tools\n\npackage tools\n\n' > tools.go
for c in "${components[@]}"; do printf 'import _ "k8s.io/kubernetes/cmd/%s"\n' "$c" >> tools.go; done
echo "[k8s] resolving modules for $version"
GOFLAGS=-mod=mod go mod tidy
minor=${version#v1.}; minor=${minor%%.*}
ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$version -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor"
for c in "${todo[@]}"; do
  start=$(date +%s)
  echo "[k8s] building $c $version"
  CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$cache/bin/$c.tmp" "k8s.io/kubernetes/cmd/$c"
  mv "$cache/bin/$c.tmp" "$cache/bin/$c"
  echo "[k8s] built $c in $(($(date +%s) - start)) s"
done
