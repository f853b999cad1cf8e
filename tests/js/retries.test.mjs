// Retries through the npm package: the host's `sleep` and `random` drive the waits between the
// attempts of an STS call, per mode, with a clock that moves only when slept on; non-retryable
// answers are sent once; bad settings are InvalidRetrySetting errors; without a `sleep` the
// package waits with setTimeout.

import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import { initialize, memoryHost, resolveCredentials } from './helpers.mjs';

const CONFIG = `[profile role]
role_arn = arn:aws:iam::123456789012:role/demo
source_profile = base
region = us-east-1
`;
const CREDENTIALS = `[base]
aws_access_key_id = AKIDBASEEXAMPLE
aws_secret_access_key = baseSecretKey0001
`;

const THROTTLED = '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>' +
  '<Message>Rate exceeded</Message></Error></ErrorResponse>';
const UNAVAILABLE = '<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code>' +
  '<Message>busy</Message></Error></ErrorResponse>';
const DENIED = '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>' +
  '<Message>no</Message></Error></ErrorResponse>';
const OK = '<AssumeRoleResponse><AssumeRoleResult><AssumedRoleUser>' +
  '<AssumedRoleId>AROAEXAMPLE:s</AssumedRoleId>' +
  '<Arn>arn:aws:sts::123456789012:assumed-role/demo/s</Arn></AssumedRoleUser>' +
  '<Credentials><AccessKeyId>ASIARETRIED</AccessKeyId><SecretAccessKey>retriedSecret</SecretAccessKey>' +
  '<SessionToken>retriedToken</SessionToken><Expiration>2099-01-02T03:04:05Z</Expiration>' +
  '</Credentials></AssumeRoleResult></AssumeRoleResponse>';

/** A host answering STS with `answers` in turn (the last one again), its clock at 2024-01-01
 * moving only by what it sleeps, its random numbers one half. */
function host(answers, env = {}, config = CONFIG) {
  let nowMs = 1_704_067_200_000;
  const sent = [];
  const sleeps = [];
  const h = memoryHost({
    env: { HOME: '/h', ...env },
    files: { '/h/.aws/config': config, '/h/.aws/credentials': CREDENTIALS },
    fetch: (request) => {
      sent.push(request.headers.find(([k]) => k.toLowerCase() === 'x-amz-date')?.[1]);
      const [status, body] = answers[Math.min(sent.length - 1, answers.length - 1)];
      return { status, contentType: 'text/xml', body };
    },
    now: () => nowMs / 1000,
    sleep: (ms) => {
      sleeps.push(ms);
      nowMs += ms;
    },
    random: () => 0.5,
  });
  return { host: h, sent, sleeps };
}

/** An STS `fetch` answering 503 once and then the credentials, counting its `calls`. */
function unavailableOnce() {
  const sts = {
    calls: 0,
    fetch: () => {
      sts.calls += 1;
      return sts.calls === 1
        ? { status: 503, contentType: 'text/xml', body: UNAVAILABLE }
        : { status: 200, contentType: 'text/xml', body: OK };
    },
  };
  return sts;
}

/** Resolves through `h`, whose `sts` answers 503 once: the credentials come on the second
 * call, after a wait of about 200 ms (the hosts' random numbers are 0.2). */
async function assertRetriedAfterAWait(h, sts) {
  const started = Date.now();
  const credentials = await resolveCredentials({ host: h, profile: 'role' });
  assert.equal(credentials.accessKeyId, 'ASIARETRIED');
  assert.equal(sts.calls, 2);
  assert.ok(Date.now() - started >= 190, `waited ${Date.now() - started} ms`);
}

before(() => initialize());

test('a 503 then a 200 gives the credentials after one wait', async () => {
  const { host: h, sent, sleeps } = host([[503, UNAVAILABLE], [200, OK]]);
  const credentials = await resolveCredentials({ host: h, profile: 'role' });
  assert.equal(credentials.accessKeyId, 'ASIARETRIED');
  assert.equal(sent.length, 2);
  assert.deepEqual(sleeps, [500]);
});

test('standard mode: three attempts, waits of 0.5 and 1 s', async () => {
  const { host: h, sent, sleeps } = host([[400, THROTTLED]]);
  const error = await resolveCredentials({ host: h, profile: 'role' }).catch((e) => e);
  assert.equal(error.code, 'ServiceError');
  assert.equal(sent.length, 3);
  assert.deepEqual(sleeps, [500, 1000]);
  // Each attempt is signed at its own time: the third 1.5 s after the first.
  assert.deepEqual(sent, ['20240101T000000Z', '20240101T000000Z', '20240101T000001Z']);
});

