// jsforce (unchanged, pinned in package-lock.json) against the lazyforce emulator.
// Run through .ci/conformance.sh, or with INSTANCE_URL and ACCESS_TOKEN set:
//   node --test jsforce.test.mjs
// Expectations come from the wire facts in shared/SALESFORCE.md; where the demo
// data is generated, they are derived from the data itself (e.g. a paged query's
// record count is compared with a COUNT() query).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import jsforce from 'jsforce';
import { INSTANCE_URL, ACCESS_TOKEN, USERNAME, raw, latestVersion, to18, assertId, q } from './common.mjs';

let version;
let conn;
const tag = `Conformance ${process.pid} ${Date.now()}`;
const cleanup = []; // [type, id] of records the tests created

before(async () => {
  version = await latestVersion();
  conn = new jsforce.Connection({ instanceUrl: INSTANCE_URL, accessToken: ACCESS_TOKEN, version });
});

after(async () => {
  for (const [type, id] of cleanup.reverse()) {
    try {
      await conn.sobject(type).destroy(id);
    } catch {
      // already deleted by the test itself
    }
  }
});

async function count(soql) {
  const r = await conn.query(soql);
  assert.equal(r.done, true, `COUNT() query is one page: ${soql}`);
  assert.deepEqual(r.records, [], `COUNT() alone returns no records: ${soql}`);
  return r.totalSize;
}

