// The recorded default-chain and profile-provider cases (../shared/conformance/cases, and
// credchain's own under tests/cases, with the request count they name), each a
// named test, through the package's resolveCredentials, as core/tests/cases.rs runs them through
// the core: a memoryHost over the case's env.json and fs/ tree (fs/home/... is /home/...), a
// `fetch` replaying its http-traffic.json (nothing is sent anywhere), the Node host's `run` for
// credential_process, and a clock set before every recorded expiry. profile-provider cases
// select their profile as `--profile` would (the `profile` option).
//
// tests/expectations/recorded_cases.json, shared with the core's replay and the binary's run,
// lists the cases where the AWS CLI's answer differs from the SDKs' expectation
// (`awscli_differs`) and the error cases whose error must name its cause (`error_causes`).
//
// The default-token-provider-chain cases run through exportToken (the core's `resolve_token`,
// as `credchain export-token`): the token and its expiry.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { before, describe, test } from 'node:test';

import {
  CONFORMANCE,
  exportToken,
  initialize,
  isCredchainError,
  memoryHost,
  nodeHost,
  resolveCredentials,
  ROOT,
} from './helpers.mjs';

const CASES = join(CONFORMANCE, 'cases');
/** credchain's own recorded cases, in the same format (tests/cases). */
const OWN_CASES = join(ROOT, 'tests', 'cases');

/** 2020-09-13: before every expiry recorded in the cases but the container ones (2009), which
 * run an hour before their own expiry (`caseNow`). core/tests/cases.rs's NOW. */
const NOW = 1_600_000_000;

/** The recorded metadata headers that a request must carry with the same value: the IMDSv2
 * token and its TTL (core/tests/cases.rs's MATCHED_HEADERS). */
const MATCHED_HEADERS = ['x-aws-ec2-metadata-token', 'x-aws-ec2-metadata-token-ttl-seconds'];

const EXPECTATIONS = JSON.parse(
  readFileSync(join(ROOT, 'tests', 'expectations', 'recorded_cases.json'), 'utf8'),
);

/** The phrase `list` of the expectations gives `name`, if it lists it. */
function phrase(list, name) {
  const entries = EXPECTATIONS[list];
  assert.ok(Array.isArray(entries), `recorded_cases.json: no ${list} list`);
  return entries.find((entry) => entry.case === name)?.error_contains;
}

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

/** The case directories under `tree` (of `root`, the conformance cases by default), sorted. */
function caseDirs(tree, root = CASES) {
  let entries;
  try {
    entries = readdirSync(join(root, tree), { withFileTypes: true });
  } catch (error) {
    if (error.code === 'ENOENT' && root === OWN_CASES) return [];
    throw error;
  }
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** Every file under `root` as `{ '/relative/path': bytes }` (none when `root` is missing). */
function filesUnder(root) {
  const files = {};
  const walk = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      if (error.code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files[`/${relative(root, path).split(sep).join('/')}`] = new Uint8Array(readFileSync(path));
    }
  };
  walk(root);
  return files;
}

/** The same URL, with the query's parameters in any order (botocore writes GetRoleCredentials'
 * query as `role_name=..&account_id=..`, some recordings the other way). */
function sameUri(recorded, sent) {
  const split = (url) => {
    const at = url.indexOf('?');
    const path = at < 0 ? url : url.slice(0, at);
    const query = at < 0 ? '' : url.slice(at + 1);
    const params = query.split('&').filter((p) => p !== '').sort();
    return JSON.stringify([path.replace(/\/+$/, ''), params]);
  };
  return split(recorded) === split(sent);
}

/** A host `fetch` serving the recorded responses, one connection per request, matched by method,
 * URL and the IMDSv2 headers; a request nothing matches cannot connect. `sent` lists what was
 * asked. */
function replay(traffic) {
  const byConnection = new Map();
  for (const event of traffic.events ?? []) {
    const id = event.connection_id ?? 0;
    if (!byConnection.has(id)) {
      byConnection.set(id, { method: '', uri: '', headers: [], status: 0, contentType: null, body: '' });
    }
    const exchange = byConnection.get(id);
    const { action } = event;
    if (action.Request) {
      const { request } = action.Request;
      exchange.method = request.method ?? '';
      exchange.uri = request.uri ?? '';
      for (const name of MATCHED_HEADERS) {
        const value = request.headers?.[name]?.[0];
        if (typeof value === 'string') exchange.headers.push([name, value]);
      }
    } else if (action.Response) {
      const ok = action.Response.response?.Ok ?? {};
      exchange.status = ok.status ?? 0;
      exchange.contentType = ok.headers?.['content-type']?.[0] ?? null;
    } else if (action.Data && action.Data.direction === 'Response') {
      exchange.body += action.Data.data?.Utf8 ?? '';
    }
  }
  const exchanges = [...byConnection.entries()].sort(([a], [b]) => a - b).map(([, e]) => e);
  const sent = [];
  const fetch = (request) => {
    sent.push({ method: request.method, url: request.url });
    const carries = (name) =>
      request.headers.find(([key]) => key.toLowerCase() === name)?.[1];
    const index = exchanges.findIndex(
      (e) =>
        e.method === request.method &&
        sameUri(e.uri, request.url) &&
        MATCHED_HEADERS.every((name) => carries(name) === e.headers.find(([key]) => key === name)?.[1]),
    );
    if (index < 0) {
      throw Object.assign(new Error(`no recorded exchange for ${request.method} ${request.url}`), {
        code: 'connect',
      });
    }
    const [exchange] = exchanges.splice(index, 1);
    return { status: exchange.status, contentType: exchange.contentType, body: exchange.body };
  };
  return { fetch, sent };
}

