// The peer of .ci/bench.sh: jsforce pages the objects lazyforce syncs, with
// every field sync reads (the describe's fields minus compound and binary
// ones), one request at a time as jsforce does, against the same emulator.
// Prints one JSON line: {records, calls, wall_s, cpu_s, objects}.
// Not a test: run it through .ci/bench.sh.
import jsforce from 'jsforce';

const OBJECTS = (process.env.BENCH_OBJECTS ||
  'User,RecordType,OpportunityStage,Account,Contact,Lead,Opportunity,OpportunityContactRole,Task,Event').split(',');
const conn = new jsforce.Connection({
  instanceUrl: process.env.INSTANCE_URL,
  accessToken: process.env.ACCESS_TOKEN,
  version: process.env.API_VERSION || '62.0',
});

const skip = new Set(['address', 'location', 'base64', 'complexvalue']);
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
let records = 0;
let calls = 0;
const objects = {};
for (const name of OBJECTS) {
  const d = await conn.sobject(name).describe();
  calls++;
  const fields = d.fields.filter((f) => !skip.has(f.type)).map((f) => f.name);
  let res = await conn.query(`SELECT ${fields.join(', ')} FROM ${name}`, { autoFetch: false });
  calls++;
  let n = res.records.length;
  while (!res.done) {
    res = await conn.queryMore(res.nextRecordsUrl);
    calls++;
    n += res.records.length;
  }
  objects[name] = n;
  records += n;
}
const wall = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({ records, calls, wall_s: wall, cpu_s: (cpu.user + cpu.system) / 1e6, objects }));
