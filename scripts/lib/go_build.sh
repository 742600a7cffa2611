# Sourced by the scripts that build a pinned Go server for the tests (ferretdb.sh,
# seaweedfs.sh). go_build_module MODULE VERSION PACKAGE BINARY [PREPARE]: downloads MODULE at
# VERSION, copies it out of the (read-only) module cache, runs the shell command PREPARE inside
# the copy if given, builds PACKAGE into BINARY (written whole or not at all) and prints
# BINARY. `go install MODULE/PACKAGE@VERSION` is no help for either server: one needs a file
# its release build writes, the other has replace directives in its go.mod.
go_build_module() {
  local module=$1 version=$2 package=$3 binary=$4 prepare=${5:-}
  command -v go >/dev/null || { echo "$module: go is not installed" >&2; return 1; }
  local work dir
  work=$(mktemp -d)
  # shellcheck disable=SC2064  # expand $work now: it is local
  trap "chmod -R u+w '$work' 2>/dev/null; rm -rf '$work'" EXIT
  export GOFLAGS=-mod=mod GOTOOLCHAIN=local
  dir=$(cd "$work" && go mod download -json "$module@$version" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')
  [ -n "$dir" ] || { echo "$module: go mod download of $version failed" >&2; return 1; }
  cp -r "$dir" "$work/src" && chmod -R u+w "$work/src"
  if [ -n "$prepare" ]; then (cd "$work/src" && eval "$prepare"); fi
  mkdir -p "$(dirname "$binary")"
  (cd "$work/src" && CGO_ENABLED=0 go build -trimpath -o "$binary.tmp" "$package")
  mv "$binary.tmp" "$binary"
  echo "$binary"
}
