#!/usr/bin/env bash
# Benchmarks what users feel, each next to its peer in the same run (issue 14):
#   - initial sync of the demo org at SCALE: lazyforce sync vs jsforce paging the
#     same objects with all fields (sfdc/emulator/conformance/bench-peer.mjs),
#     without and with latency_ms: 300 on every request (a real org's page time);
#   - one-shot commands over that cache: query User LIMIT 1 (time and RSS),
#     COUNT() FROM Task, and an empty incremental sync (time and API calls).
# Prints a markdown report (the rows of docs/benchmarks.md) on stdout.
# Not run in CI. Needs hyperfine, and Node 22 + jsforce as .ci/conformance.sh
# installs them (run that once). Env: SCALE (12), RUNS (10), SYNC_RUNS (3:
# initial syncs per side, the median reported), LATENCY (1: also run the
# 300 ms pair), LAZYFORCE_BIN (default: go build of this tree).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SCALE=${SCALE:-12}
RUNS=${RUNS:-10}
SYNC_RUNS=${SYNC_RUNS:-3}
LATENCY=${LATENCY:-1}
NODE=$ROOT/.ci/tools/node22/node_modules/node/bin/node
CONF=$ROOT/sfdc/emulator/conformance
[ -x "$NODE" ] && [ -d "$CONF/node_modules/jsforce" ] || { echo "bench: run .ci/conformance.sh once (Node 22 + jsforce)" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "bench: needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }

. .ci/demo-org.sh
demo_begin bench
BIN=${LAZYFORCE_BIN:-$(demo_build)}
demo_serve "$BIN" "$SCALE"

faults() { curl -sf -X POST -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' -d "$1" "$INSTANCE_URL/__emulator/faults" >/dev/null; }
login() { # login HOME
  LAZYFORCE_HOME=$1 LAZYFORCE_KEYRING=off "$BIN" login --instance-url "$INSTANCE_URL" --access-token "$ACCESS_TOKEN" --alias bench >/dev/null 2>&1
}
# timed OUT CMD...: runs CMD with /usr/bin/time; OUT.time gets "wall user sys maxrss_kb".
timed() { local out=$1; shift; /usr/bin/time -o "$out.time" -f '%e %U %S %M' "$@" >"$out" 2>"$out.err"; }
# sync_pair LABEL: SYNC_RUNS times, an initial sync into a fresh home, then
# the peer; the row gives the median run of each (by CPU per record; wall
# time its own median). The first run's home stays for the one-shot rows.
sync_pair() {
  local label=$1 i
  for i in $(seq 1 "$SYNC_RUNS"); do
    local home=$TMP/home-$label
    [ "$i" = 1 ] || home=$TMP/home-$label-$i
    login "$home"
    timed "$TMP/sync-$label-$i.json" env LAZYFORCE_HOME="$home" LAZYFORCE_KEYRING=off "$BIN" sync --json
    timed "$TMP/peer-$label-$i.json" "$NODE" "$CONF/bench-peer.mjs"
  done
  "$NODE" -e '
    const fs = require("fs"), [dir, label, runs] = process.argv.slice(1);
    const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[(s.length - 1) >> 1]; };
    const rd = (f) => fs.readFileSync(f + ".time", "utf8").trim().split(" ").map(Number);
    const S = [], P = [];
    for (let i = 1; i <= Number(runs); i++) {
      const s = `${dir}/sync-${label}-${i}.json`, p = `${dir}/peer-${label}-${i}.json`;
      const sync = JSON.parse(fs.readFileSync(s, "utf8")), peer = JSON.parse(fs.readFileSync(p, "utf8"));
      const [sw, su, ss] = rd(s), [pw, pu, ps] = rd(p);
      const n = Object.values(sync.objects).reduce((a, o) => a + o.fetched, 0);
      S.push({ w: sw, us: (su + ss) / n * 1e6, n, calls: sync.api_calls });
      P.push({ w: pw, us: (pu + ps) / peer.records * 1e6, n: peer.records, calls: peer.calls });
    }
    const sw = med(S.map((x) => x.w)), pw = med(P.map((x) => x.w));
    const usS = med(S.map((x) => x.us)), usP = med(P.map((x) => x.us));
    const all = (xs) => xs.map((x) => x.toFixed(1)).join("/");
    const n = S[0].n, pn = P[0].n;
    console.log(`| initial sync, ${label} (median of ${runs}) | lazyforce: ${sw.toFixed(1)} s, ${n} records, ${S[0].calls} calls, ${Math.round(n / sw)} rec/s, CPU ${usS.toFixed(1)} µs/record (runs: ${all(S.map((x) => x.us))}) | jsforce: ${pw.toFixed(1)} s, ${pn} records, ${P[0].calls} calls, ${Math.round(pn / pw)} rec/s, CPU ${usP.toFixed(1)} µs/record (runs: ${all(P.map((x) => x.us))}) | jsforce wall ÷ lazyforce wall: ${(pw / sw).toFixed(2)} (target ≥ 4 with latency); lazyforce CPU/record ÷ jsforce: ${(usS / usP).toFixed(2)} (target ≤ 0.6) |`);
  ' "$TMP" "$label" "$SYNC_RUNS"
}

echo "## bench.sh $(date -u +%Y-%m-%dT%H:%MZ), scale $SCALE, load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, $("$BIN" --version 2>/dev/null || git rev-parse --short HEAD)"
echo
echo "| what | lazyforce | peer (same run) | ratio |"
echo "|---|---|---|---|"
sync_pair "no added latency"
H=$TMP/home-no\ added\ latency
export LAZYFORCE_HOME=$H LAZYFORCE_KEYRING=off

# One-shot commands over the cache just synced; the peer is the same
# question asked of the emulator with jsforce (process start included).
hf() { # hf NAME CMD PEER_CMD
  hyperfine -N -w 2 -r "$RUNS" --export-json "$TMP/hf-$1.json" "$2" "$3" >/dev/null 2>&1 || hyperfine -w 2 -r "$RUNS" --export-json "$TMP/hf-$1.json" "$2" "$3" >/dev/null
  "$NODE" -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).results;
    const f = (x) => `${(x.median * 1000).toFixed(0)} ms median (${(x.min * 1000).toFixed(0)}–${(x.max * 1000).toFixed(0)})`;
    console.log(`| ${process.argv[2]} | ${f(r[0])} | ${f(r[1])} | peer ÷ lazyforce: ${(r[1].median / r[0].median).toFixed(1)} |`);
  ' "$TMP/hf-$1.json" "$4"
}
peerq() { echo "$NODE -e \"const j=require('$CONF/node_modules/jsforce');new j.Connection({instanceUrl:process.env.INSTANCE_URL,accessToken:process.env.ACCESS_TOKEN,version:'62.0'}).query(process.argv[1]).then(r=>console.log(r.totalSize))\" \"$1\""; }
hf user "$BIN query 'SELECT Id FROM User LIMIT 1'" "$(peerq 'SELECT Id FROM User LIMIT 1')" "query \"SELECT Id FROM User LIMIT 1\" (whole process; peer: jsforce asks the org)"
hf count "$BIN query 'SELECT COUNT() FROM Task'" "$(peerq 'SELECT COUNT() FROM Task')" "query \"SELECT COUNT() FROM Task\""
rss=$( { /usr/bin/time -f '%M' "$BIN" query 'SELECT Id FROM User LIMIT 1' >/dev/null; } 2>&1 | tail -n1)
echo "| query \"SELECT Id FROM User LIMIT 1\" max RSS | $((rss / 1024)) MiB | — | — |"
hf emptysync "$BIN sync" "$(peerq 'SELECT Id, SystemModstamp FROM Opportunity ORDER BY SystemModstamp DESC LIMIT 1')" "empty incremental sync (peer: one jsforce query)"
"$BIN" sync --json >"$TMP/empty.json"
echo "| empty incremental sync API calls | $("$NODE" -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).api_calls)' "$TMP/empty.json") | — | — |"

if [ "$LATENCY" = 1 ]; then

  faults '{"latency_ms": 300}'
  sync_pair "latency_ms 300"
  faults '{}'
fi
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