function byLower(a, b) {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

// rejects runs fn and returns the jsforce error it throws, failing if it does not.
async function rejects(fn, errorCode) {
  let err;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  assert.ok(err, `expected ${errorCode}, got success`);
  assert.equal(err.errorCode, errorCode, `errorCode (message: ${err.message})`);
  return err;
}

describe('versions, identity and headers', () => {
  test('version root lists the resources and every data response has Sforce-Limit-Info', async () => {
    const r = await raw(`/services/data/v${version}/`);
    assert.equal(r.status, 200);
    for (const k of ['sobjects', 'query', 'queryAll', 'limits', 'composite', 'ui-api']) {
      assert.equal(typeof r.json[k], 'string', `version root has ${k}`);
    }
    assert.equal(r.json.sobjects, `/services/data/v${version}/sobjects`);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    const lim = await raw(`/services/data/v${version}/query?q=${encodeURIComponent('SELECT Id FROM Account LIMIT 1')}`);
    assert.equal(lim.status, 200);
    assert.match(lim.headers.get('sforce-limit-info') || '', /^api-usage=\d+\/\d+/);
    const versions = await raw('/services/data/', { token: null });
    assert.equal(versions.headers.get('sforce-limit-info'), null, 'the versions list is not metered');
  });

  test('an older API version (42.0) works and is echoed in record URLs', async () => {
    const old = new jsforce.Connection({ instanceUrl: INSTANCE_URL, accessToken: ACCESS_TOKEN, version: '42.0' });
    const r = await old.query('SELECT Id FROM Account ORDER BY Id LIMIT 1');
    assert.equal(r.records[0].attributes.url, `/services/data/v42.0/sobjects/Account/${r.records[0].Id}`);
    const created = await old.sobject('Contact').create([{ LastName: `${tag} v42` }]);
    assert.equal(created[0].success, true);
    const del = await old.sobject('Contact').destroy([created[0].id]);
    assert.equal(del[0].success, true);
  });

  test('conn.identity() names the demo user', async () => {
    const id = await conn.identity();
    assertId(id.user_id, '005');
    assertId(id.organization_id, '00D');
    if (USERNAME) assert.equal(id.username, USERNAME);
    const me = await conn.sobject('User').retrieve(id.user_id);
    assert.equal(me.Id, id.user_id);
    assert.equal(me.Username, id.username);
  });
});

describe('query paging', () => {
  let type;
  let total;
  const soql = () => `SELECT Id, CreatedDate FROM ${type} ORDER BY Id`;

  before(async () => {
    // The demo's largest object, so that a 200-record batch size gives several pages.
    let best = 0;
    for (const t of ['Task', 'Event', 'Opportunity', 'Contact', 'Account']) {
      const n = await count(`SELECT COUNT() FROM ${t}`);
      if (n > best) [type, best] = [t, n];
    }
    total = best;
    assert.ok(total > 400, `the demo org has an object with more than 400 records (largest: ${type} with ${total})`);
  });

  test('autoFetch follows nextRecordsUrl across several pages to the COUNT() total', async () => {
    const query = conn.query(soql());
    let fetches = 0;
    query.on('fetch', () => fetches++);
    const res = await query.run({
      autoFetch: true,
      maxFetch: total + 1000,
      headers: { 'Sforce-Query-Options': 'batchSize=200' },
    });
    assert.equal(res.totalSize, total);
    assert.equal(res.done, true);
    assert.equal(res.records.length, total);
    assert.equal(new Set(res.records.map((r) => r.Id)).size, total, 'no record twice');
    assert.ok(fetches >= Math.ceil(total / 200), `${fetches} pages for ${total} records at batchSize=200`);
    const ids = res.records.map((r) => r.Id);
    assert.deepEqual(ids, [...ids].sort(), 'ORDER BY Id holds across pages');
  });

  test('queryMore with the nextRecordsUrl of each page returns every record once, in order', async () => {
    const first = await conn.query(soql(), { headers: { 'Sforce-Query-Options': 'batchSize=200' } });
    assert.equal(first.done, false);
    assert.equal(first.totalSize, total);
    assert.ok(first.records.length > 0 && first.records.length <= 200, `first page has ${first.records.length} records`);
    // jsforce rebuilds nextRecordsUrl from the last path segment (the locator) on its own base URL.
    assert.match(first.nextRecordsUrl, new RegExp(`^${INSTANCE_URL}/services/data/v${version.replace('.', '\\.')}/query/[^/?]+$`));
    // On the wire it is the relative /services/data/vXX.X/query/<locator> form.
    const wire = await raw(`/services/data/v${version}/query?q=${encodeURIComponent(soql())}`, {
      headers: { 'Sforce-Query-Options': 'batchSize=200' },
    });
    assert.equal(wire.json.done, false);
    assert.match(wire.json.nextRecordsUrl, new RegExp(`^/services/data/v${version.replace('.', '\\.')}/query/[^/?]+$`));
    assert.deepEqual(Object.keys(wire.json), ['totalSize', 'done', 'nextRecordsUrl', 'records']);
    const ids = first.records.map((r) => r.Id);
    let page = first;
    let pages = 1;
    while (!page.done) {
      page = await conn.queryMore(page.nextRecordsUrl);
      pages++;
      assert.equal(page.totalSize, total, `page ${pages} repeats totalSize`);
      assert.ok(page.records.length <= 200);
      if (page.done) assert.equal(page.nextRecordsUrl, undefined, 'the last page has no nextRecordsUrl');
      ids.push(...page.records.map((r) => r.Id));
      assert.ok(pages < 1000, 'paging ends');
    }
    assert.ok(pages >= 3, `${pages} pages`);
    assert.equal(ids.length, total);
    assert.equal(new Set(ids).size, total);
    assert.deepEqual(ids, [...ids].sort());
  });

  test('queryAll (scanAll) pages too and counts deleted rows', async () => {
    const res = await conn.query(soql(), { scanAll: true }).run({
      autoFetch: true,
      maxFetch: total + 1000,
      headers: { 'Sforce-Query-Options': 'batchSize=200' },
    });
    assert.ok(res.totalSize >= total);
    assert.equal(res.records.length, res.totalSize);
    assert.equal(new Set(res.records.map((r) => r.Id)).size, res.totalSize);
    const live = new Set((await conn.query(soql()).run({ autoFetch: true, maxFetch: total + 1000 })).records.map((r) => r.Id));
    const extra = res.records.filter((r) => !live.has(r.Id)).map((r) => r.Id);
    if (extra.length) {
      const del = await conn.query(`SELECT Id, IsDeleted FROM ${type} WHERE Id IN (${extra.slice(0, 100).map(q).join(',')})`, { scanAll: true });
      assert.ok(del.records.every((r) => r.IsDeleted === true), 'rows only queryAll sees are deleted');
    }
  });

  test('maxFetch stops autoFetch early', async () => {
    const res = await conn.query(soql()).run({
      autoFetch: true,
      maxFetch: 250,
      headers: { 'Sforce-Query-Options': 'batchSize=200' },
    });
    assert.equal(res.records.length, 250);
    assert.equal(res.totalSize, total);
  });

  test('LIMIT and OFFSET', async () => {
    const all = await conn.query(`SELECT Id FROM Account ORDER BY Id LIMIT 12`);
    assert.equal(all.records.length, Math.min(12, await count('SELECT COUNT() FROM Account')));
    const off = await conn.query(`SELECT Id FROM Account ORDER BY Id LIMIT 5 OFFSET 3`);
    assert.deepEqual(off.records.map((r) => r.Id), all.records.slice(3, 8).map((r) => r.Id));
  });
});

describe('relationships', () => {
  test('parent Owner.Name on Account matches the User record', async () => {
    const res = await conn.query('SELECT Id, Name, OwnerId, Owner.Name FROM Account ORDER BY Name LIMIT 10');
    assert.ok(res.records.length > 0);
    for (const rec of res.records) {
      assert.deepEqual(Object.keys(rec), ['attributes', 'Id', 'Name', 'OwnerId', 'Owner'], 'fields in SELECT order');
      assert.equal(rec.attributes.type, 'Account');
      assert.equal(rec.attributes.url, `/services/data/v${version}/sobjects/Account/${rec.Id}`);
      assertId(rec.Id, '001');
      assertId(rec.OwnerId, '005');
      assert.equal(rec.Owner.attributes.type, 'User');
      assert.equal(rec.Owner.attributes.url, `/services/data/v${version}/sobjects/User/${rec.OwnerId}`);
      assert.equal(typeof rec.Owner.Name, 'string');
    }
    const names = await conn.query(
      `SELECT Id, Name FROM User WHERE Id IN (${[...new Set(res.records.map((r) => q(r.OwnerId)))].join(',')})`,
    );
    const byId = new Map(names.records.map((u) => [u.Id, u.Name]));
    for (const rec of res.records) assert.equal(rec.Owner.Name, byId.get(rec.OwnerId));
    const sorted = res.records.map((r) => r.Name);
    assert.deepEqual(sorted, [...sorted].sort(byLower), 'ORDER BY Name, case-insensitive');
  });

  test('two-level parent Account.Owner.Name on Contact', async () => {
    const res = await conn.query(
      'SELECT Id, AccountId, Account.Name, Account.OwnerId, Account.Owner.Name FROM Contact WHERE AccountId != null LIMIT 5',
    );
    assert.ok(res.records.length > 0, 'some contacts have an account');
    for (const c of res.records) {
      assert.equal(c.Account.attributes.type, 'Account');
      const acc = await conn.sobject('Account').retrieve(c.AccountId);
      assert.equal(c.Account.Name, acc.Name);
      assert.equal(c.Account.OwnerId, acc.OwnerId);
      assert.equal(c.Account.Owner.attributes.type, 'User');
      const owner = await conn.sobject('User').retrieve(acc.OwnerId);
      assert.equal(c.Account.Owner.Name, owner.Name);
    }
  });

  test('child subquery (SELECT … FROM Contacts) returns the account\'s contacts', async () => {
    const one = await conn.query('SELECT AccountId FROM Contact WHERE AccountId != null ORDER BY AccountId LIMIT 1');
    const accountId = one.records[0].AccountId;
    const n = await count(`SELECT COUNT() FROM Contact WHERE AccountId = ${q(accountId)}`);
    assert.ok(n >= 1);
    const res = await conn.query(
      `SELECT Id, Name, (SELECT Id, LastName, AccountId FROM Contacts ORDER BY LastName) FROM Account WHERE Id = ${q(accountId)}`,
    );
    assert.equal(res.totalSize, 1);
    const acc = res.records[0];
    assert.deepEqual(Object.keys(acc), ['attributes', 'Id', 'Name', 'Contacts']);
    assert.equal(acc.Contacts.totalSize, n);
    assert.equal(acc.Contacts.done, true);
    assert.equal(acc.Contacts.records.length, n);
    for (const c of acc.Contacts.records) {
      assert.equal(c.attributes.type, 'Contact');
      assertId(c.Id, '003');
      assert.equal(c.AccountId, accountId);
    }
    const last = acc.Contacts.records.map((c) => c.LastName);
    assert.deepEqual(last, [...last].sort(byLower), 'ORDER BY LastName inside the subquery');
  });

  test('child subquery of opportunities matches per-account counts', async () => {
    const res = await conn.query(
      'SELECT Id, (SELECT Id, AccountId FROM Opportunities) FROM Account ORDER BY Id LIMIT 20',
    );
    let withChildren = 0;
    for (const acc of res.records) {
      const n = await count(`SELECT COUNT() FROM Opportunity WHERE AccountId = ${q(acc.Id)}`);
      if (n === 0) {
        assert.equal(acc.Opportunities, null, `account ${acc.Id} without opportunities has Opportunities: null`);
      } else {
        withChildren++;
        assert.equal(acc.Opportunities.totalSize, n);
        assert.ok(acc.Opportunities.records.every((o) => o.AccountId === acc.Id));
      }
    }
    assert.ok(withChildren > 0, 'some of the first 20 accounts have opportunities');
  });
});

describe('record shapes', () => {
  const DT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000\+0000$/; // Salesforce keeps datetimes to the second

  test('datetimes as 2024-01-02T03:04:05.000+0000, dates as 2024-01-02, numbers as numbers', async () => {
    const r = await conn.query(
      'SELECT Id, CreatedDate, LastModifiedDate, SystemModstamp, CloseDate, Amount, Probability, IsClosed FROM Opportunity WHERE Amount != null ORDER BY Id LIMIT 5',
    );
    assert.ok(r.records.length > 0);
    for (const o of r.records) {
      assert.match(o.CreatedDate, DT);
      assert.match(o.LastModifiedDate, DT);
      assert.match(o.SystemModstamp, DT);
      assert.ok(o.CreatedDate <= o.LastModifiedDate);
      assert.match(o.CloseDate, /^\d{4}-\d\d-\d\d$/);
      assert.equal(typeof o.Amount, 'number');
      assert.equal(typeof o.Probability, 'number');
      assert.equal(typeof o.IsClosed, 'boolean');
    }
  });

  test('field names are case-insensitive in SOQL; responses use the describe casing', async () => {
    const r = await conn.query('select id, NAME, owner.name from ACCOUNT order by ID limit 3');
    assert.ok(r.records.length > 0);
    for (const a of r.records) {
      assert.deepEqual(Object.keys(a), ['attributes', 'Id', 'Name', 'Owner']);
      assert.equal(a.attributes.type, 'Account');
      assert.equal(typeof a.Owner.Name, 'string');
    }
  });

  test('a retrieved record has every describe field, attributes first', async () => {
    const d = await conn.sobject('Account').describe();
    const id = (await conn.query('SELECT Id FROM Account ORDER BY Id LIMIT 1')).records[0].Id;
    const rec = await conn.sobject('Account').retrieve(id);
    assert.equal(Object.keys(rec)[0], 'attributes');
    for (const f of d.fields) assert.ok(f.name in rec, `retrieved Account has ${f.name}`);
    const some = await conn.sobject('Account').retrieve(id, { fields: ['Name', 'OwnerId'] });
    // Only the asked fields (real orgs may also add Id).
    assert.deepEqual(Object.keys(some).filter((k) => k !== 'Id'), ['attributes', 'Name', 'OwnerId']);
    assert.equal(some.Name, rec.Name);
  });

  test('create answers 201 with Location', async () => {
    const r = await raw(`/services/data/v${version}/sobjects/Account`, { method: 'POST', body: { Name: `${tag} Located` } });
    assert.equal(r.status, 201);
    assertId(r.json.id, '001');
    cleanup.push(['Account', r.json.id]);
    assert.deepEqual(r.json, { id: r.json.id, success: true, errors: [] });
    assert.equal(r.headers.get('location'), `/services/data/v${version}/sobjects/Account/${r.json.id}`);
  });

  test('polymorphic What and Who on Task', async () => {
    const r = await conn.query(
      'SELECT Id, WhatId, What.Name, WhoId, Who.Name FROM Task WHERE WhatId != null AND WhoId != null ORDER BY Id LIMIT 10',
    );
    assert.ok(r.records.length > 0, 'tasks related to a record and a person');
    const types = { '001': 'Account', '006': 'Opportunity', '003': 'Contact', '00Q': 'Lead' };
    for (const t of r.records) {
      assert.equal(t.What.attributes.type, types[t.WhatId.slice(0, 3)]);
      assert.equal(t.Who.attributes.type, types[t.WhoId.slice(0, 3)]);
      assert.equal(typeof t.What.Name, 'string');
      assert.equal(typeof t.Who.Name, 'string');
    }
  });

  test('jsforce query builder: find() with $like, sort and limit; count()', async () => {
    const all = await conn.query('SELECT Id, Name FROM Account ORDER BY Name').run({ autoFetch: true, maxFetch: 100000 });
    const letter = all.records[0].Name[0];
    const want = all.records.filter((a) => a.Name[0].toLowerCase() === letter.toLowerCase());
    const got = await conn.sobject('Account').find({ Name: { $like: `${letter}%` } }, ['Id', 'Name']).sort({ Name: 1 }).limit(500);
    assert.deepEqual(got.map((a) => a.Id).sort(), want.map((a) => a.Id).sort());
    assert.equal(await conn.sobject('Account').count(), all.totalSize);
    assert.equal(await conn.sobject('Account').count({ Name: { $like: `${letter}%` } }), want.length);
  });
});

describe('search', () => {
  test('SOSL FIND finds every account whose name contains the term', async () => {
    const like = await conn.query("SELECT Id FROM Account WHERE Name LIKE '%Acme%'");
    assert.ok(like.totalSize > 0, 'the demo has Acme accounts');
    const res = await conn.search('FIND {Acme} IN NAME FIELDS RETURNING Account(Id, Name)');
    for (const r of res.searchRecords) {
      assert.equal(r.attributes.type, 'Account');
      assert.match(r.Name, /acme/i);
    }
    const found = new Set(res.searchRecords.map((r) => r.Id));
    for (const a of like.records) assert.ok(found.has(a.Id), `search finds ${a.Id}`);
  });

  test('SOSL without braces → MALFORMED_SEARCH', async () => {
    await rejects(() => conn.search('FIND Acme RETURNING Account'), 'MALFORMED_SEARCH');
  });
});

describe('aggregates', () => {
  test('GROUP BY with unaliased COUNT(Id) → expr0, summing to COUNT()', async () => {
    const total = await count('SELECT COUNT() FROM Opportunity');
    const res = await conn.query('SELECT StageName, COUNT(Id) FROM Opportunity GROUP BY StageName');
    assert.ok(res.records.length >= 2, 'opportunities in several stages');
    let sum = 0;
    for (const row of res.records) {
      assert.equal(row.attributes.type, 'AggregateResult');
      assert.equal(row.attributes.url, undefined, 'aggregate rows have no url');
      assert.deepEqual(Object.keys(row), ['attributes', 'StageName', 'expr0']);
      assert.equal(typeof row.expr0, 'number');
      assert.equal(row.expr0, await count(`SELECT COUNT() FROM Opportunity WHERE StageName = ${q(row.StageName)}`));
      sum += row.expr0;
    }
    assert.equal(sum, total);
    assert.equal(res.totalSize, res.records.length);
  });

  test('aliases replace exprN; SUM/MAX/MIN agree with the records', async () => {
    const res = await conn.query(
      'SELECT StageName stage, COUNT(Id) n, SUM(Amount) total, MAX(Amount), MIN(Amount) FROM Opportunity GROUP BY StageName ORDER BY StageName',
    );
    assert.ok(res.records.length >= 2);
    const rows = await conn.query('SELECT StageName, Amount FROM Opportunity').run({ autoFetch: true, maxFetch: 100000 });
    for (const row of res.records) {
      assert.deepEqual(Object.keys(row), ['attributes', 'stage', 'n', 'total', 'expr0', 'expr1']);
      const amounts = rows.records.filter((r) => r.StageName === row.stage && r.Amount !== null).map((r) => r.Amount);
      assert.equal(row.n, rows.records.filter((r) => r.StageName === row.stage).length);
      const sum = amounts.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(row.total - sum) < 0.01, `SUM(Amount) for ${row.stage}: ${row.total} vs ${sum}`);
      if (amounts.length) {
        assert.equal(row.expr0, Math.max(...amounts));
        assert.equal(row.expr1, Math.min(...amounts));
      }
    }
  });

  test('COUNT() with WHERE and a date literal', async () => {
    const all = await count('SELECT COUNT() FROM Opportunity');
    const open = await count('SELECT COUNT() FROM Opportunity WHERE IsClosed = false');
    const closed = await count('SELECT COUNT() FROM Opportunity WHERE IsClosed = true');
    assert.equal(open + closed, all);
    assert.ok(open > 0 && closed > 0);
    const past = await count('SELECT COUNT() FROM Task WHERE ActivityDate < TODAY');
    const today = await count('SELECT COUNT() FROM Task WHERE ActivityDate = TODAY');
    const future = await count('SELECT COUNT() FROM Task WHERE ActivityDate > TODAY');
    const none = await count('SELECT COUNT() FROM Task WHERE ActivityDate = null');
    assert.equal(past + today + future + none, await count('SELECT COUNT() FROM Task'));
    assert.ok(past > 0 && future > 0, 'tasks in the past and in the future');
  });
});

