// Shared helpers for the conformance tests: environment, raw HTTP, Salesforce ids.
import assert from 'node:assert/strict';

export const INSTANCE_URL = required('INSTANCE_URL').replace(/\/+$/, '');
export const ACCESS_TOKEN = required('ACCESS_TOKEN');
export const USERNAME = process.env.SF_USERNAME || '';

function required(name) {
  const v = process.env[name];
  if (!v) {
    throw new Error(
      `${name} is not set: run these tests through .ci/conformance.sh, or export INSTANCE_URL and ACCESS_TOKEN from \`lazyforce demo --serve\``,
    );
  }
  return v;
}

// Raw request to the emulator, outside any client library: used to learn the
// API version and to read headers the clients hide.
export async function raw(path, { method = 'GET', headers = {}, body, token = ACCESS_TOKEN } = {}) {
  const res = await fetch(INSTANCE_URL + path, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

// The newest API version the server lists at GET /services/data/.
export async function latestVersion() {
  const r = await raw('/services/data/', { token: null });
  assert.equal(r.status, 200, `GET /services/data/ → ${r.status} ${r.text.slice(0, 300)}`);
  assert.ok(Array.isArray(r.json) && r.json.length > 0, 'versions list is a non-empty array');
  const last = r.json[r.json.length - 1];
  assert.match(last.version, /^\d+\.0$/);
  assert.equal(last.url, `/services/data/v${last.version}`);
  return last.version;
}

const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

// to18 adds Salesforce's 3-character case-safe suffix to a 15-character id.
export function to18(id15) {
  assert.equal(id15.length, 15);
  let s = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let j = 0; j < 5; j++) {
      const c = id15[chunk * 5 + j];
      if (c >= 'A' && c <= 'Z') bits |= 1 << j;
    }
    s += SUFFIX[bits];
  }
  return id15 + s;
}

export function assertId(id, prefix) {
  assert.equal(typeof id, 'string', `id ${id} is a string`);
  assert.match(id, /^[a-zA-Z0-9]{18}$/, `id ${id} has 18 characters`);
  assert.equal(id.slice(0, 3), prefix, `id ${id} starts with key prefix ${prefix}`);
  assert.equal(to18(id.slice(0, 15)), id, `id ${id} has the right case-safe suffix`);
}

// Quotes a string for SOQL.
export function q(s) {
  return "'" + String(s).replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'";
}
