#!/usr/bin/env bash
# Third-party client conformance: runs jsforce and the Salesforce CLI (both from npm,
# pinned in sfdc/emulator/conformance/package-lock.json, unchanged) against the
# emulator served by `lazyforce demo --serve`. Installs what it needs itself:
# Node 22 (from npm) into .ci/tools/node22 and the packages with `npm ci`; both are
# cached, so reruns skip the installs. Exits non-zero if any check fails.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TOOLS=$ROOT/.ci/tools
CONF=$ROOT/sfdc/emulator/conformance
NODE_VERSION=22.23.3
NODE_DIR=$TOOLS/node22
NODE=$NODE_DIR/node_modules/node/bin/node
started=$(date +%s)

say() { echo "== conformance: $*"; }

# 1. Node 22 (jsforce 3.10 and @salesforce/cli need it; the machine's node may be older).
if ! [ -x "$NODE" ] || [ "$("$NODE" --version 2>/dev/null)" != "v$NODE_VERSION" ]; then
  command -v npm >/dev/null || { echo "conformance: npm is needed to install Node $NODE_VERSION" >&2; exit 1; }
  say "installing node@$NODE_VERSION into .ci/tools/node22"
  mkdir -p "$NODE_DIR"
  [ -f "$NODE_DIR/package.json" ] || echo '{"private":true}' >"$NODE_DIR/package.json"
  (cd "$NODE_DIR" && npm install --no-audit --no-fund --loglevel=error --cache "$TOOLS/npm-cache" "node@$NODE_VERSION")
fi
export PATH="$(dirname "$NODE"):$PATH"
say "node $(node --version)"

# 2. jsforce and the Salesforce CLI, exactly as locked.
stamp="$CONF/node_modules/.lazyforce-installed"
want="$(sha256sum "$CONF/package-lock.json" | cut -d' ' -f1) $(node --version)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  say "npm ci in sfdc/emulator/conformance"
  (cd "$CONF" && npm ci --no-audit --no-fund --loglevel=error --cache "$TOOLS/npm-cache" --prefer-offline)
  echo "$want" >"$stamp"
fi
status=0

# The Salesforce CLI import (sfdc/auth) against the real sf: it logs sf in to an
# emulator and imports the org through sf's commands.
say "login --from-sf against the real sf"
LAZYFORCE_SF="$CONF/node_modules/.bin/sf" go test -count=1 -v -run '^TestImportFromRealSF$' ./sfdc/auth || status=1

# 3. The binary and the emulator.
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lazyforce-conformance.XXXXXX")
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "go build"
go build -o "$TMP/lazyforce" .

say "starting lazyforce demo --serve 127.0.0.1:0"
"$TMP/lazyforce" demo --serve 127.0.0.1:0 >"$TMP/server.out" 2>"$TMP/server.err" &
SERVER_PID=$!
for _ in $(seq 1 600); do
  if [ -s "$TMP/server.out" ] && head -n1 "$TMP/server.out" | grep -q '}'; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "conformance: lazyforce demo --serve exited before printing its JSON line" >&2
    tail -n 20 "$TMP/server.err" >&2
    SERVER_PID=
    exit 1
  fi
  sleep 0.1
done
if ! head -n1 "$TMP/server.out" | grep -q '}'; then
  echo "conformance: no JSON line from lazyforce demo --serve within 60 s" >&2
  exit 1