describe('SOQL semantics, checked against the records themselves', () => {
  let opps; // every Opportunity with the fields below

  before(async () => {
    const r = await conn
      .query('SELECT Id, Name, AccountId, Amount, StageName, CloseDate, IsClosed, NextStep FROM Opportunity')
      .run({ autoFetch: true, maxFetch: 100000 });
    opps = r.records;
    assert.equal(opps.length, r.totalSize);
  });

  const ids = (records) => records.map((r) => r.Id);
  const all = async (soql) => (await conn.query(soql).run({ autoFetch: true, maxFetch: 100000 })).records;

  test('ORDER BY Amount DESC, Id', async () => {
    const got = await all('SELECT Id, Amount FROM Opportunity ORDER BY Amount DESC, Id');
    const want = [...opps].sort((x, y) => (y.Amount ?? -Infinity) - (x.Amount ?? -Infinity) || (x.Id < y.Id ? -1 : 1));
    assert.deepEqual(ids(got), ids(want));
  });

  // NextStep is null on part of the demo's opportunities.
  const byNextStep = (dir, nullsLast) => (x, y) => {
    const a = x.NextStep;
    const b = y.NextStep;
    if (a === null || b === null) {
      if (a === b) return x.Id < y.Id ? -1 : 1;
      return (a === null) === nullsLast ? 1 : -1;
    }
    return dir * byLower(a, b) || (x.Id < y.Id ? -1 : 1);
  };

  test('ORDER BY NextStep DESC NULLS LAST, Id (case-insensitive text)', async () => {
    assert.ok(opps.some((o) => o.NextStep === null) && opps.some((o) => o.NextStep !== null), 'NextStep is sometimes null');
    const got = await all('SELECT Id, NextStep FROM Opportunity ORDER BY NextStep DESC NULLS LAST, Id');
    assert.deepEqual(ids(got), ids([...opps].sort(byNextStep(-1, true))));
  });

  test('ORDER BY NextStep, Id puts nulls first by default', async () => {
    const got = await all('SELECT Id, NextStep FROM Opportunity ORDER BY NextStep, Id');
    assert.deepEqual(ids(got), ids([...opps].sort(byNextStep(1, false))));
  });

  test('LIKE is case-insensitive; IN and NOT IN partition', async () => {
    const letter = opps[0].Name[0];
    const lower = await conn.query(`SELECT COUNT() FROM Opportunity WHERE Name LIKE ${q(letter.toLowerCase() + '%')}`);
    const upper = await conn.query(`SELECT COUNT() FROM Opportunity WHERE Name LIKE ${q(letter.toUpperCase() + '%')}`);
    const want = opps.filter((o) => o.Name[0].toLowerCase() === letter.toLowerCase()).length;
    assert.equal(lower.totalSize, want);
    assert.equal(upper.totalSize, want);
    const stages = [...new Set(opps.map((o) => o.StageName))].slice(0, 2);
    const inList = stages.map(q).join(',');
    const a = (await conn.query(`SELECT COUNT() FROM Opportunity WHERE StageName IN (${inList})`)).totalSize;
    const b = (await conn.query(`SELECT COUNT() FROM Opportunity WHERE StageName NOT IN (${inList})`)).totalSize;
    assert.equal(a, opps.filter((o) => stages.includes(o.StageName)).length);
    assert.equal(a + b, opps.length);
  });

  test('semi-join: accounts with opportunities', async () => {
    const got = await all('SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Opportunity) ORDER BY Id');
    const want = [...new Set(opps.map((o) => o.AccountId).filter(Boolean))].sort();
    assert.deepEqual(ids(got), want);
  });

  test('GROUP BY … HAVING COUNT(Id) > 2 and COUNT_DISTINCT', async () => {
    const r = await conn.query('SELECT AccountId, COUNT(Id) n FROM Opportunity WHERE AccountId != null GROUP BY AccountId HAVING COUNT(Id) > 2');
    const per = new Map();
    for (const o of opps) if (o.AccountId) per.set(o.AccountId, (per.get(o.AccountId) || 0) + 1);
    const want = [...per].filter(([, n]) => n > 2);
    assert.equal(r.records.length, want.length);
    for (const row of r.records) assert.equal(row.n, per.get(row.AccountId));
    const d = await conn.query('SELECT COUNT_DISTINCT(AccountId) FROM Opportunity');
    assert.equal(d.records[0].expr0, per.size);
  });

  test('date literals THIS_QUARTER / NEXT_QUARTER / LAST_N_DAYS:90 in the user\'s time zone', async () => {
    const me = await conn.identity();
    const tz = (await conn.sobject('User').retrieve(me.user_id)).TimeZoneSidKey || 'UTC';
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
    const [y, m] = today.split('-').map(Number);
    const qStart = (yy, qq) => `${yy + Math.floor(qq / 4)}-${String(((qq % 4) * 3) + 1).padStart(2, '0')}-01`;
    const q0 = Math.floor((m - 1) / 3);
    const thisQ = [qStart(y, q0), qStart(y, q0 + 1)];
    const nextQ = [qStart(y, q0 + 1), qStart(y, q0 + 2)];
    const inRange = ([a, b]) => opps.filter((o) => o.CloseDate >= a && o.CloseDate < b).length;
    const c1 = (await conn.query('SELECT COUNT() FROM Opportunity WHERE CloseDate = THIS_QUARTER')).totalSize;
    const c2 = (await conn.query('SELECT COUNT() FROM Opportunity WHERE CloseDate = NEXT_QUARTER')).totalSize;
    assert.equal(c1, inRange(thisQ), `THIS_QUARTER = [${thisQ}) with today ${today} in ${tz}`);
    assert.equal(c2, inRange(nextQ), `NEXT_QUARTER = [${nextQ})`);
    assert.ok(c1 + c2 > 0, 'the demo has opportunities closing this or next quarter');
    const d90 = new Date(`${today}T00:00:00Z`);
    d90.setUTCDate(d90.getUTCDate() - 90);
    const from = d90.toISOString().slice(0, 10);
    const c3 = (await conn.query('SELECT COUNT() FROM Opportunity WHERE CloseDate = LAST_N_DAYS:90')).totalSize;
    assert.equal(c3, opps.filter((o) => o.CloseDate >= from && o.CloseDate <= today).length, `LAST_N_DAYS:90 = [${from}, ${today}]`);
  });

  test('RecordType rows match describe recordTypeInfos', async () => {
    const d = await conn.sobject('Opportunity').describe();
    const rt = await conn.query("SELECT Id, Name, DeveloperName, SobjectType, IsActive FROM RecordType WHERE SobjectType = 'Opportunity' ORDER BY Name");
    const infos = d.recordTypeInfos.filter((r) => !r.master);
    assert.deepEqual(rt.records.map((r) => r.Id).sort(), infos.map((r) => r.recordTypeId).sort());
    for (const r of rt.records) {
      const info = infos.find((i) => i.recordTypeId === r.Id);
      assert.equal(info.developerName, r.DeveloperName);
      assert.equal(info.name, r.Name);
    }
  });
});

