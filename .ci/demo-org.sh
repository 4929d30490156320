# Sourced by the benchmark scripts (bench.sh, query-during-sync.sh), from the
# repository root: a temporary directory and the demo org served for them.
#   demo_begin NAME    makes $TMP and stops the server and removes $TMP on exit
#   demo_build         prints a go build of this tree (in $TMP)
#   demo_serve BIN SCALE
#                      starts `BIN demo --serve` at SCALE, waits for it and sets
#                      SERVER_PID, INSTANCE_URL, ACCESS_TOKEN and ADMIN_TOKEN

demo_begin() {
  DEMO_NAME=$1
  TMP=$(mktemp -d "${TMPDIR:-/tmp}/lazyforce-$1.XXXXXX")
  SERVER_PID=
  trap demo_cleanup EXIT
  trap 'exit 130' INT TERM
}

demo_cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
}

demo_build() {
  go build -o "$TMP/lazyforce" . && echo "$TMP/lazyforce"
}

demo_serve() {
  "$1" demo --serve 127.0.0.1:0 --scale "$2" >"$TMP/server.out" 2>"$TMP/server.err" &
  SERVER_PID=$!
  for _ in $(seq 1 1200); do
    head -n1 "$TMP/server.out" 2>/dev/null | grep -q '}' && break
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "$DEMO_NAME: the emulator exited" >&2; tail "$TMP/server.err" >&2; exit 1; }
    sleep 0.1
  done
  INSTANCE_URL=$(demo_field instance_url)
  ACCESS_TOKEN=$(demo_field access_token)
  ADMIN_TOKEN=$(demo_field admin_token)
  export INSTANCE_URL ACCESS_TOKEN
}

# demo_field KEY: a string field of the server's first line (its JSON).
demo_field() { head -n1 "$TMP/server.out" | sed -n "s/.*\"$1\": *\"\([^\"]*\)\".*/\1/p"; }
