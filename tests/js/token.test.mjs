// The bearer token (exportToken, as `credchain export-token`), the long-lived token resolver,
// and the core's refresh policy (freshness, refreshWindowSeconds) the resolvers follow: a memory
// host holding the token cache, an injected clock (the host's now()) and an in-memory SSO-OIDC
// (the host's fetch).

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import {
  createTokenResolver,
  exportToken,
  freshness,
  holdUntilReleased,
  initialize,
  isCredchainError,
  memoryHost,
  REFRESH_WINDOW_SECONDS,
  refreshWindowSeconds,
  rejection,
} from './helpers.mjs';

const T0 = 1_800_000_000; // 2027-01-15T08:00:00Z
const CACHED = 'cachedAccessToken-EXAMPLE-0001';
// Profiles with and without a usable sso-session, shared with core/tests/sso_token.rs.
const CONFIG = readFileSync(new URL('../fixtures/sso-token/config', import.meta.url), 'utf8');
const CACHE_FILE = `/h/.aws/sso/cache/${createHash('sha1').update('corp').digest('hex')}.json`;
const OIDC = 'http://127.0.0.1:9/oidc';

const utc = (t) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

/** The token file `aws sso login` writes, expiring at `expiresAt` (Unix seconds). */
function cachedToken(expiresAt) {
  return JSON.stringify({
    startUrl: 'https://d-abc123.awsapps.com/start',
    region: 'us-east-1',
    accessToken: CACHED,
    expiresAt: utc(expiresAt),
    clientId: 'clientId-EXAMPLE',
    clientSecret: 'clientSecret-EXAMPLE-0001',
    registrationExpiresAt: '2099-01-01T00:00:00Z',
    refreshToken: 'refreshToken-EXAMPLE-0001',
  });
}

/**
 * A memory host with CONFIG and a cached token expiring an hour after T0, whose SSO-OIDC
 * answers refreshedAccessToken-<n>, valid 8 hours from the clock; `state.fail` makes the
 * call fail to connect, `state.release` holds it.
 */
function tokenHost({ expiresAt = T0 + 3600 } = {}) {
  const state = { now: T0, calls: [], fail: false, release: null };
  const host = memoryHost({
    env: { HOME: '/h', AWS_ENDPOINT_URL_SSO_OIDC: OIDC },
    files: { '/h/.aws/config': CONFIG, [CACHE_FILE]: cachedToken(expiresAt) },
    now: () => state.now,
    sleep: async () => {},
    async fetch(request) {
      state.calls.push(request);
      const n = state.calls.length;
      if (state.release) await state.release;
      if (state.fail) throw Object.assign(new TypeError('fetch failed'), { code: 'connect' });
      const answer = {
        accessToken: `refreshedAccessToken-${n}`,
        tokenType: 'Bearer',
        expiresIn: 8 * 3600,
        refreshToken: `refreshToken-EXAMPLE-000${n + 1}`,
      };
      return {
        status: 200,
        contentType: 'application/json',
        body: new TextEncoder().encode(JSON.stringify(answer)),
      };
    },
  });
  return { host, state };
}

/** Every string in an error (message and fields), to look for secrets in. */
const everything = (error) => JSON.stringify({ ...error, message: error.message, cause: undefined });

test('exportToken: the cached token while more than 15 minutes remain, no call', async () => {
  const { host, state } = tokenHost();
  assert.deepEqual(await exportToken({ host }), { token: CACHED, expiration: new Date((T0 + 3600) * 1000) });
  state.now = T0 + 3600 - 900;
  assert.equal((await exportToken({ host })).token, CACHED);
  assert.equal(state.calls.length, 0);
  assert.equal(host.written.size, 0);
});