describe('describe', () => {
  const ids = (records) => records.map((r) => r.Id);

  test('describeGlobal lists the standard objects with their key prefixes', async () => {
    const g = await conn.describeGlobal();
    assert.equal(g.maxBatchSize, 200);
    assert.equal(typeof g.encoding, 'string');
    const byName = new Map(g.sobjects.map((s) => [s.name, s]));
    const prefixes = { Account: '001', Contact: '003', Opportunity: '006', Lead: '00Q', Task: '00T', User: '005' };
    for (const [name, prefix] of Object.entries(prefixes)) {
      const s = byName.get(name);
      assert.ok(s, `${name} is listed`);
      assert.equal(s.keyPrefix, prefix);
      assert.equal(s.queryable, true);
      assert.equal(s.urls.describe, `/services/data/v${version}/sobjects/${name}/describe`);
    }
  });

  test('Opportunity describe: fields, restricted StageName picklist, record types', async () => {
    const d = await conn.sobject('Opportunity').describe();
    assert.equal(d.name, 'Opportunity');
    assert.equal(d.keyPrefix, '006');
    assert.equal(d.createable, true);
    const f = new Map(d.fields.map((x) => [x.name, x]));
    assert.equal(f.get('Id').type, 'id');
    const cond = await raw(`/services/data/v${version}/sobjects/Opportunity/describe`, {
      headers: { 'If-Modified-Since': new Date(Date.now() + 86400_000).toUTCString() },
    });
    assert.equal(cond.status, 304, 'describe honours If-Modified-Since');
    const stage = f.get('StageName');
    assert.equal(stage.type, 'picklist');
    assert.equal(stage.nillable, false);
    assert.equal(stage.restrictedPicklist, true);
    assert.ok(stage.picklistValues.length >= 4);
    for (const v of stage.picklistValues) {
      assert.equal(typeof v.value, 'string');
      assert.equal(typeof v.label, 'string');
      assert.equal(typeof v.active, 'boolean');
    }
    const values = stage.picklistValues.map((v) => v.value);
    assert.ok(values.includes('Closed Won') && values.includes('Closed Lost'));
    const acc = f.get('AccountId');
    assert.equal(acc.type, 'reference');
    assert.deepEqual(acc.referenceTo, ['Account']);
    assert.equal(acc.relationshipName, 'Account');
    assert.equal(f.get('Amount').type, 'currency');
    assert.equal(f.get('CloseDate').type, 'date');
    const rts = d.recordTypeInfos;
    const master = rts.find((r) => r.master);
    assert.ok(master, 'the master record type is listed');
    assert.equal(master.recordTypeId, '012000000000000AAA');
    const real = rts.filter((r) => !r.master);
    assert.ok(real.length >= 2, 'two record types');
    for (const r of real) assertId(r.recordTypeId, '012');
    assert.equal(rts.filter((r) => r.defaultRecordTypeMapping).length, 1, 'one default record type');
  });

  test('every queryable object: all describe fields are queryable, FIELDS(ALL) and retrieve return exactly them', async () => {
    const g = await conn.describeGlobal();
    const objects = g.sobjects.filter((s) => s.queryable);
    assert.ok(objects.length >= 8);
    for (const s of objects) {
      const d = await conn.sobject(s.name).describe();
      assert.equal(d.name, s.name);
      const names = d.fields.map((f) => f.name);
      assert.equal(new Set(names).size, names.length, `${s.name}: field names are unique`);
      const r = await conn.query(`SELECT ${names.join(', ')} FROM ${s.name} ORDER BY Id LIMIT 3`);
      const viaFields = await conn.query(`SELECT FIELDS(ALL) FROM ${s.name} ORDER BY Id LIMIT 3`);
      assert.deepEqual(ids(viaFields.records), ids(r.records), `${s.name}: FIELDS(ALL) selects the same rows`);
      for (const rec of r.records) {
        assert.deepEqual(Object.keys(rec), ['attributes', ...names], `${s.name}: columns in describe order`);
      }
      for (const rec of viaFields.records) {
        assert.deepEqual(Object.keys(rec).filter((k) => k !== 'attributes').sort(), [...names].sort(), `${s.name}: FIELDS(ALL)`);
      }
      if (r.records.length) {
        const one = await conn.sobject(s.name).retrieve(r.records[0].Id);
        for (const n of names) assert.ok(n in one, `${s.name} retrieve has ${n}`);
        assert.equal(one.attributes.type, s.name);
      }
    }
  });

  test('Account describe: child relationships Contacts and Opportunities', async () => {
    const d = await conn.sobject('Account').describe();
    const rel = new Map(d.childRelationships.filter((c) => c.relationshipName).map((c) => [c.relationshipName, c]));
    assert.equal(rel.get('Contacts').childSObject, 'Contact');
    assert.equal(rel.get('Contacts').field, 'AccountId');
    assert.equal(rel.get('Opportunities').childSObject, 'Opportunity');
    assert.equal(rel.get('Opportunities').field, 'AccountId');
    const name = d.fields.find((x) => x.name === 'Name');
    assert.equal(name.nameField, true);
  });
});