fi
read -r INSTANCE_URL ACCESS_TOKEN SF_USERNAME ADMIN_TOKEN < <(head -n1 "$TMP/server.out" | node -e '
  const j = JSON.parse(require("fs").readFileSync(0, "utf8"));
  for (const k of ["instance_url", "access_token", "username", "admin_token"]) {
    if (typeof j[k] !== "string" || !j[k] || /\s/.test(j[k])) { console.error("bad " + k + " in " + JSON.stringify(j)); process.exit(1); }
  }
  console.log(j.instance_url, j.access_token, j.username, j.admin_token);')
export INSTANCE_URL ACCESS_TOKEN SF_USERNAME ADMIN_TOKEN
say "emulator at $INSTANCE_URL as $SF_USERNAME"

# 3b. The built lazyforce imports the org from the real sf (logged in to the emulator
#     in an isolated HOME), queries it live and logs out, never printing the token.
#     Before the node tests: their last file expires the demo's access token.
say "lazyforce login --from-sf against the real sf"
SF_BIN="$CONF/node_modules/.bin/sf"
SF_HOME="$TMP/sf-home"
mkdir -p "$SF_HOME"
sf_env=(HOME="$SF_HOME" XDG_CONFIG_HOME="$SF_HOME/.config" XDG_DATA_HOME="$SF_HOME/.local/share"
  XDG_CACHE_HOME="$SF_HOME/.cache" TMPDIR="$SF_HOME" SF_DISABLE_TELEMETRY=true SF_DISABLE_DNS_CHECK=true
  SF_HIDE_RELEASE_NOTES=true SF_HIDE_RELEASE_NOTES_FOOTER=true SF_USE_GENERIC_UNIX_KEYCHAIN=true
  SF_CONTAINER_MODE=true LAZYFORCE_HOME="$TMP/lf-home" LAZYFORCE_KEYRING=off LAZYFORCE_SF="$SF_BIN")
lf_log="$TMP/lf-from-sf.log"
if env "${sf_env[@]}" SF_ACCESS_TOKEN="$ACCESS_TOKEN" "$SF_BIN" org login access-token \
    --instance-url "$INSTANCE_URL" --no-prompt --alias emu --json >"$TMP/sf-login.json" 2>&1 &&
  env "${sf_env[@]}" "$TMP/lazyforce" login --from-sf emu --alias emu >>"$lf_log" 2>&1 &&
  env "${sf_env[@]}" "$TMP/lazyforce" query --live "SELECT Username FROM User WHERE Username = '$SF_USERNAME'" >>"$lf_log" 2>&1 &&
  env "${sf_env[@]}" "$TMP/lazyforce" logout --org emu >>"$lf_log" 2>&1 &&
  grep -qF "(1 row)" "$lf_log" && grep -qF "Not revoked" "$lf_log" && ! grep -qF "$ACCESS_TOKEN" "$lf_log"; then
  say "lazyforce login --from-sf: ok"
else
  echo "conformance: lazyforce login --from-sf against the real sf failed:" >&2
  log=$(cat "$TMP/sf-login.json" "$lf_log" 2>/dev/null || true)
  echo "${log//"$ACCESS_TOKEN"/[redacted]}" | tail -n 30 >&2
  status=1
fi

# 4. The tests, one file after the other (they share the org): jsforce, the Salesforce
#    CLI, then jsforce's OAuth and injected faults (last: expiring sessions also ends
#    the demo's access token).
(cd "$CONF" && timeout --kill-after=10 900 node --test --test-concurrency=1 --test-timeout=300000 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$TMP/results.tap" \
  jsforce.test.mjs sfcli.test.mjs oauth.test.mjs) || status=$?

pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$TMP/results.tap" | tail -n1)
fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$TMP/results.tap" | tail -n1)
cancelled=$(sed -n 's/^# cancelled \([0-9]*\)$/\1/p' "$TMP/results.tap" | tail -n1)
fail=$(( ${fail:-0} + ${cancelled:-0} ))
if [ "$status" -ne 0 ]; then
  echo "-- emulator stderr (last 20 lines):"
  tail -n 20 "$TMP/server.err" || true
  [ "$fail" -gt 0 ] || fail=1
fi
say "jsforce + Salesforce CLI against the emulator in $(( $(date +%s) - started )) s"
echo "conformance: ${pass:-0} passed, $fail failed"
exit "$status"