test('exportToken: refreshed through SSO-OIDC when fewer than 15 minutes remain, and written back', async () => {
  const { host, state } = tokenHost();
  state.now = T0 + 3600 - 899;
  assert.deepEqual(await exportToken({ host }), {
    token: 'refreshedAccessToken-1',
    expiration: new Date((state.now + 8 * 3600) * 1000),
  });
  assert.equal(state.calls.length, 1);
  const [call] = state.calls;
  assert.deepEqual([call.method, call.url], ['POST', `${OIDC}/token`]);
  assert.deepEqual(JSON.parse(new TextDecoder().decode(call.body)), {
    clientId: 'clientId-EXAMPLE',
    clientSecret: 'clientSecret-EXAMPLE-0001',
    grantType: 'refresh_token',
    refreshToken: 'refreshToken-EXAMPLE-0001',
  });
  const written = JSON.parse(new TextDecoder().decode(host.written.get(CACHE_FILE)));
  assert.equal(written.accessToken, 'refreshedAccessToken-1');
  assert.equal(written.expiresAt, utc(state.now + 8 * 3600));
  assert.equal(written.refreshToken, 'refreshToken-EXAMPLE-0002');
  // The next call reads the refreshed file: no second call.
  assert.equal((await exportToken({ host })).token, 'refreshedAccessToken-1');
  assert.equal(state.calls.length, 1);
});

test('exportToken: the errors of a profile or session that cannot have a token', async () => {
  const { host } = tokenHost();
  const cases = [
    ['plain', 'NoSsoSession', { profile: 'plain' }],
    ['ghost', 'SsoSessionNotFound', { profile: 'ghost', session: 'nowhere' }],
    ['half', 'SsoIncomplete', { profile: 'half', session: 'half', missing: 'sso_start_url' }],
    ['nope', 'ProfileNotFound', { profile: 'nope' }],
  ];
  for (const [profile, code, fields] of cases) {
    const error = await rejection(exportToken({ host, profile }));
    assert.ok(isCredchainError(error), String(error));
    assert.equal(error.code, code, error.message);
    for (const [key, value] of Object.entries(fields)) assert.equal(error[key], value, `${code}.${key}`);
  }
  const ghost = await rejection(exportToken({ host, profile: 'ghost' }));
  assert.deepEqual(ghost.source, { kind: 'config-file', path: '/h/.aws/config', line: 15 });
});

test('exportToken: no cached token, an expired one, a refresh that cannot connect', async () => {
  const none = memoryHost({ env: { HOME: '/h' }, files: { '/h/.aws/config': CONFIG } });
  const missing = await rejection(exportToken({ host: none }));
  assert.equal(missing.code, 'SsoLoginRequired', missing.message);
  assert.equal(missing.provider, 'sso');
  assert.match(missing.message, /no cached token for sso-session corp at .*; run `aws sso login --profile default`/);

  const { host, state } = tokenHost();
  state.fail = true;
  state.now = T0 + 3600 - 60;
  const unreachable = await rejection(exportToken({ host }));
  assert.equal(unreachable.code, 'HttpFailed', unreachable.message);
  assert.equal(unreachable.reason, 'connect');
  assert.equal(unreachable.provider, 'sso');
  assert.equal(unreachable.endpoint, `${OIDC}/token`);
  state.now = T0 + 3600;
  const expired = await rejection(exportToken({ host }));
  assert.ok(isCredchainError(expired));
  for (const error of [missing, unreachable, expired]) {
    assert.ok(!everything(error).includes(CACHED), `${error.code} holds no token`);
    assert.ok(!everything(error).includes('clientSecret-EXAMPLE'), `${error.code} holds no client secret`);
  }
});

test('the token resolver holds the token until 15 minutes before expiry, then refreshes it', async () => {
  const { host, state } = tokenHost();
  const resolver = createTokenResolver({ host });
  assert.equal((await resolver.token()).token, CACHED);
  state.now = T0 + 3600 - 901;
  assert.equal((await resolver.token()).token, CACHED);
  assert.equal(resolver.resolutions, 1, 'served as held');
  state.now = T0 + 3600 - 899;
  assert.equal((await resolver.token()).token, 'refreshedAccessToken-1');
  assert.equal(resolver.resolutions, 2);
  assert.equal(state.calls.length, 1);
  assert.equal((await resolver.token()).token, 'refreshedAccessToken-1');
  assert.equal(resolver.resolutions, 2);
});

