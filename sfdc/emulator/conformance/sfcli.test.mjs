// The Salesforce CLI (`sf`, unchanged, pinned in package-lock.json) against the
// lazyforce emulator. Run through .ci/conformance.sh, or with INSTANCE_URL,
// ACCESS_TOKEN (and SF_USERNAME) set: node --test sfcli.test.mjs
// The CLI gets an isolated HOME in a temporary directory, so nothing touches ~/.sf.
// With CONFORMANCE_PROXY_LOG=FILE the CLI talks through a logging proxy and every
// request it makes is written to FILE.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { INSTANCE_URL, ACCESS_TOKEN, USERNAME, raw, latestVersion, to18, assertId, q } from './common.mjs';
import { startProxy } from './proxy.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const SF = path.join(here, 'node_modules', '@salesforce', 'cli', 'bin', 'run.js');
const ALIAS = 'emu';
const tag = `SfConformance ${process.pid} ${Date.now()}`;

let home;
let url = INSTANCE_URL;
let proxy;
let version;

// sf runs the CLI with this same node binary (Node 22) and returns its parsed --json output.
function sf(args, { env = {}, timeout = 120_000, json = true } = {}) {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--no-deprecation', SF, ...args, ...(json ? ['--json'] : [])],
      {
        cwd: home,
        timeout,
        maxBuffer: 64 * 1024 * 1024,
        env: {
          PATH: process.env.PATH,
          HOME: home,
          XDG_CONFIG_HOME: path.join(home, '.config'),
          XDG_DATA_HOME: path.join(home, '.local', 'share'),
          XDG_CACHE_HOME: path.join(home, '.cache'),
          TMPDIR: home,
          SF_DISABLE_TELEMETRY: 'true',
          SF_AUTOUPDATE_DISABLE: 'true',
          SF_DISABLE_DNS_CHECK: 'true',
          SF_SKIP_NEW_VERSION_CHECK: 'true',
          SF_DISABLE_AUTOUPDATE: 'true',
          SF_HIDE_RELEASE_NOTES: 'true',
          SF_HIDE_RELEASE_NOTES_FOOTER: 'true',
          SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
          SF_CONTAINER_MODE: 'true',
          NO_COLOR: '1',
          ...env,
        },
      },
      (error, stdout, stderr) => {
        let json;
        try {
          json = JSON.parse(stdout);
        } catch {
          json = undefined;
        }
        resolve({ code: error ? (error.code ?? 1) : 0, json, stdout, stderr });
      },
    );
  });
}

// ok asserts that an sf call succeeded and returns its result.
function ok(r, what) {
  const detail = () =>
    `${what}: exit ${r.code}, status ${r.json?.status}, ${r.json?.name ?? ''} ${r.json?.message ?? ''}\n` +
    `stdout: ${r.stdout.slice(0, 1500)}\nstderr: ${r.stderr.slice(0, 1500)}`;
  assert.equal(r.code, 0, detail());
  assert.ok(r.json, detail());
  assert.equal(r.json.status, 0, detail());
  return r.json.result;
}

async function restQuery(soql) {
  const r = await raw(`/services/data/v${version}/query?q=${encodeURIComponent(soql)}`);
  assert.equal(r.status, 200, `${soql}: ${r.text.slice(0, 300)}`);
  return r.json;
}

before(async () => {
  version = await latestVersion();
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'lazyforce-sf-home-'));
  if (process.env.CONFORMANCE_PROXY_LOG) {
    proxy = await startProxy(INSTANCE_URL, process.env.CONFORMANCE_PROXY_LOG);
    url = proxy.url;
  }
});

