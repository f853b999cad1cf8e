// lint(files): the core's pure lint through the npm package, with the codes of the CLI's JSON
// and the C library; no host, nothing read.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { lint, rejection } from './helpers.mjs';

const CONFIG = `[default]
region = eu-west-1 # prod
regoin = x
[profile loop]
source_profile = loop
role_arn = arn:aws:iam::123456789012:role/r
[profile lost]
sso_session = nowhere
`;

const CREDENTIALS = `[profile x]
aws_access_key_id = ASIAEXAMPLE
aws_secret_access_key = not-a-secret-value
aws_session_token = token
`;

test('finds each planted problem with its code, file and line', async () => {
  const findings = await lint({ config: CONFIG, credentials: CREDENTIALS, credentialsMode: 0o644 });
  assert.deepEqual(
    findings.map((f) => [f.code, f.severity, f.file, f.line]),
    [
      ['inline-comment', 'warning', 'config', 2],
      ['unknown-key', 'warning', 'config', 3],
      ['role-chain-cycle', 'error', 'config', 5],
      ['sso-session-not-found', 'error', 'config', 8],
      ['file-permissions', 'warning', 'credentials', null],
      ['profile-prefix-in-credentials', 'warning', 'credentials', 1],
    ],
  );
  assert.match(findings[1].message, /did you mean `region`/);
  for (const f of findings) {
    assert.equal(typeof f.fix, 'string');
    assert.ok(!f.message.includes('not-a-secret-value'));
  }
});

test('clean or absent files report nothing; bytes read as text', async () => {
  assert.deepEqual(await lint({}), []);
  assert.deepEqual(
    await lint({
      config: new TextEncoder().encode('[default]\nregion = eu-west-1\n'),
      credentials: null,
      configMode: 0o600,
    }),
    [],
  );
});

test('refuses what is not files', async () => {
  const error = await rejection(lint({ config: 42 }));
  assert.equal(error.code, 'InvalidArgument');
  assert.equal(error.argument, 'files.config');
  assert.equal((await rejection(lint({ configMode: 1.5 }))).argument, 'files.configMode');
  assert.equal((await rejection(lint(null))).code, 'InvalidArgument');
});