test('the token resolver: concurrent callers share one refresh', async () => {
  const { host, state } = tokenHost();
  const resolver = createTokenResolver({ host });
  await resolver.token();
  state.now = T0 + 3601; // expired: everyone waits for the refreshed token
  const release = holdUntilReleased(state);
  const pending = Array.from({ length: 8 }, () => resolver.token());
  release();
  const tokens = (await Promise.all(pending)).map((t) => t.token);
  assert.deepEqual(tokens, Array(8).fill('refreshedAccessToken-1'));
  assert.equal(state.calls.length, 1);
  assert.equal(resolver.resolutions, 2);
});

test('the token resolver: while a refresh is in flight the unexpired token is served at once', async () => {
  const { host, state } = tokenHost();
  const resolver = createTokenResolver({ host });
  await resolver.token();
  state.now = T0 + 3600 - 120;
  const release = holdUntilReleased(state);
  const refreshing = resolver.token();
  assert.equal((await resolver.token()).token, CACHED);
  release();
  assert.equal((await refreshing).token, 'refreshedAccessToken-1');
});

test('the token resolver: a failed refresh keeps the unexpired token; once expired it rejects', async () => {
  const { host, state } = tokenHost();
  const resolver = createTokenResolver({ host });
  await resolver.token();
  state.fail = true;
  state.now = T0 + 3600 - 60;
  assert.equal((await resolver.token()).token, CACHED);
  assert.equal(resolver.resolutions, 2);
  state.now = T0 + 3600;
  const error = await rejection(resolver.token());
  assert.ok(isCredchainError(error), String(error));
  assert.ok(!everything(error).includes(CACHED));
  assert.throws(() => createTokenResolver({}), (e) => e.code === 'InvalidArgument');
});

test("freshness: the core's two windows, their edges, and what it takes", async () => {
  await initialize();
  assert.equal(refreshWindowSeconds(), 300);
  assert.equal(refreshWindowSeconds('credentials'), 300);
  assert.equal(refreshWindowSeconds('token'), 900);
  assert.equal(REFRESH_WINDOW_SECONDS, refreshWindowSeconds('credentials'));
  const at = T0;
  const table = [
    // credentials: refreshed at 300 s or less
    [at, at - 301, 'credentials', 'fresh'],
    [at, at - 300, 'credentials', 'refresh'],
    [at, at - 1, 'credentials', 'refresh'],
    [at, at, 'credentials', 'expired'],
    [at, at + 1, 'credentials', 'expired'],
    // token: refreshed when fewer than 900 s remain (botocore's window)
    [at, at - 900, 'token', 'fresh'],
    [at, at - 899, 'token', 'refresh'],
    [at, at, 'token', 'expired'],
    // no expiry: never refreshed
    [null, at, 'credentials', 'fresh'],
    [undefined, at, 'token', 'fresh'],
  ];
  for (const [expiration, now, kind, want] of table) {
    assert.equal(freshness(expiration, now, kind), want, `${expiration} at ${now} (${kind})`);
  }
  // Dates for either; the default kind is credentials, the default now the clock.
  assert.equal(freshness(new Date(at * 1000), new Date((at - 300) * 1000)), 'refresh');
  assert.equal(freshness(new Date(Date.now() + 3600_000)), 'fresh');
  assert.equal(freshness(Date.now() / 1000 - 1), 'expired');
  assert.equal(freshness(at + 0.9, at - 300), 'refresh', 'a fraction of a second is not more');
  for (const [args, argument] of [
    [['soon', at], 'expiration'],
    [[at, Number.NaN], 'now'],
    [[at, 'now'], 'now'],
    [[at, at, 'session'], 'kind'],
  ]) {
    assert.throws(
      () => freshness(...args),
      (e) => isCredchainError(e) && e.code === 'InvalidArgument' && e.argument === argument,
      JSON.stringify(args),
    );
  }
});

test('freshness before the module is loaded: NotInitialized', async () => {
  // An instance of the package's API of its own (another URL), never initialised: the entries
  // share theirs, which the other tests have loaded.
  const fresh = await import('../../wasm/npm/common.js?never-initialised');
  for (const call of [() => fresh.freshness(T0, T0), () => fresh.refreshWindowSeconds()]) {
    assert.throws(call, (e) => isCredchainError(e) && e.code === 'NotInitialized');
  }
});