describe('UI API picklists', () => {
  test('StageName values per record type: different sets, OpportunityStage attributes', async () => {
    const d = await conn.sobject('Opportunity').describe();
    const describeValues = new Set(d.fields.find((x) => x.name === 'StageName').picklistValues.map((v) => v.value));
    const stages = await conn.query('SELECT ApiName, MasterLabel, IsClosed, IsWon, DefaultProbability FROM OpportunityStage');
    const stageByName = new Map(stages.records.map((s) => [s.ApiName, s]));
    assert.ok(stageByName.size >= 4, 'OpportunityStage is queryable');
    const sets = [];
    for (const rt of d.recordTypeInfos.filter((r) => !r.master)) {
      const res = await conn.request(
        `/services/data/v${version}/ui-api/object-info/Opportunity/picklist-values/${rt.recordTypeId}`,
      );
      assert.equal(typeof res.eTag, 'string');
      const sn = res.picklistFieldValues.StageName;
      assert.ok(sn, `picklistFieldValues.StageName for ${rt.name}`);
      assert.ok(sn.values.length >= 2);
      for (const v of sn.values) {
        assert.ok(describeValues.has(v.value), `${v.value} is a StageName value in describe`);
        const st = stageByName.get(v.value);
        assert.ok(st, `${v.value} is an OpportunityStage`);
        assert.equal(v.attributes.closed, st.IsClosed);
        assert.equal(v.attributes.won, st.IsWon);
        assert.equal(v.attributes.defaultProbability, st.DefaultProbability);
        assert.equal(v.attributes.picklistAtrributesValueType, 'OpportunityStage');
        assert.deepEqual(v.validFor, []);
      }
      sets.push(sn.values.map((v) => v.value).sort().join('|'));
      const single = await conn.request(
        `/services/data/v${version}/ui-api/object-info/Opportunity/picklist-values/${rt.recordTypeId}/StageName`,
      );
      assert.deepEqual(single.values.map((v) => v.value), sn.values.map((v) => v.value));
    }
    assert.ok(sets.length >= 2);
    assert.notEqual(sets[0], sets[1], 'the two record types have different stage picklists');
  });

  test('unknown record type id → NOT_FOUND', async () => {
    await rejects(
      () => conn.request(`/services/data/v${version}/ui-api/object-info/Opportunity/picklist-values/${to18('012ZZZZZZZZZZZZ')}`),
      'NOT_FOUND',
    );
  });
});