after(() => {
  proxy?.close();
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

describe('Salesforce CLI', { concurrency: 1 }, () => {
  test('sf org login access-token logs in to the emulator', async () => {
    const r = await sf(['org', 'login', 'access-token', '--instance-url', url, '--no-prompt', '--alias', ALIAS], {
      env: { SF_ACCESS_TOKEN: ACCESS_TOKEN },
    });
    const res = ok(r, 'org login access-token');
    if (USERNAME) assert.equal(res.username, USERNAME);
    assertId(res.orgId, '00D');
    assert.equal(res.instanceUrl.replace(/\/+$/, ''), url);
    // The login is stored in the isolated HOME only.
    assert.ok(fs.existsSync(path.join(home, '.sfdx', 'alias.json')) || fs.existsSync(path.join(home, '.sf')), 'state under the temp HOME');
  });

  test('sf org login access-token with a bad token fails cleanly', async () => {
    const r = await sf(['org', 'login', 'access-token', '--instance-url', url, '--no-prompt', '--alias', 'bad'], {
      env: { SF_ACCESS_TOKEN: '00D000000000000!notavalidtoken' },
    });
    assert.notEqual(r.code, 0);
    assert.equal(r.json?.status, 1, r.stdout.slice(0, 500));
    assert.match(r.json.message, /Bad_OAuth_Token|INVALID_SESSION_ID|expired or invalid/i);
  });

  test('sf org display shows the org as connected', async () => {
    const res = ok(await sf(['org', 'display', '--target-org', ALIAS]), 'org display');
    if (USERNAME) assert.equal(res.username, USERNAME);
    assert.equal(res.connectedStatus, 'Connected');
    assert.equal(res.instanceUrl.replace(/\/+$/, ''), url);
    assert.equal(res.alias, ALIAS);
  });

  test('sf data query returns the same records as the REST API', async () => {
    const soql = 'SELECT Id, Name, Owner.Name FROM Account ORDER BY Id LIMIT 7';
    const res = ok(await sf(['data', 'query', '--query', soql, '--target-org', ALIAS]), 'data query');
    const want = await restQuery(soql);
    assert.equal(res.totalSize, want.totalSize);
    assert.equal(res.done, true);
    assert.deepEqual(
      res.records.map((r) => [r.Id, r.Name, r.Owner?.Name]),
      want.records.map((r) => [r.Id, r.Name, r.Owner?.Name]),
    );
    assert.equal(res.records.length, 7);
  });

  test('sf data query pages through a large result to the COUNT() total', async () => {
    const n = (await restQuery('SELECT COUNT() FROM Task')).totalSize;
    assert.ok(n > 0);
    const res = ok(await sf(['data', 'query', '--query', 'SELECT Id, Subject FROM Task', '--target-org', ALIAS]), 'data query (all tasks)');
    assert.equal(res.totalSize, n);
    assert.equal(res.records.length, n);
    assert.equal(new Set(res.records.map((r) => r.Id)).size, n);
  });

  test('sf data query with COUNT() and with GROUP BY', async () => {
    const want = (await restQuery('SELECT COUNT() FROM Contact')).totalSize;
    const c = ok(await sf(['data', 'query', '--query', 'SELECT COUNT() FROM Contact', '--target-org', ALIAS]), 'data query COUNT()');
    assert.equal(c.totalSize, want);
    const soql = 'SELECT StageName, COUNT(Id) n FROM Opportunity GROUP BY StageName ORDER BY StageName';
    const g = ok(await sf(['data', 'query', '--query', soql, '--target-org', ALIAS]), 'data query GROUP BY');
    const rest = await restQuery(soql);
    assert.deepEqual(
      g.records.map((r) => [r.StageName, r.n]),
      rest.records.map((r) => [r.StageName, r.n]),
    );
    assert.ok(g.records.length >= 2);
  });

  test('sf data get record reads an account', async () => {
    const acc = (await restQuery('SELECT Id, Name, OwnerId FROM Account ORDER BY Name LIMIT 1')).records[0];
    const res = ok(
      await sf(['data', 'get', 'record', '--sobject', 'Account', '--record-id', acc.Id, '--target-org', ALIAS]),
      'data get record',
    );
    assert.equal(res.Id, acc.Id);
    assert.equal(res.Name, acc.Name);
    assert.equal(res.OwnerId, acc.OwnerId);
    assert.equal(res.attributes.type, 'Account');
  });

  test('sf data create / update / get / delete record', async () => {
    const created = ok(
      await sf(['data', 'create', 'record', '--sobject', 'Account', '--values', `Name='${tag}' Phone='555-0100'`, '--target-org', ALIAS]),
      'data create record',
    );
    assertId(created.id, '001');
    assert.equal(created.success, true);
    const id = created.id;
    try {
      ok(
        await sf(['data', 'update', 'record', '--sobject', 'Account', '--record-id', id, '--values', "Phone='555-0199'", '--target-org', ALIAS]),
        'data update record',
      );
      const rest = await restQuery(`SELECT Name, Phone FROM Account WHERE Id = ${q(id)}`);
      assert.equal(rest.records[0].Name, tag);
      assert.equal(rest.records[0].Phone, '555-0199');
      const got = ok(
        await sf(['data', 'get', 'record', '--sobject', 'Account', '--where', `Name='${tag}'`, '--target-org', ALIAS]),
        'data get record --where',
      );
      assert.equal(got.Id, id);
      ok(await sf(['data', 'delete', 'record', '--sobject', 'Account', '--record-id', id, '--target-org', ALIAS]), 'data delete record');
      assert.equal((await restQuery(`SELECT COUNT() FROM Account WHERE Id = ${q(id)}`)).totalSize, 0);
    } finally {
      await raw(`/services/data/v${version}/sobjects/Account/${id}`, { method: 'DELETE' });
    }
  });

  test('sf data get record of a missing record fails with NOT_FOUND', async () => {
    const r = await sf(['data', 'get', 'record', '--sobject', 'Account', '--record-id', to18('001ZZZZZZZZZZZZ'), '--target-org', ALIAS]);
    assert.notEqual(r.code, 0);
    assert.equal(r.json?.status, 1);
    assert.match(r.stdout, /NOT_FOUND|does not exist/);
  });

  test('sf data query with a child subquery', async () => {
    const acc = (await restQuery('SELECT AccountId FROM Contact WHERE AccountId != null ORDER BY AccountId LIMIT 1')).records[0].AccountId;
    const soql = `SELECT Id, Name, (SELECT Id, LastName FROM Contacts ORDER BY LastName) FROM Account WHERE Id = ${q(acc)}`;
    const res = ok(await sf(['data', 'query', '--query', soql, '--target-org', ALIAS]), 'data query with subquery');
    const rest = await restQuery(soql);
    assert.equal(res.totalSize, 1);
    assert.ok(res.records[0].Contacts.totalSize >= 1);
    assert.deepEqual(
      res.records[0].Contacts.records.map((c) => c.LastName),
      rest.records[0].Contacts.records.map((c) => c.LastName),
    );
  });

  test('sf data query --result-format csv prints the columns from &columns=true', async () => {
    const soql = 'SELECT Id, Name, Owner.Name FROM Account ORDER BY Id LIMIT 4';
    const r = await sf(['data', 'query', '--query', soql, '--target-org', ALIAS, '--result-format', 'csv'], { json: false });
    assert.equal(r.code, 0, r.stderr.slice(0, 1500));
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], 'Id,Name,Owner.Name');
    assert.equal(lines.length, 5);
    const rest = await restQuery(soql);
    assert.ok(lines[1].startsWith(rest.records[0].Id + ','));
    assert.ok(lines[1].endsWith(rest.records[0].Owner.Name) || lines[1].endsWith(`"${rest.records[0].Owner.Name}"`));
  });

  test('sf data query --all-rows sees a deleted record', async () => {
    const c = await raw(`/services/data/v${version}/sobjects/Account`, { method: 'POST', body: { Name: `${tag} Deleted` } });
    assert.equal(c.status, 201);
    const id = c.json.id;
    assert.equal((await raw(`/services/data/v${version}/sobjects/Account/${id}`, { method: 'DELETE' })).status, 204);
    const soql = `SELECT Id, IsDeleted FROM Account WHERE Id = ${q(id)}`;
    const live = ok(await sf(['data', 'query', '--query', soql, '--target-org', ALIAS]), 'data query (deleted)');
    assert.equal(live.totalSize, 0);
    const all = ok(await sf(['data', 'query', '--query', soql, '--all-rows', '--target-org', ALIAS]), 'data query --all-rows');
    assert.equal(all.totalSize, 1);
    assert.equal(all.records[0].IsDeleted, true);
  });

  test('sf org list limits', async () => {
    const res = ok(await sf(['org', 'list', 'limits', '--target-org', ALIAS]), 'org list limits');
    const daily = res.find((l) => l.name === 'DailyApiRequests');
    assert.ok(daily, 'DailyApiRequests is listed');
    assert.ok(daily.max > 0 && daily.remaining > 0 && daily.remaining < daily.max, JSON.stringify(daily));
  });

  test('sf sobject list', async () => {
    const res = ok(await sf(['sobject', 'list', '--sobject', 'all', '--target-org', ALIAS]), 'sobject list');
    for (const name of ['Account', 'Contact', 'Opportunity', 'Lead', 'Task', 'User']) assert.ok(res.includes(name), name);
  });

  test('sf org display user shows the profile', async () => {
    const res = ok(await sf(['org', 'display', 'user', '--target-org', ALIAS]), 'org display user');
    const me = await restQuery(`SELECT Id, Profile.Name FROM User WHERE Username = ${q(res.username)}`);
    assert.equal(res.id, me.records[0].Id);
    assert.equal(res.profileName, me.records[0].Profile.Name);
    assert.notEqual(res.profileName, 'unknown');
  });

  test('sf data search (SOSL) returns what the REST search returns', async () => {
    const sosl = 'FIND {Acme} IN ALL FIELDS RETURNING Account(Id, Name)';
    const res = ok(await sf(['data', 'search', '--query', sosl, '--target-org', ALIAS]), 'data search');
    const rest = await raw(`/services/data/v${version}/search?q=${encodeURIComponent(sosl)}`);
    assert.equal(rest.status, 200);
    assert.ok(rest.json.searchRecords.length > 0, 'the demo has an Acme account');
    assert.deepEqual(res.searchRecords.map((r) => r.Id).sort(), rest.json.searchRecords.map((r) => r.Id).sort());
    for (const r of res.searchRecords) assert.match(r.Name, /acme/i);
  });

  test('sf org open --url-only gives a frontdoor URL', async () => {
    const res = ok(await sf(['org', 'open', '--url-only', '--target-org', ALIAS]), 'org open --url-only');
    assert.match(res.url, new RegExp(`^${url.replace(/[.]/g, '\\.')}/secur/frontdoor\\.jsp\\?otp=.+`));
  });

  test('sf sobject describe Opportunity', async () => {
    const res = ok(await sf(['sobject', 'describe', '--sobject', 'Opportunity', '--target-org', ALIAS]), 'sobject describe');
    assert.equal(res.name, 'Opportunity');
    assert.equal(res.keyPrefix, '006');
    const stage = res.fields.find((f) => f.name === 'StageName');
    assert.equal(stage.type, 'picklist');
  });
});