/** The clock of a case: NOW, or an hour before an expected expiry that is earlier (credchain,
 * like the AWS CLI, refuses credentials that are expired when they arrive). */
function caseNow(expected) {
  const expiry = expected.Ok?.expiry;
  return typeof expiry === 'number' && expiry - 3600 < NOW ? expiry - 3600 : NOW;
}

/** Credentials as the suite's JSON shape. */
function suiteShape(credentials) {
  const out = {
    access_key_id: credentials.accessKeyId,
    secret_access_key: credentials.secretAccessKey,
  };
  if (credentials.sessionToken !== undefined) out.session_token = credentials.sessionToken;
  if (credentials.accountId !== undefined) out.account_id = credentials.accountId;
  if (credentials.expiration !== undefined) out.expiry = credentials.expiration.getTime() / 1000;
  return out;
}

/** Runs one case: the credentials as the suite's JSON shape, or the error; and the requests
 * sent and the waits between retried attempts (recorded, not waited; the jitter is one half). */
async function runCase(dir, tree, now) {
  const env = readJson(join(dir, 'env.json'));
  const { fetch, sent } = replay(readJson(join(dir, 'http-traffic.json')));
  const sleeps = [];
  const host = memoryHost({
    env,
    files: filesUnder(join(dir, 'fs')),
    fetch,
    run: nodeHost().run,
    now: () => now,
    sleep: (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
  });
  const options = { host };
  if (tree === 'profile-provider') options.profile = env.AWS_PROFILE ?? 'default';
  try {
    return { ok: suiteShape(await resolveCredentials(options)), sent, sleeps };
  } catch (error) {
    return { error, sent, sleeps };
  }
}

before(() => initialize());

let count = 0;
let own = 0;
for (const [root, label] of [
  [CASES, ''],
  [OWN_CASES, "credchain's own: "],
]) {
for (const tree of ['default-credential-provider-chain', 'profile-provider']) {
  describe(`${label}${tree}`, () => {
    for (const name of caseDirs(tree, root)) {
      if (root === CASES) count += 1;
      else own += 1;
      const dir = join(root, tree, name);
      const caseName = `${tree}/${name}`;
      test(name, async () => {
        const { result: expected, credchain } = readJson(join(dir, 'test-case.json'));
        const got = await runCase(dir, tree, caseNow(expected));
        // credchain's own cases say how many requests are made (retries included).
        if (credchain?.requests !== undefined) {
          assert.equal(got.sent.length, credchain.requests, `requests (waits ${got.sleeps})`);
        }
        const awscli = phrase('awscli_differs', caseName);
        const message = got.error?.message;
        if (got.error !== undefined && !isCredchainError(got.error)) throw got.error;
        if (awscli !== undefined) {
          const answer = message ?? JSON.stringify(got.ok);
          assert.ok(message?.includes(awscli), `the AWS CLI answers "${awscli}"; got ${answer}`);
        } else if (expected.Ok !== undefined) {
          assert.equal(message, undefined, `expected ${JSON.stringify(expected.Ok)}, got ${message}`);
          assert.deepEqual(got.ok, expected.Ok);
        } else {
          // The error wording is credchain's own; an error where one is expected is the match,
          // a file the expectation names in backticks must be named too, and where the cause
          // is known, the error must name it.
          const wanted = JSON.stringify(expected);
          assert.ok(got.error !== undefined, `expected an error (${wanted}), got ${JSON.stringify(got.ok)}`);
          const file = expected.ErrorContains?.split('`')[1];
          if (file?.startsWith('/')) {
            assert.ok(message.includes(file), `the error should name ${file}: ${message}`);
          }
          const cause = phrase('error_causes', caseName);
          if (cause !== undefined) {
            assert.ok(message.includes(cause), `expected an error naming "${cause}", got ${message}`);
          }
        }
      });
    }
  });
}
}

test('the recorded cases are there', () => {
  assert.ok(count >= 31, `expected the recorded cases under ${CASES}, found ${count}`);
  assert.ok(own >= 1, `expected credchain's own cases under ${OWN_CASES}`);
});

describe('default-token-provider-chain', () => {
  const names = caseDirs('default-token-provider-chain');
  test('the recorded token cases are there', () => {
    assert.ok(names.length >= 2, `expected the token cases under ${CASES}`);
  });
  for (const name of names) {
    test(name, async () => {
      const dir = join(CASES, 'default-token-provider-chain', name);
      const { result: expected } = readJson(join(dir, 'test-case.json'));
      const { fetch, sent } = replay(readJson(join(dir, 'http-traffic.json')));
      const host = memoryHost({ env: readJson(join(dir, 'env.json')), files: filesUnder(join(dir, 'fs')), fetch, now: () => NOW });
      const token = await exportToken({ host });
      assert.deepEqual(token, { token: expected.Ok.token, expiration: new Date(expected.Ok.expiration) });
      assert.equal(sent.length, 0, 'a token far from expiry is not refreshed');
    });
  }
});
