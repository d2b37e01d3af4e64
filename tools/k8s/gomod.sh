# Sourced: k8s_gomod NAME VERSION MODDIR writes ./go.mod of a module named onekube.local/NAME
# requiring k8s.io/kubernetes VERSION (unpacked at MODDIR). k8s.io/kubernetes replaces its staging
# modules with local paths; a consumer must name the published v0.X.Y of each instead.
k8s_gomod() {
  local name=$1 version=$2 moddir=$3 m
  {
    printf 'module onekube.local/%s\n\ngo %s\n\nrequire k8s.io/kubernetes %s\n\n' \
      "$name" "$(awk '/^go / {print $2; exit}' "$moddir/go.mod")" "$version"
    for m in $(awk '/=> .\/staging/ {print $1}' "$moddir/go.mod"); do
      printf 'replace %s => %s v0%s\n' "$m" "$m" "${version#v1}"
    done
  } > go.mod
}
