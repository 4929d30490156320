#!/usr/bin/env bash
# Measures how long a one-shot `lazyforce query` waits while another
# lazyforce process rewrites the cache (issue 14, "a read-only open that does
# not wait on another lazyforce process"): over a cache synced once from the
# demo org at SCALE, `sync --full` runs while a loop runs
# `query "SELECT Id FROM User LIMIT 1"` back to back and times each one
# (process start included). Prints a markdown row per sync: sync wall time,
# queries answered, median, p90 and worst query time, failures. Each such
# row is followed by a control: the same, but the sync rewrites another
# cache (same work, same CPU taken from the queries, no lock shared), so
# the difference between the two rows is what the queries wait for the
# sync's locks.
# Not run in CI. Env: SCALE (12), ROUNDS (2: full syncs per build, the builds
# alternating), BINS (space-separated lazyforce binaries; default: go build
# of this tree), QUERY (the query).
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${SCALE:-12}
ROUNDS=${ROUNDS:-2}
QUERY=${QUERY:-SELECT Id FROM User LIMIT 1}
. .ci/demo-org.sh
demo_begin qds
BINS=${BINS:-$(demo_build)}
read -r -a BIN_LIST <<<"$BINS"
demo_serve "${BIN_LIST[0]}" "$SCALE"

echo "## query-during-sync $(date -u +%Y-%m-%dT%H:%MZ), scale $SCALE, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| build | queries on | sync --full | queries | median | p90 | worst | failed |"
echo "|---|---|---|---|---|---|---|---|"
i=0
for bin in "${BIN_LIST[@]}"; do
  i=$((i + 1))
  for home in "$TMP/home-$i" "$TMP/home-$i-other"; do
    LAZYFORCE_HOME=$home LAZYFORCE_KEYRING=off "$bin" login --instance-url "$INSTANCE_URL" --access-token "$ACCESS_TOKEN" --alias qds >/dev/null 2>&1
    LAZYFORCE_HOME=$home LAZYFORCE_KEYRING=off "$bin" sync >/dev/null 2>&1
  done
done

# measure BIN SYNC_HOME QUERY_HOME LABEL WHAT: runs `sync --full` over the
# cache in SYNC_HOME while queries loop over the cache in QUERY_HOME, and
# prints the row.
measure() {
  local bin=$1 sync_home=$2 query_home=$3 label=$4 what=$5
  local times=$TMP/times fails=0 s0 sync_pid q0 wall n med p90 worst
  : >"$times"
  s0=$(date +%s%N)
  LAZYFORCE_HOME=$sync_home LAZYFORCE_KEYRING=off "$bin" sync --full >/dev/null 2>"$TMP/sync.err" &
  sync_pid=$!
  while kill -0 "$sync_pid" 2>/dev/null; do
    q0=$(date +%s%N)
    LAZYFORCE_HOME=$query_home LAZYFORCE_KEYRING=off "$bin" query "$QUERY" >/dev/null 2>&1 || fails=$((fails + 1))
    echo $((($(date +%s%N) - q0) / 1000000)) >>"$times"
  done
  wait "$sync_pid" || { echo "query-during-sync: sync --full failed" >&2; cat "$TMP/sync.err" >&2; exit 1; }
  wall=$(((($(date +%s%N) - s0) / 1000000)))
  sort -n "$times" -o "$times"
  n=$(wc -l <"$times")
  med=$(sed -n "$(((n + 1) / 2))p" "$times")
  p90=$(sed -n "$(((n * 9 + 9) / 10))p" "$times")
  worst=$(tail -n1 "$times")
  echo "| $label | $what | $((wall / 1000)).$(((wall % 1000) / 100)) s | $n | $med ms | $p90 ms | $worst ms | $fails |"
}

for round in $(seq 1 "$ROUNDS"); do
  i=0
  for bin in "${BIN_LIST[@]}"; do
    i=$((i + 1))
    measure "$bin" "$TMP/home-$i" "$TMP/home-$i" "$(basename "$bin")" "the cache being synced"
    measure "$bin" "$TMP/home-$i-other" "$TMP/home-$i" "$(basename "$bin")" "another cache"
  done
done
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
