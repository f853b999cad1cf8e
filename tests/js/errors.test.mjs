// Errors are JS Errors with a stable `code` and structured fields: callers never match on text.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  CONFIG,
  PROFILES,
  configureGet,
  explainCredentials,
  isCredchainError,
  listProfiles,
  memory,
  memoryHost,
  node,
  rejection,
  removedAfter,
  resolveSetting,
} from './helpers.mjs';

const made = removedAfter();

function assertCredchainError(error, code) {
  assert.ok(error instanceof Error, `not an Error: ${error}`);
  assert.equal(error.name, 'CredchainError');
  assert.equal(error.code, code, error.message);
  assert.ok(isCredchainError(error));
}

test('ProfileNotFound: the name, what named it, and the profiles that exist', async () => {
  const { host } = memory();
  const error = await rejection(resolveSetting('region', { host, profile: 'nope' }));
  assertCredchainError(error, 'ProfileNotFound');
  assert.equal(error.profile, 'nope');
  assert.deepEqual(error.source, { kind: 'option', name: '--profile' });
  assert.deepEqual(error.profiles, PROFILES);
  assert.match(error.message, /\(nope\) could not be found/);
  assert.match(error.message, /default, dev, prod, ci/);

  host.env.AWS_PROFILE = 'gone';
  const viaEnv = await rejection(configureGet('region', { host }));
  assertCredchainError(viaEnv, 'ProfileNotFound');
  assert.deepEqual(viaEnv.source, { kind: 'env', name: 'AWS_PROFILE' });
  // Listing profiles does not need the active one.
  assert.deepEqual(await listProfiles({ host }), PROFILES);
});

test('ProfileNotFound with no profiles at all says how to make one', async () => {
  const { host } = memory({ AWS_PROFILE: 'x' }, {});
  const error = await rejection(resolveSetting('region', { host }));
  assertCredchainError(error, 'ProfileNotFound');
  assert.deepEqual(error.profiles, []);
  assert.match(error.message, /no profiles are defined/);
});

test('ParseError: the file, path, line and problem (AWS CLI: a repeated section)', async () => {
  const h = await node({}, { config: `${CONFIG}\n[profile dev]\nregion = x\n` });
  made.push(h);
  const error = await rejection(resolveSetting('region', { host: h.host }));
  assertCredchainError(error, 'ParseError');
  assert.equal(error.file, 'config');
  assert.equal(error.path, h.config);
  assert.equal(error.line, 16);
  assert.equal(error.problem, 'duplicateSection');
  assert.equal(error.firstLine, 6);
  assert.equal(error.dialect, 'awscli');
  assert.ok(error.message.includes(`${h.config}:16`), error.message);
  // Every call reads both files first, as the AWS CLI does.
  assertCredchainError(await rejection(listProfiles({ host: h.host })), 'ParseError');
});

test('ParseError in the credentials file: a key before any section', async () => {
  const { host, credentials } = memory({}, { credentials: '# keys\naws_access_key_id = AKID\n' });
  const error = await rejection(resolveSetting('region', { host }));
  assertCredchainError(error, 'ParseError');
  assert.deepEqual(
    { file: error.file, path: error.path, line: error.line, problem: error.problem },
    { file: 'credentials', path: credentials, line: 2, problem: 'missingSectionHeader' },
  );
});

test('ParseError: not UTF-8', async () => {
  const host = memoryHost({
    env: { AWS_CONFIG_FILE: '/c', AWS_SHARED_CREDENTIALS_FILE: '' },
    files: { '/c': new Uint8Array([0x5b, 0x64, 0x65, 0x66, 0x61, 0x75, 0x6c, 0x74, 0x5d, 0x0a, 0xff]) },
  });
  const error = await rejection(resolveSetting('region', { host }));
  assertCredchainError(error, 'ParseError');
  assert.equal(error.problem, 'notUtf8');
  assert.equal(error.line, 2);
});

test('InvalidRegion: the value and where it came from', async () => {
  const { host } = memory({ AWS_REGION: 'us east 1' });
  const error = await rejection(resolveSetting('region', { host }));
  assertCredchainError(error, 'InvalidRegion');
  assert.equal(error.value, 'us east 1');
  assert.deepEqual(error.source, { kind: 'env', name: 'AWS_REGION' });
});

test('no home directory reads no files, as in the AWS CLI; PathTooLong', async () => {
  const none = memoryHost({ env: { AWS_REGION: 'eu-west-2' }, files: { '/.aws/config': '[default]\nregion = x\n' } });
  assert.deepEqual(await resolveSetting('region', { host: none }), {
    value: 'eu-west-2',
    source: { kind: 'env', name: 'AWS_REGION' },
  });
  assert.equal(await resolveSetting('output', { host: none, platform: 'windows' }).then((r) => r.source.kind), 'default');
  assert.deepEqual(await listProfiles({ host: none }), []);

  const long = memoryHost({ env: { HOME: '/h', AWS_CONFIG_FILE: `/${'a'.repeat(5000)}` } });
  const tooLong = await rejection(resolveSetting('region', { host: long }));
  assertCredchainError(tooLong, 'PathTooLong');
  assert.equal(tooLong.variable, 'AWS_CONFIG_FILE');
});