describe('create, update, delete', () => {
  test('an Account through its whole life: create, retrieve, update, subquery, delete, queryAll', async () => {
    const started = new Date(Date.now() - 60_000);
    const res = await conn.sobject('Account').create({ Name: `${tag} Acme`, Phone: '555-0100' });
    assert.equal(res.success, true);
    assert.deepEqual(res.errors, []);
    assertId(res.id, '001');
    cleanup.push(['Account', res.id]);
    const got = await conn.sobject('Account').retrieve(res.id);
    assert.equal(got.Id, res.id);
    assert.equal(got.Name, `${tag} Acme`);
    assert.equal(got.Phone, '555-0100');
    assert.equal(got.attributes.type, 'Account');
    assert.match(got.CreatedDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000\+0000$/, 'whole seconds, like a real org');
    assert.equal(got.LastModifiedDate, got.CreatedDate);
    assertId(got.OwnerId, '005');
    const me = await conn.identity();
    assert.equal(got.OwnerId, me.user_id, 'new records are owned by the caller');

    const upd = await conn.sobject('Account').update({ Id: res.id, Phone: '555-0199', Name: `${tag} Acme Two` });
    assert.equal(upd.success, true);
    assert.equal(upd.id, res.id);
    const again = await conn.sobject('Account').retrieve(res.id, { fields: ['Name', 'Phone'] });
    assert.equal(again.Name, `${tag} Acme Two`);
    assert.equal(again.Phone, '555-0199');
    assert.ok(new Date(again.LastModifiedDate ?? (await conn.sobject('Account').retrieve(res.id)).LastModifiedDate) >= started);

    const sub = await conn.query(`SELECT Id, (SELECT Id FROM Contacts) FROM Account WHERE Id = ${q(res.id)}`);
    assert.equal(sub.records[0].Contacts, null, 'no children → null');

    // updated/deleted windows are truncated to the minute and end at latestDateCovered: a change in
    // the current minute shows up in a later poll, never in a window that claims to cover it and leaves it out.
    const stamp = (await conn.sobject('Account').retrieve(res.id)).SystemModstamp;
    const upds = await conn.sobject('Account').updated(started, new Date(Date.now() + 60_000));
    assert.match(upds.latestDateCovered, /^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000\+0000$/);
    assert.equal(upds.ids.includes(res.id), stamp <= upds.latestDateCovered, `updated: stamp ${stamp}, covered ${upds.latestDateCovered}`);

    const del = await conn.sobject('Account').destroy(res.id);
    assert.equal(del.success, true);
    await rejects(() => conn.sobject('Account').retrieve(res.id), 'NOT_FOUND');
    assert.equal(await count(`SELECT COUNT() FROM Account WHERE Id = ${q(res.id)}`), 0);
    const all = await conn.query(`SELECT Id, IsDeleted FROM Account WHERE Id = ${q(res.id)}`, { scanAll: true });
    assert.equal(all.totalSize, 1, 'queryAll sees the deleted account');
    assert.equal(all.records[0].IsDeleted, true);
    await rejects(() => conn.sobject('Account').destroy(res.id), 'ENTITY_IS_DELETED');
    const dels = await conn.sobject('Account').deleted(started, new Date(Date.now() + 60_000));
    const gone = all.records[0];
    const delStamp = (await conn.query(`SELECT SystemModstamp FROM Account WHERE Id = ${q(res.id)}`, { scanAll: true })).records[0].SystemModstamp;
    assert.equal(
      dels.deletedRecords.some((r) => r.id === gone.Id),
      delStamp <= dels.latestDateCovered,
      `deleted: stamp ${delStamp}, covered ${dels.latestDateCovered}`,
    );
  });

  test('sobjects/Task/updated over a past window equals a SOQL query on SystemModstamp', async () => {
    const minute = (d) => new Date(Math.floor(d.getTime() / 60_000) * 60_000);
    const start = minute(new Date(Date.now() - 20 * 86400_000));
    const end = minute(new Date(Date.now() - 10 * 86400_000));
    const res = await conn.sobject('Task').updated(start, end);
    const iso = (d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const soql = await conn
      .query(`SELECT Id, SystemModstamp FROM Task WHERE SystemModstamp >= ${iso(start)} AND SystemModstamp <= ${iso(end)}`)
      .run({ autoFetch: true, maxFetch: 100000 });
    const edge = (r) => [iso(start), iso(end)].includes(r.SystemModstamp.replace('.000+0000', 'Z'));
    const want = soql.records.filter((r) => !edge(r)).map((r) => r.Id).sort();
    const got = res.ids.filter((id) => !soql.records.some((r) => r.Id === id && edge(r))).sort();
    assert.ok(want.length > 0, 'tasks changed 10-20 days ago');
    assert.deepEqual(got, want);
  });

  test('updated/deleted refuse a start more than 30 days back: INVALID_REPLICATION_DATE', async () => {
    const old = new Date(Date.now() - 40 * 86400_000);
    await rejects(() => conn.sobject('Account').updated(old, new Date()), 'INVALID_REPLICATION_DATE');
    await rejects(() => conn.sobject('Account').deleted(old, new Date()), 'INVALID_REPLICATION_DATE');
    await rejects(() => conn.sobject('Account').updated(new Date(), new Date(Date.now() - 86400_000)), 'INVALID_REPLICATION_DATE');
  });

  test('a Contact with no account has Account: null in a parent query', async () => {
    const res = await conn.sobject('Contact').create({ LastName: `${tag} Solo` });
    assertId(res.id, '003');
    cleanup.push(['Contact', res.id]);
    const r = await conn.query(`SELECT Id, LastName, Account.Name FROM Contact WHERE Id = ${q(res.id)}`);
    assert.equal(r.records[0].LastName, `${tag} Solo`);
    assert.equal(r.records[0].Account, null);
  });

  test('If-Unmodified-Since in the past → 412 on PATCH, record unchanged', async () => {
    const res = await conn.sobject('Account').create({ Name: `${tag} Guarded` });
    cleanup.push(['Account', res.id]);
    const r = await raw(`/services/data/v${version}/sobjects/Account/${res.id}`, {
      method: 'PATCH',
      headers: { 'If-Unmodified-Since': new Date(Date.UTC(2001, 0, 1)).toUTCString() },
      body: { Name: `${tag} Overwritten` },
    });
    assert.equal(r.status, 412);
    assert.equal((await conn.sobject('Account').retrieve(res.id)).Name, `${tag} Guarded`);
    const ok = await raw(`/services/data/v${version}/sobjects/Account/${res.id}`, {
      method: 'PATCH',
      headers: { 'If-Unmodified-Since': new Date(Date.now() + 3600_000).toUTCString() },
      body: { Name: `${tag} Updated` },
    });
    assert.equal(ok.status, 204);
    assert.equal((await conn.sobject('Account').retrieve(res.id)).Name, `${tag} Updated`);
  });

  test('conditional requests on Account: ETag/If-None-Match, If-Match, If-Modified-Since', async () => {
    const res = await conn.sobject('Account').create({ Name: `${tag} Conditional` });
    cleanup.push(['Account', res.id]);
    const path = `/services/data/v${version}/sobjects/Account/${res.id}`;
    const g = await raw(path);
    const etag = g.headers.get('etag');
    assert.ok(etag, 'Account GET carries an ETag');
    const lm = g.headers.get('last-modified');
    assert.equal(new Date(lm).getTime(), new Date(g.json.LastModifiedDate.replace('+0000', 'Z')).getTime(), 'Last-Modified is LastModifiedDate');
    assert.equal((await raw(path, { headers: { 'If-None-Match': etag } })).status, 304);
    assert.equal((await raw(path, { headers: { 'If-Modified-Since': lm } })).status, 304);
    assert.equal((await raw(path, { headers: { 'If-Modified-Since': new Date(Date.UTC(2001, 0, 1)).toUTCString() } })).status, 200);
    const bad = await raw(path, { method: 'PATCH', headers: { 'If-Match': '"not-the-etag"' }, body: { Phone: '1' } });
    assert.equal(bad.status, 412);
    const good = await raw(path, { method: 'PATCH', headers: { 'If-Match': etag }, body: { Phone: '2' } });
    assert.equal(good.status, 204);
    const after = await raw(path);
    assert.equal(after.json.Phone, '2');
    assert.notEqual(after.headers.get('etag'), etag, 'the ETag changes with the record');
    assert.equal((await raw(path, { headers: { 'If-None-Match': etag } })).status, 200);
  });

  test('composite allOrNone failure: PROCESSING_HALTED for the others, nothing saved', async () => {
    const name = `${tag} Halted`;
    const res = await conn.requestPost(`/services/data/v${version}/composite`, {
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: `/services/data/v${version}/sobjects/Account`, referenceId: 'ok', body: { Name: name } },
        { method: 'POST', url: `/services/data/v${version}/sobjects/Contact`, referenceId: 'bad', body: { FirstName: 'NoLast' } },
      ],
    });
    const [ok, bad] = res.compositeResponse;
    assert.equal(bad.httpStatusCode, 400);
    assert.equal(bad.body[0].errorCode, 'REQUIRED_FIELD_MISSING');
    assert.equal(ok.httpStatusCode, 400);
    assert.equal(ok.body[0].errorCode, 'PROCESSING_HALTED');
    assert.equal(await count(`SELECT COUNT() FROM Account WHERE Name = ${q(name)}`), 0, 'rolled back');
  });

  test('composite: a query result feeds a later subrequest (@{ref.records[0].Id})', async () => {
    const first = (await conn.query('SELECT Id, Name FROM Account ORDER BY Id LIMIT 1')).records[0];
    const res = await conn.requestPost(`/services/data/v${version}/composite`, {
      compositeRequest: [
        { method: 'GET', url: `/services/data/v${version}/query?q=${encodeURIComponent('SELECT Id FROM Account ORDER BY Id LIMIT 1')}`, referenceId: 'q' },
        { method: 'GET', url: `/services/data/v${version}/sobjects/Account/@{q.records[0].Id}?fields=Name`, referenceId: 'acc' },
      ],
    });
    assert.equal(res.compositeResponse[1].httpStatusCode, 200);
    assert.equal(res.compositeResponse[1].body.Name, first.Name);
  });

  test('read-only field on update → INVALID_FIELD_FOR_INSERT_UPDATE', async () => {
    const acc = (await conn.query('SELECT Id FROM Account ORDER BY Id LIMIT 1')).records[0];
    const err = await rejects(
      () => conn.sobject('Account').update({ Id: acc.Id, CreatedDate: '2001-01-01T00:00:00.000+0000' }),
      'INVALID_FIELD_FOR_INSERT_UPDATE',
    );
    assert.match(err.message, /Unable to create\/update fields: CreatedDate/);
    assert.deepEqual(err.data.fields, ['CreatedDate']);
  });

  test('composite: create an account and a contact referencing it, then read it back', async () => {
    const res = await conn.requestPost(`/services/data/v${version}/composite`, {
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: `/services/data/v${version}/sobjects/Account`, referenceId: 'acc', body: { Name: `${tag} Composite` } },
        { method: 'POST', url: `/services/data/v${version}/sobjects/Contact`, referenceId: 'con', body: { LastName: `${tag} Composite`, AccountId: '@{acc.id}' } },
        { method: 'GET', url: `/services/data/v${version}/sobjects/Account/@{acc.id}`, referenceId: 'get' },
      ],
    });
    const [acc, con, get] = res.compositeResponse;
    assert.equal(acc.httpStatusCode, 201);
    assert.equal(acc.referenceId, 'acc');
    assertId(acc.body.id, '001');
    cleanup.push(['Account', acc.body.id]);
    assert.equal(con.httpStatusCode, 201);
    assertId(con.body.id, '003');
    cleanup.push(['Contact', con.body.id]);
    assert.equal(get.httpStatusCode, 200);
    assert.equal(get.body.Name, `${tag} Composite`);
    const c = await conn.sobject('Contact').retrieve(con.body.id);
    assert.equal(c.AccountId, acc.body.id);
  });
});

