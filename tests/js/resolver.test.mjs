// createCredentialsResolver: held credentials until 5 minutes before expiry, one refresh for
// concurrent callers, unexpired credentials kept through a failed refresh; an injected clock
// (the host's now()) and an in-memory credential_process (the host's run()).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  createCredentialsResolver,
  holdUntilReleased,
  isCredchainError,
  memoryHost,
  REFRESH_WINDOW_SECONDS,
  rejection,
} from './helpers.mjs';

const T0 = 1_800_000_000; // 2027-01-15T08:00:00Z

/** A host whose credential_process gives AKIDRUN<n>, expiring an hour after the clock. */
function processHost() {
  const state = { now: T0, runs: 0, fail: false, release: null };
  const host = {
    ...memoryHost({
      env: { HOME: '/h', AWS_EC2_METADATA_DISABLED: 'true' },
      files: { '/h/.aws/config': '[default]\ncredential_process = /opt/bin/helper\n' },
    }),
    now: () => state.now,
    async run() {
      state.runs += 1;
      const n = state.runs;
      if (state.release) await state.release;
      if (state.fail) return { status: 1, stdout: '', stderr: 'helper is down' };
      const expiration = new Date((state.now + 3600) * 1000).toISOString();
      return {
        status: 0,
        stdout: JSON.stringify({
          Version: 1,
          AccessKeyId: `AKIDRUN${n}`,
          SecretAccessKey: 'not-a-secret',
          SessionToken: 'not-a-token',
          Expiration: expiration,
        }),
        stderr: '',
      };
    },
  };
  return { host, state };
}

/** A resolver over processHost() that has resolved once (AKIDRUN1), with the host's state. */
async function resolvedOnce() {
  const { host, state } = processHost();
  const resolver = createCredentialsResolver({ host });
  await resolver.credentials();
  return { resolver, state };
}

test('the window is five minutes', () => {
  assert.equal(REFRESH_WINDOW_SECONDS, 300);
});

test('held credentials are served until five minutes before expiry, then refreshed', async () => {
  const { host, state } = processHost();
  const resolver = createCredentialsResolver({ host });
  assert.equal((await resolver.credentials()).accessKeyId, 'AKIDRUN1');
  state.now += 3600 - 301;
  assert.equal((await resolver.credentials()).accessKeyId, 'AKIDRUN1');
  assert.equal(resolver.resolutions, 1);
  state.now += 2;
  assert.equal((await resolver.credentials()).accessKeyId, 'AKIDRUN2');
  assert.equal(resolver.resolutions, 2);
  assert.equal(state.runs, 2);
});

test('concurrent callers share one refresh', async () => {
  const { resolver, state } = await resolvedOnce();
  state.now += 3601; // expired: everyone must wait for the new credentials
  const release = holdUntilReleased(state);
  const pending = Array.from({ length: 8 }, () => resolver.credentials());
  release();
  const keys = (await Promise.all(pending)).map((c) => c.accessKeyId);
  assert.deepEqual(keys, Array(8).fill('AKIDRUN2'));
  assert.equal(state.runs, 2);
  assert.equal(resolver.resolutions, 2);
});

test('while a refresh is in flight, unexpired held credentials are served at once', async () => {
  const { resolver, state } = await resolvedOnce();
  state.now += 3600 - 60;
  const release = holdUntilReleased(state);
  const refreshing = resolver.credentials();
  assert.equal((await resolver.credentials()).accessKeyId, 'AKIDRUN1');
  release();
  assert.equal((await refreshing).accessKeyId, 'AKIDRUN2');
});

test('a failed refresh keeps unexpired credentials; once expired the failure rejects', async () => {
  const { resolver, state } = await resolvedOnce();
  state.fail = true;
  state.now += 3600 - 60;
  assert.equal((await resolver.credentials()).accessKeyId, 'AKIDRUN1');
  state.now += 61;
  const error = await rejection(resolver.credentials());
  assert.ok(isCredchainError(error), String(error));
  assert.equal(error.code, 'ProcessFailed');
  assert.match(error.message, /helper is down/);
});

test('invalid options throw where the resolver is made', () => {
  assert.throws(() => createCredentialsResolver({}), (e) => e.code === 'InvalidArgument');
});