test('UnknownSetting lists the settings', async () => {
  const { host } = memory();
  const error = await rejection(resolveSetting('regoin', { host }));
  assertCredchainError(error, 'UnknownSetting');
  assert.equal(error.setting, 'regoin');
  assert.match(error.message, /region, output/);
});

test('ReadError: the host could not read an existing file', async () => {
  // A directory where the config file should be (the node host: EISDIR) is no file, as the
  // AWS CLI reads it (botocore checks os.path.isfile): not an error.
  const h = await node();
  made.push(h);
  h.host.env.AWS_CONFIG_FILE = h.home;
  h.host.env.AWS_REGION = 'eu-west-3';
  assert.deepEqual(await resolveSetting('region', { host: h.host }), {
    value: 'eu-west-3',
    source: { kind: 'env', name: 'AWS_REGION' },
  });

  // Permission denied, as a host reports it (tests run as root, so no chmod here).
  const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES', errno: -13 });
  const host = {
    env: { HOME: '/h' },
    readFile: async (path) => (path.endsWith('credentials') ? Promise.reject(denied) : null),
  };
  const error2 = await rejection(resolveSetting('region', { host }));
  assertCredchainError(error2, 'ReadError');
  assert.deepEqual(
    { file: error2.file, reason: error2.reason, osCode: error2.osCode, cause: error2.cause },
    { file: 'credentials', reason: 'permission-denied', osCode: 13, cause: denied },
  );
  assert.match(error2.message, /permission denied/);

  // A readFile that throws instead of rejecting.
  const thrown = new Error('boom');
  const throwing = { env: { HOME: '/h' }, readFile: () => { throw thrown; } };
  const error3 = await rejection(listProfiles({ host: throwing }));
  assertCredchainError(error3, 'ReadError');
  assert.equal(error3.reason, 'other');
  assert.equal(error3.osCode, null);
  assert.equal(error3.cause, thrown);
});

test('InvalidArgument: TypeErrors naming the argument', async () => {
  const { host } = memory();
  const cases = [
    [() => resolveSetting('region'), 'options'],
    [() => resolveSetting('region', {}), 'options.host'],
    [() => resolveSetting(42, { host }), 'name'],
    [() => resolveSetting('region', { host, dialect: 'botocore' }), 'options.dialect'],
    [() => resolveSetting('region', { host, platform: 'darwin' }), 'options.platform'],
    [() => resolveSetting('region', { host, region: 1 }), 'options.region'],
    [() => listProfiles({ host: { env: 'HOME=/h', readFile: () => null } }), 'options.env'],
    [() => listProfiles({ host: { env: { HOME: 7 }, readFile: () => null } }), 'options.env'],
    [() => listProfiles({ host: { env: { HOME: '/h' }, readFile: () => 42 } }), 'options.readFile'],
  ];
  for (const [call, argument] of cases) {
    const error = await rejection(call());
    assertCredchainError(error, 'InvalidArgument');
    assert.ok(error instanceof TypeError, argument);
    assert.equal(error.argument, argument, error.message);
  }
});

test('values and names of any length pass through every call (the probe F2, for npm)', async () => {
  const big = (c) => c.repeat(200_000);
  const { host } = memory({}, {
    config: `[default]\nregion = ${big('r')}\nca_bundle = ${big('b')}\n[profile ${big('n')}]\nregion = x\n`,
    credentials: `[default]\naws_access_key_id = AKIAHUGE000000000001\naws_secret_access_key = ${big('s')}\n`,
  });
  assert.equal(await configureGet('region', { host }), big('r'));
  assert.deepEqual(await listProfiles({ host }), ['default', big('n')]);
  // Resolved, the region is no host label: refused, naming it.
  const invalid = await rejection(resolveSetting('region', { host }));
  assert.ok(isCredchainError(invalid), String(invalid));
  const explained = await explainCredentials({ host });
  assert.equal(explained.chosen.provider, 'shared-credentials-file');
  assert.ok(!JSON.stringify(explained).includes('sssssssss'), 'the secret is not in the report');
  // A missing profile of a huge name: an error naming it and the profiles that exist (one of
  // them 200,000 characters long), nothing more.
  const missing = await rejection(configureGet('region', { host, profile: big('m') }));
  assert.ok(isCredchainError(missing) && missing.message.length < 401_000, missing.message.length);
});