describe('sobject collections', () => {
  test('create, retrieve, update and delete arrays of contacts', async () => {
    const before = await count('SELECT COUNT() FROM Contact');
    const created = await conn.sobject('Contact').create([
      { LastName: `${tag} C1`, Email: 'c1@example.com' },
      { LastName: `${tag} C2`, Email: 'c2@example.com' },
      { LastName: `${tag} C3`, Email: 'c3@example.com' },
    ]);
    assert.equal(created.length, 3);
    for (const r of created) {
      assert.equal(r.success, true);
      assert.deepEqual(r.errors, []);
      assertId(r.id, '003');
      cleanup.push(['Contact', r.id]);
    }
    const ids = created.map((r) => r.id);
    assert.equal(await count('SELECT COUNT() FROM Contact'), before + 3);

    const got = await conn.sobject('Contact').retrieve(ids, { fields: ['LastName', 'Email'] });
    assert.deepEqual(got.map((r) => r.LastName), [`${tag} C1`, `${tag} C2`, `${tag} C3`]);

    const updated = await conn.sobject('Contact').update(ids.map((id, i) => ({ Id: id, Title: `Title ${i}` })));
    assert.deepEqual(updated.map((r) => [r.id, r.success]), ids.map((id) => [id, true]));
    const titles = await conn.query(`SELECT Id, Title FROM Contact WHERE Id IN (${ids.map(q).join(',')}) ORDER BY Title`);
    assert.deepEqual(titles.records.map((r) => r.Title), ['Title 0', 'Title 1', 'Title 2']);

    const deleted = await conn.sobject('Contact').destroy(ids);
    assert.deepEqual(deleted.map((r) => [r.id, r.success]), ids.map((id) => [id, true]));
    assert.equal(await count('SELECT COUNT() FROM Contact'), before);
  });

  test('partial success: a contact without LastName fails with REQUIRED_FIELD_MISSING, the others are saved', async () => {
    const res = await conn.sobject('Contact').create([{ LastName: `${tag} Good` }, { FirstName: 'NoLast' }], { allOrNone: false });
    assert.equal(res.length, 2);
    assert.equal(res[0].success, true);
    cleanup.push(['Contact', res[0].id]);
    assert.equal(res[1].success, false);
    assert.equal(res[1].id, undefined);
    assert.equal(res[1].errors.length, 1);
    assert.equal(res[1].errors[0].statusCode, 'REQUIRED_FIELD_MISSING');
    assert.deepEqual(res[1].errors[0].fields, ['LastName']);
    assert.match(res[1].errors[0].message, /Required fields are missing: \[LastName\]/);
  });

  test('collection delete: a missing id fails alone unless allOrNone', async () => {
    const c = await conn.sobject('Contact').create({ LastName: `${tag} ToDelete` });
    const missing = to18('003ZZZZZZZZZZZZ');
    const res = await conn.sobject('Contact').destroy([c.id, missing]);
    assert.equal(res[0].success, true);
    assert.equal(res[0].id, c.id);
    assert.equal(res[1].success, false);
    assert.ok(['ENTITY_IS_DELETED', 'INVALID_CROSS_REFERENCE_KEY', 'NOT_FOUND'].includes(res[1].errors[0].statusCode), res[1].errors[0].statusCode);
    const c2 = await conn.sobject('Contact').create({ LastName: `${tag} Kept` });
    cleanup.push(['Contact', c2.id]);
    const res2 = await conn.sobject('Contact').destroy([c2.id, missing], { allOrNone: true });
    assert.ok(res2.every((r) => r.success === false));
    assert.equal((await conn.sobject('Contact').retrieve(c2.id)).Id, c2.id, 'kept: allOrNone rolled the delete back');
  });

  test('allOrNone: one failure rolls back the whole batch', async () => {
    const before = await count('SELECT COUNT() FROM Contact');
    const res = await conn.sobject('Contact').create([{ LastName: `${tag} Rolled` }, { FirstName: 'NoLast' }], { allOrNone: true });
    assert.equal(res.length, 2);
    assert.ok(res.every((r) => r.success === false), 'nothing saved');
    assert.equal(res[1].errors[0].statusCode, 'REQUIRED_FIELD_MISSING');
    assert.equal(res[0].errors[0].statusCode, 'ALL_OR_NONE_OPERATION_ROLLED_BACK');
    assert.equal(await count('SELECT COUNT() FROM Contact'), before);
  });
});