test('adaptive mode: after throttling, each attempt also waits for a token', async () => {
  const { host: h, sent, sleeps } = host([[400, THROTTLED]], { AWS_RETRY_MODE: 'adaptive' });
  await assert.rejects(resolveCredentials({ host: h, profile: 'role' }));
  assert.equal(sent.length, 3);
  // botocore's rate limiter from an empty bucket refilling at 0.5 token/s (see retry.rs).
  assert.deepEqual(sleeps, [500, 1500, 1000, 1000]);
});

test('max_attempts: the environment outranks the profile; AccessDenied is sent once', async () => {
  const config = `${CONFIG}max_attempts = 5\n`;
  let run = host([[503, UNAVAILABLE]], {}, config);
  await assert.rejects(resolveCredentials({ host: run.host, profile: 'role' }));
  assert.equal(run.sent.length, 5);
  assert.deepEqual(run.sleeps, [500, 1000, 2000, 4000]);
  run = host([[503, UNAVAILABLE]], { AWS_MAX_ATTEMPTS: '1' }, config);
  await assert.rejects(resolveCredentials({ host: run.host, profile: 'role' }));
  assert.equal(run.sent.length, 1);
  run = host([[403, DENIED]], {}, config);
  await assert.rejects(resolveCredentials({ host: run.host, profile: 'role' }));
  assert.deepEqual([run.sent.length, run.sleeps.length], [1, 0]);
});

test('bad settings are InvalidRetrySetting errors naming the setting and source', async () => {
  let run = host([[200, OK]], { AWS_RETRY_MODE: 'legacy' });
  let error = await resolveCredentials({ host: run.host, profile: 'role' }).catch((e) => e);
  assert.equal(error.code, 'InvalidRetrySetting');
  assert.equal(error.setting, 'retry_mode');
  assert.equal(error.value, 'legacy');
  assert.equal(run.sent.length, 0);
  run = host([[200, OK]], {}, `${CONFIG}max_attempts = 0\n`);
  error = await resolveCredentials({ host: run.host, profile: 'role' }).catch((e) => e);
  assert.equal(error.code, 'InvalidRetrySetting');
  assert.equal(error.setting, 'max_attempts');
  assert.match(error.message, /invalid max_attempts 0 \(from \/h\/\.aws\/config:5\)/);
});

test('without a host sleep the package waits with setTimeout', async () => {
  const sts = unavailableOnce();
  const h = memoryHost({
    env: { HOME: '/h' },
    files: { '/h/.aws/config': CONFIG, '/h/.aws/credentials': CREDENTIALS },
    fetch: sts.fetch,
    random: () => 0.2,
  });
  await assertRetriedAfterAWait(h, sts);
});

test('a host object without sleep gets the module own setTimeout wait', async () => {
  const sts = unavailableOnce();
  const encoder = new TextEncoder();
  const files = { '/h/.aws/config': CONFIG, '/h/.aws/credentials': CREDENTIALS };
  const h = {
    env: { HOME: '/h' },
    readFile: async (path) => (path in files ? encoder.encode(files[path]) : null),
    fetch: sts.fetch,
    random: () => 0.2,
  };
  await assertRetriedAfterAWait(h, sts);
});

test('explainCredentials tells the retry settings and where they come from', async () => {
  const { explainCredentials } = await import('./helpers.mjs');
  let run = host([[200, OK]], { AWS_MAX_ATTEMPTS: '4' }, `${CONFIG}retry_mode = adaptive\n`);
  let explained = await explainCredentials({ host: run.host, profile: 'role' });
  assert.equal(explained.retries.mode, 'adaptive');
  assert.equal(explained.retries.maxAttempts, 4);
  assert.deepEqual(explained.retries.maxAttemptsSource, { kind: 'env', name: 'AWS_MAX_ATTEMPTS' });
  assert.deepEqual(explained.retries.modeSource, { kind: 'config-file', path: '/h/.aws/config', line: 5 });
  assert.equal(explained.retriesError, null);
  assert.equal(run.sent.length, 0);
  run = host([[200, OK]], { AWS_RETRY_MODE: 'legacy' });
  explained = await explainCredentials({ host: run.host, profile: 'role' });
  assert.equal(explained.retries, null);
  assert.match(explained.retriesError, /invalid retry_mode "legacy" \(from AWS_RETRY_MODE\)/);
});
