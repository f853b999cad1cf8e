// Copied by tests/js/run into a scratch project that installed the `npm pack` tarball, and run
// there as installed.test.mjs: the package as a user gets it, imported by its name.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';

import { createHash } from 'node:crypto';

import {
  configureGet,
  createCredentialsResolver,
  createTokenResolver,
  explainCredentials,
  exportToken,
  freshness,
  isCredchainError,
  listProfiles,
  memoryHost,
  nodeHost,
  REFRESH_WINDOW_SECONDS,
  refreshWindowSeconds,
  resolveCredentials,
  resolveSetting,
  webFetch,
} from 'credchain';

test('installed package: resolve a setting with the memory host', async () => {
  const host = memoryHost({
    env: { HOME: '/home/me', AWS_PROFILE: 'dev' },
    files: {
      '/home/me/.aws/config': '[default]\nregion = us-east-1\n\n[profile dev]\nregion = eu-west-1\n',
    },
  });
  assert.deepEqual(await resolveSetting('region', { host }), {
    value: 'eu-west-1',
    source: { kind: 'config-file', path: '/home/me/.aws/config', line: 5 },
  });
  assert.deepEqual(await listProfiles({ host }), ['default', 'dev']);
  assert.equal(await configureGet('profile.default.region', { host }), 'us-east-1');
});

test('installed package: the node host, with a temporary HOME', async () => {
  const home = await mkdtemp(join(tmpdir(), 'credchain-installed-'));
  try {
    await mkdir(join(home, '.aws'));
    await writeFile(join(home, '.aws', 'credentials'), '[default]\nregion = sa-east-1\n');
    const host = nodeHost({ env: { HOME: home } });
    assert.deepEqual(await resolveSetting('region', { host }), {
      value: 'sa-east-1',
      source: { kind: 'credentials-file', path: join(home, '.aws', 'credentials'), line: 2 },
    });
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});

test('installed package: credentials from the environment and a credential_process script', async () => {
  const env = { AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: 's', AWS_EC2_METADATA_DISABLED: 'true' };
  assert.deepEqual(await resolveCredentials({ host: memoryHost({ env }) }), {
    accessKeyId: 'AKIDENV',
    secretAccessKey: 's',
    provider: 'env',
  });
  const home = await mkdtemp(join(tmpdir(), 'credchain-installed-'));
  try {
    await mkdir(join(home, '.aws'));
    const helper = join(home, 'helper.sh');
    await writeFile(helper, '#!/bin/sh\necho \'{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "s"}\'\n', { mode: 0o755 });
    await writeFile(join(home, '.aws', 'config'), `[default]\ncredential_process = ${helper}\n`);
    const host = nodeHost({ env: { HOME: home, AWS_EC2_METADATA_DISABLED: 'true' } });
    assert.equal((await resolveCredentials({ host })).provider, 'custom-process');
    assert.equal((await explainCredentials({ host })).chosen.steps[0].kind, 'process');
    assert.equal(typeof webFetch, 'function');
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});

test('installed package: the bearer token, the resolvers and the refresh policy', async () => {
  const now = 1_800_000_000;
  const cache = `/home/me/.aws/sso/cache/${createHash('sha1').update('corp').digest('hex')}.json`;
  const host = memoryHost({
    env: { HOME: '/home/me', AWS_EC2_METADATA_DISABLED: 'true', AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: 's' },
    files: {
      '/home/me/.aws/config':
        '[default]\nsso_session = corp\n\n[sso-session corp]\n' +
        'sso_start_url = https://d-abc123.awsapps.com/start\nsso_region = us-east-1\n',
      [cache]: JSON.stringify({ accessToken: 'installedAccessToken', expiresAt: '2027-01-15T09:00:00Z' }),
    },
    now: () => now,
  });
  const expected = { token: 'installedAccessToken', expiration: new Date('2027-01-15T09:00:00Z') };
  assert.deepEqual(await exportToken({ host }), expected);
  const tokens = createTokenResolver({ host });
  assert.deepEqual(await tokens.token(), expected);
  assert.deepEqual(await tokens.token(), expected);
  assert.equal(tokens.resolutions, 1);
  const credentials = createCredentialsResolver({ host });
  assert.equal((await credentials.credentials()).accessKeyId, 'AKIDENV');
  assert.equal(freshness(expected.expiration, now, 'token'), 'fresh');
  assert.equal(freshness(expected.expiration, now + 3600 - 899, 'token'), 'refresh');
  assert.equal(refreshWindowSeconds('token'), 900);
  assert.equal(refreshWindowSeconds(), REFRESH_WINDOW_SECONDS);
  const error = await exportToken({ host: memoryHost({ env: { HOME: '/home/me' } }) }).catch((e) => e);
  assert.ok(isCredchainError(error) && error.code === 'NoSsoSession', String(error));
});

test('installed package: its manifest, types and files', () => {
  const require = createRequire(import.meta.url);
  const manifest = require('credchain/package.json');
  const root = dirname(require.resolve('credchain/package.json'));
  assert.equal(manifest.name, 'credchain');
  assert.equal(manifest.type, 'module');
  for (const file of ['index.d.ts', 'dist/credchain_wasm.js', 'dist/credchain_wasm_bg.wasm']) {
    assert.ok(existsSync(join(root, file)), `${file} is in the package`);
  }
});