describe('errors', () => {
  test('malformed query → MALFORMED_QUERY', async () => {
    const err = await rejects(() => conn.query('SELEKT Id FROM Account'), 'MALFORMED_QUERY');
    assert.match(err.message, /unexpected token/i);
  });

  test('unknown field → INVALID_FIELD with the real message', async () => {
    const err = await rejects(() => conn.query('SELECT Bacon__c FROM Account LIMIT 2'), 'INVALID_FIELD');
    assert.match(err.message, /No such column 'Bacon__c' on entity 'Account'/);
    assert.match(err.message, /ERROR at Row:1:Column:8/);
  });

  test('unknown object in FROM → INVALID_TYPE', async () => {
    const err = await rejects(() => conn.query('SELECT Id FROM Bogus__c'), 'INVALID_TYPE');
    assert.match(err.message, /sObject type 'Bogus__c' is not supported/);
  });

  test('unknown field on create → INVALID_FIELD', async () => {
    const err = await rejects(() => conn.sobject('Account').create({ Name: `${tag} X`, FavoritePet__c: 'cat' }), 'INVALID_FIELD');
    assert.match(err.message, /No such column 'FavoritePet__c' on sobject of type Account/);
  });

  test('restricted picklist: bad StageName → INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', async () => {
    const opp = (await conn.query('SELECT Id, StageName FROM Opportunity WHERE IsClosed = false LIMIT 1')).records[0];
    const err = await rejects(
      () => conn.sobject('Opportunity').update({ Id: opp.Id, StageName: 'Teleported' }),
      'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
    );
    const label = (await conn.sobject('Opportunity').describe()).fields.find((f) => f.name === 'StageName').label;
    assert.equal(err.message, `${label}: bad value for restricted picklist field: Teleported`);
    assert.deepEqual(err.data.fields, ['StageName']);
    const after = await conn.sobject('Opportunity').retrieve(opp.Id);
    assert.equal(after.StageName, opp.StageName, 'unchanged');
  });

  test('validation rule: Closed Lost without a loss reason → FIELD_CUSTOM_VALIDATION_EXCEPTION', async () => {
    const d = await conn.sobject('Opportunity').describe();
    const reason = d.fields.find((f) => /loss.?reason/i.test(f.name));
    assert.ok(reason, 'Opportunity has a loss-reason field');
    const rt = d.recordTypeInfos.find((r) => r.defaultRecordTypeMapping);
    const pv = await conn.request(
      `/services/data/v${version}/ui-api/object-info/Opportunity/picklist-values/${rt.recordTypeId}/StageName`,
    );
    const open = pv.values.find((v) => !v.attributes.closed);
    assert.ok(pv.values.some((v) => v.value === 'Closed Lost'), `Closed Lost is a stage of ${rt.name}`);
    const res = await conn.sobject('Opportunity').create({
      Name: `${tag} Opp`,
      StageName: open.value,
      CloseDate: new Date().toISOString().slice(0, 10),
    });
    assert.equal(res.success, true);
    cleanup.push(['Opportunity', res.id]);
    await rejects(() => conn.sobject('Opportunity').update({ Id: res.id, StageName: 'Closed Lost' }), 'FIELD_CUSTOM_VALIDATION_EXCEPTION');
    const value = reason.type === 'picklist' ? reason.picklistValues[0].value : 'Price';
    const ok = await conn.sobject('Opportunity').update({ Id: res.id, StageName: 'Closed Lost', [reason.name]: value });
    assert.equal(ok.success, true);
    const got = await conn.sobject('Opportunity').retrieve(res.id);
    assert.equal(got.StageName, 'Closed Lost');
    assert.equal(got.IsClosed, true);
    assert.equal(got.IsWon, false);
  });

  test('record that does not exist → NOT_FOUND; unknown object → NOT_FOUND', async () => {
    const missing = to18('001ZZZZZZZZZZZZ');
    const err = await rejects(() => conn.sobject('Account').retrieve(missing), 'NOT_FOUND');
    assert.equal(err.message, 'The requested resource does not exist');
    await rejects(() => conn.sobject('Bogus__c').describe(), 'NOT_FOUND');
    const create = await raw(`/services/data/v${version}/sobjects/PlayingCard__c`, { method: 'POST', body: { Name: 'Ace' } });
    assert.equal(create.status, 404);
    assert.equal(create.json[0].errorCode, 'NOT_FOUND');
  });

  test('update with a bad id checksum → MALFORMED_ID, fields [Id]', async () => {
    const acc = (await conn.query('SELECT Id FROM Account ORDER BY Id LIMIT 1')).records[0];
    const bad = acc.Id.slice(0, 15) + (acc.Id.endsWith('AAA') ? 'BBB' : 'AAA');
    const err = await rejects(() => conn.sobject('Account').update({ Id: bad, Phone: '555-0000' }), 'MALFORMED_ID');
    assert.equal(err.message, `Record ID: id value of incorrect type: ${bad}`);
    assert.deepEqual(err.data.fields, ['Id']);
  });

  test('create without a required field → REQUIRED_FIELD_MISSING', async () => {
    const err = await rejects(() => conn.sobject('Contact').create({ FirstName: 'Nolast' }), 'REQUIRED_FIELD_MISSING');
    assert.equal(err.message, 'Required fields are missing: [LastName]');
    assert.deepEqual(err.data.fields, ['LastName']);
  });

  test('update or delete of a deleted record → ENTITY_IS_DELETED', async () => {
    const res = await conn.sobject('Account').create({ Name: `${tag} Doomed` });
    await conn.sobject('Account').destroy(res.id);
    const d = await raw(`/services/data/v${version}/sobjects/Account/${res.id}`, { method: 'DELETE' });
    assert.equal(d.status, 404);
    assert.deepEqual(d.json, [{ message: 'entity is deleted', errorCode: 'ENTITY_IS_DELETED', fields: [] }]);
    await rejects(() => conn.sobject('Account').update({ Id: res.id, Phone: '1' }), 'ENTITY_IS_DELETED');
  });

  test('bad access token → 401 INVALID_SESSION_ID', async () => {
    const bad = new jsforce.Connection({ instanceUrl: INSTANCE_URL, accessToken: '00D000000000000!bogus', version });
    const err = await rejects(() => bad.query('SELECT Id FROM Account LIMIT 1'), 'INVALID_SESSION_ID');
    assert.match(err.message, /Session expired or invalid/);
    const r = await raw(`/services/data/v${version}/limits`, { token: '00D000000000000!bogus' });
    assert.equal(r.status, 401);
    assert.deepEqual(r.json, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
  });
});

describe('limits', () => {
  test('conn.limitInfo.apiUsage counts calls and agrees with /limits', async () => {
    await conn.query('SELECT Id FROM Account LIMIT 1');
    const u1 = conn.limitInfo.apiUsage;
    assert.ok(u1, 'limitInfo.apiUsage is set after a call');
    assert.ok(u1.used > 0 && u1.limit > u1.used, `api-usage=${u1.used}/${u1.limit}`);
    await conn.query('SELECT Id FROM Account LIMIT 1');
    const u2 = conn.limitInfo.apiUsage;
    assert.ok(u2.used >= u1.used + 1, `used grows: ${u1.used} → ${u2.used}`);
    assert.equal(u2.limit, u1.limit);
    const lim = await conn.limits();
    const u3 = conn.limitInfo.apiUsage;
    assert.equal(lim.DailyApiRequests.Max, u1.limit);
    const used = lim.DailyApiRequests.Max - lim.DailyApiRequests.Remaining;
    assert.ok(used >= u2.used && used <= u3.used, `/limits used ${used} within ${u2.used}..${u3.used}`);
  });
});
