#!/usr/bin/env bash
# Builds what Kubernetes' own conformance specs need, from the pinned k8s.io/kubernetes module,
# into the cache (never committed): e2e.test (`go test -c k8s.io/kubernetes/test/e2e`), ginkgo
# (the version Kubernetes' go.mod pins) and the agnhost image the specs run, as an OCI archive
# under its upstream name: the agnhost binary (test/images/agnhost) on a Debian base holding the
# shell tools its upstream Alpine image has (sh, curl, nslookup/dig, nc, ip). Not part of CI: the
# build takes several minutes on 2 cores; tools/conformance/run.sh uses it.
# Usage: tools/conformance/build.sh            (skips what is built already)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
eval "$(node "$repo/tools/versions.mjs")"
version=$v_kubernetes
cache=${ONEKUBE_CACHE:-/var/cache/onekube}
out=$cache/conformance/$version
mkdir -p "$out/bin" "$out/src"

moddir=$(cd "$out/src" && go mod download -json "k8s.io/kubernetes@$version" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
agnhost_version=$(cat "$moddir/test/images/agnhost/VERSION")
ginkgo_version=$(awk '$1 == "github.com/onsi/ginkgo/v2" {print $2}' "$moddir/go.mod")

if [[ ! -x $out/bin/e2e.test || ! -x $out/bin/ginkgo || ! -x $out/bin/agnhost ]]; then
  cd "$out/src"
  # shellcheck source=tools/k8s/gomod.sh
  . "$repo/tools/k8s/gomod.sh"
  k8s_gomod conformance "$version" "$moddir"
  printf '//go:build tools\n\npackage tools\n\nimport (\n\t_ "k8s.io/kubernetes/test/e2e"\n\t_ "k8s.io/kubernetes/test/images/agnhost"\n\t_ "github.com/onsi/ginkgo/v2/ginkgo"\n)\n' > tools.go
  echo "[conformance] resolving modules for $version (ginkgo $ginkgo_version, agnhost $agnhost_version)"
  GOFLAGS=-mod=mod go get "github.com/onsi/ginkgo/v2@$ginkgo_version" >/dev/null
  GOFLAGS=-mod=mod go mod tidy
  minor=${version#v1.}; minor=${minor%%.*}
  ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$version -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor"
  start=$(date +%s)
  [[ -x $out/bin/ginkgo ]] || CGO_ENABLED=0 go build -trimpath -o "$out/bin/ginkgo" github.com/onsi/ginkgo/v2/ginkgo
  [[ -x $out/bin/agnhost ]] || CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$out/bin/agnhost" k8s.io/kubernetes/test/images/agnhost
  [[ -x $out/bin/e2e.test ]] || CGO_ENABLED=0 go test -c -vet=off -trimpath -ldflags "$ldflags" -o "$out/bin/e2e.test" k8s.io/kubernetes/test/e2e
  echo "[conformance] built e2e.test, ginkgo and agnhost in $(($(date +%s) - start)) s"
fi

# agnhost's image: the binary and its certificates on a Debian base with the tools specs exec.
ref="registry.k8s.io/e2e-test-images/agnhost:$agnhost_version"
archive=$out/agnhost-$agnhost_version.tar
if [[ ! -f $archive ]]; then
  base=$out/agnhost-base.tar
  [[ -f $base ]] || SOURCE_DATE_EPOCH=1764547200 mmdebstrap --variant=minbase --format=tar \
    --include=bash,curl,bind9-dnsutils,netcat-openbsd,iproute2,iperf,util-linux,procps,ca-certificates \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    bookworm "$base" http://deb.debian.org/debian
  export BUILDAH_ISOLATION=chroot STORAGE_DRIVER=vfs
  ctr=$(buildah from scratch)
  trap 'buildah rm "$ctr" >/dev/null 2>&1 || true' EXIT
  buildah add "$ctr" "$base" / >/dev/null
  buildah copy --chmod 0755 "$ctr" "$out/bin/agnhost" /agnhost >/dev/null
  buildah run "$ctr" -- sh -c 'ln -s agnhost /agnhost-2; mkdir -p /uploads; useradd -u 1000 -M user-defined-in-image; groupadd -g 50000 group-defined-in-image; usermod -aG group-defined-in-image user-defined-in-image' || true
  buildah copy "$ctr" "$moddir/test/images/agnhost/porter/localhost.crt" /localhost.crt >/dev/null
  buildah copy "$ctr" "$moddir/test/images/agnhost/porter/localhost.key" /localhost.key >/dev/null
  buildah config --entrypoint '["/agnhost"]' --cmd pause --workingdir / "$ctr"
  buildah commit --format oci "$ctr" "$ref" >/dev/null
  buildah push "$ref" "oci-archive:$archive.tmp:$ref"
  buildah rmi "$ref" >/dev/null || true
  mv "$archive.tmp" "$archive"
  echo "[conformance] built $ref"
fi
echo "[conformance] ready: $out/bin/{e2e.test,ginkgo,agnhost}, $archive"
