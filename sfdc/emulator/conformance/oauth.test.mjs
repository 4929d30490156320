// jsforce's OAuth2 (web-server flow with PKCE, refresh on 401, revoke) and its
// handling of injected faults, against the emulator. Faults are global to the
// emulator, so the test files run one at a time (--test-concurrency=1), and
// every fault is cleared after use.
// Needs INSTANCE_URL and ADMIN_TOKEN (the `admin_token` of `lazyforce demo --serve`).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import jsforce from 'jsforce';
import { INSTANCE_URL, raw, latestVersion, assertId } from './common.mjs';

const ADMIN_TOKEN = process.env.ADMIN_TOKEN;
const REDIRECT = 'http://localhost:1717/OauthRedirect';
let version;

async function faults(body) {
  const r = await fetch(`${INSTANCE_URL}/__emulator/faults`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.ok(r.status >= 200 && r.status < 300, `POST /__emulator/faults ${JSON.stringify(body)} → ${r.status} ${await r.text()}`);
}

function oauth2() {
  return new jsforce.OAuth2({
    loginUrl: INSTANCE_URL,
    clientId: 'lazyforce-conformance',
    redirectUri: REDIRECT,
    useVerifier: true,
  });
}

// login runs the web-server flow: the authorize endpoint auto-approves and redirects
// to REDIRECT with a code, which jsforce exchanges (with its PKCE verifier).
async function login() {
  const o = oauth2();
  const authz = o.getAuthorizationUrl({ scope: 'api refresh_token', state: 'xyz' });
  const res = await fetch(authz, { redirect: 'manual' });
  assert.equal(res.status, 302, `authorize → ${res.status}`);
  const loc = new URL(res.headers.get('location'));
  assert.equal(`${loc.origin}${loc.pathname}`, REDIRECT);
  assert.equal(loc.searchParams.get('state'), 'xyz');
  const code = loc.searchParams.get('code');
  assert.ok(code, 'redirect carries a code');
  const conn = new jsforce.Connection({ oauth2: o, version });
  const userInfo = await conn.authorize(code);
  return { conn, userInfo, o };
}

before(async () => {
  assert.ok(ADMIN_TOKEN, 'ADMIN_TOKEN is set');
  version = await latestVersion();
  await faults({});
});

after(async () => {
  await faults({});
});

describe('OAuth2 with jsforce', { concurrency: 1 }, () => {
  test('web-server flow with PKCE: code → tokens → API calls', async () => {
    const { conn, userInfo } = await login();
    assertId(userInfo.id, '005');
    assertId(userInfo.organizationId, '00D');
    assert.match(conn.accessToken, /^00D\w{12,15}![.\w]+$/, 'access token looks like a Salesforce session id');
    assert.ok(conn.refreshToken, 'refresh_token granted for the refresh_token scope');
    assert.equal(conn.instanceUrl.replace(/\/+$/, ''), INSTANCE_URL);
    const me = await conn.sobject('User').retrieve(userInfo.id);
    assert.equal(me.Id, userInfo.id);
  });

  test('a wrong PKCE verifier is refused', async () => {
    const o = oauth2();
    const res = await fetch(o.getAuthorizationUrl({ scope: 'api refresh_token' }), { redirect: 'manual' });
    const code = new URL(res.headers.get('location')).searchParams.get('code');
    const other = oauth2(); // a different verifier
    await assert.rejects(() => new jsforce.Connection({ oauth2: other, version }).authorize(code), /invalid|verifier|grant/i);
  });

  test('refresh grant: new access token, no new refresh token, Salesforce fields', async () => {
    const { conn, o } = await login();
    const res = await o.refreshToken(conn.refreshToken);
    assert.match(res.access_token, /^00D\w{12,15}!/);
    assert.notEqual(res.access_token, conn.accessToken);
    assert.equal(res.refresh_token, undefined, 'Salesforce does not rotate the refresh token by default');
    assert.equal(res.token_type, 'Bearer');
    assert.match(res.issued_at, /^\d{13}$/, 'issued_at is epoch millis as a string');
    assert.equal(typeof res.signature, 'string');
    assert.equal(res.instance_url.replace(/\/+$/, ''), INSTANCE_URL);
    assert.match(res.id, /\/id\/00D\w{15}\/005\w{15}$/);
    assert.equal(res.expires_in, undefined, 'no expires_in');
  });

  test('expired session: jsforce refreshes on 401 INVALID_SESSION_ID and retries', async () => {
    const { conn: first, o } = await login();
    // A connection whose access token is no longer valid, with a working refresh token.
    const conn = new jsforce.Connection({
      oauth2: o,
      instanceUrl: first.instanceUrl,
      accessToken: '00D000000000000!expiredexpiredexpired',
      refreshToken: first.refreshToken,
      version,
    });
    let refreshed;
    conn.on('refresh', (token) => {
      refreshed = token;
    });
    const r = await conn.query('SELECT COUNT() FROM Account');
    assert.ok(r.totalSize > 0);
    assert.ok(refreshed, 'jsforce refreshed the session');
    assert.match(refreshed, /^00D\w{12,15}!/);
    assert.equal(conn.accessToken, refreshed);
    const old = await raw(`/services/data/v${version}/limits`, { token: '00D000000000000!expiredexpiredexpired' });
    assert.equal(old.status, 401);
    assert.equal(old.headers.get('www-authenticate'), 'Token');
    assert.deepEqual(old.json, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
  });

  test('logout revokes: the access token stops working; revoking the refresh token stops refresh', async () => {
    const { conn, o } = await login();
    const at = conn.accessToken;
    const rt = conn.refreshToken;
    await conn.logout(); // POST /services/oauth2/revoke token=<access token>
    assert.equal((await raw(`/services/data/v${version}/limits`, { token: at })).status, 401);
    await o.revokeToken(rt);
    await assert.rejects(() => o.refreshToken(rt), /expired|invalid|grant/i);
  });
});

describe('injected faults as jsforce sees them', { concurrency: 1 }, () => {
  let conn;
  before(async () => {
    ({ conn } = await login());
  });
  after(async () => {
    await faults({});
  });

  test('REQUEST_LIMIT_EXCEEDED (403) once, then calls work again', async () => {
    await faults({ request_limit_exceeded: true, times: 1 });
    let err;
    try {
      await conn.query('SELECT Id FROM Account LIMIT 1');
    } catch (e) {
      err = e;
    }
    assert.equal(err?.errorCode, 'REQUEST_LIMIT_EXCEEDED');
    const r = await conn.query('SELECT Id FROM Account LIMIT 1');
    assert.equal(r.records.length, 1);
  });

  test('UNABLE_TO_LOCK_ROW on a write', async () => {
    const acc = (await conn.query('SELECT Id, Name FROM Account ORDER BY Id LIMIT 1')).records[0];
    await faults({ row_lock: true, times: 1 });
    let err;
    try {
      await conn.sobject('Account').update({ Id: acc.Id, Name: acc.Name });
    } catch (e) {
      err = e;
    }
    assert.equal(err?.errorCode, 'UNABLE_TO_LOCK_ROW');
    const ok = await conn.sobject('Account').update({ Id: acc.Id, Name: acc.Name });
    assert.equal(ok.success, true);
  });

  test('two 503s: jsforce retries with backoff and succeeds', async () => {
    await faults({ status_5xx: 503, times: 2 });
    const r = await conn.query('SELECT Id FROM Account LIMIT 1');
    assert.equal(r.records.length, 1);
  });

  test('outage: requests fail like an unreachable org, then the org comes back', async () => {
    await faults({ outage: true });
    await assert.rejects(() => fetch(`${INSTANCE_URL}/services/data/v${version}/limits`, {
      headers: { Authorization: `Bearer ${conn.accessToken}` },
    }));
    await faults({ outage: false });
    const r = await conn.query('SELECT Id FROM Account LIMIT 1');
    assert.equal(r.records.length, 1);
  });
});
