// The hosts: the node host reads real files through fs/promises (the core's async I/O path,
// awaited across the JS boundary), the memory host serves given texts, and any object of the
// same shape is a host.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import process from 'node:process';
import { test } from 'node:test';

import {
  CONFIG,
  listProfiles,
  memoryHost,
  node,
  nodeHost,
  removedAfter,
  resolveSetting,
  tempHome,
} from './helpers.mjs';

const made = removedAfter();

test('the node host reads both files, config first, as bytes, asynchronously', async () => {
  const h = await node();
  made.push(h);
  const calls = [];
  const host = {
    env: h.host.env,
    async readFile(path) {
      calls.push(path);
      await new Promise((resolve) => setTimeout(resolve, 5)); // a real wait, awaited by the core
      const contents = await h.host.readFile(path);
      assert.ok(contents instanceof Uint8Array);
      return contents;
    },
  };
  assert.equal((await resolveSetting('region', { host })).value, 'us-east-1');
  assert.deepEqual(calls, [h.config, h.credentials]);
});

test('the node host: files larger than its read buffer, then smaller ones, read whole each call', async () => {
  // The module's reads go through one buffer kept from call to call (node.js readForModule):
  // a file past its first size makes it grow, and a shorter file read after must not carry
  // the longer one's tail.
  const h = await node({}, {});
  made.push(h);
  const profiles = (n, region) =>
    Array.from({ length: n }, (_, i) => `[profile p${i}]\nregion = ${region}-${i}\n`).join('');
  for (const [n, region] of [[6000, 'big'], [3, 'small'], [20000, 'bigger'], [1, 'tiny']]) {
    await writeFile(h.config, `[default]\nregion = ${region}\n${profiles(n, region)}`);
    await writeFile(h.credentials, `[p${n - 1}]\naws_access_key_id = AKID${n}\n`);
    const names = await listProfiles({ host: h.host });
    assert.equal(names.length, n + 1, `${n} profiles`);
    assert.equal(names.at(-1), `p${n - 1}`);
    assert.equal((await resolveSetting('region', { host: h.host })).value, region);
    assert.equal((await resolveSetting('region', { host: h.host, profile: `p${n - 1}` })).value, `${region}-${n - 1}`);
  }
});

test("the node host's readFile gives each caller bytes of its own", async () => {
  const h = await node({}, { config: '[default]\nregion = from-config\n', credentials: '[ci]\nregion = x\n' });
  made.push(h);
  const first = h.host.readFile(h.config);
  const second = h.host.readFile(h.credentials);
  // The module's own reads (through the kept buffer) in between change neither.
  assert.equal((await resolveSetting('region', { host: h.host })).value, 'from-config');
  assert.equal(new TextDecoder().decode(first), '[default]\nregion = from-config\n');
  assert.equal(new TextDecoder().decode(second), '[ci]\nregion = x\n');
});

test('the node host: missing files read as empty (ENOENT, ENOTDIR)', async () => {
  const h = await node({}, {});
  made.push(h);
  assert.equal(await resolveSetting('region', { host: h.host }), null);
  assert.deepEqual(await listProfiles({ host: h.host }), []);
  h.host.env.AWS_CONFIG_FILE = join(h.home, '.aws', 'config', 'below-a-file');
  await writeFile(join(h.home, '.aws', 'config'), '');
  assert.equal(await resolveSetting('region', { host: h.host }), null);
});

test('the node host: a FIFO, a directory or a device as a shared file reads as no file, at once', async () => {
  const h = await node({}, { credentials: '[default]\nregion = creds-1\n' });
  made.push(h);
  const fifo = join(h.home, 'fifo');
  execFileSync('mkfifo', [fifo]);
  // A plain open(2) of a FIFO with no writer waits for one for ever: the read must not.
  for (const path of [fifo, h.home, '/dev/null', '/dev/zero']) {
    h.host.env.AWS_CONFIG_FILE = path;
    const started = Date.now();
    assert.deepEqual(await listProfiles({ host: h.host }), ['default'], path);
    assert.ok(Date.now() - started < 2000, `${path}: ${Date.now() - started} ms`);
  }
  // The node host reads with the sync calls: it throws rather than rejects.
  assert.throws(() => h.host.readFile(fifo), (e) => e.code === 'not-a-file');
});

test('the node host: AWS_CONFIG_FILE with ~ and $VAR, as the AWS CLI expands them', async () => {
  const h = await tempHome({});
  made.push(h);
  await mkdir(join(h.home, 'team'));
  await writeFile(join(h.home, 'team', 'config'), CONFIG);
  const host = nodeHost({ env: { HOME: h.home, TEAM: 'team', AWS_CONFIG_FILE: '~/$TEAM/config' } });
  assert.deepEqual(await resolveSetting('region', { host, profile: 'prod' }), {
    value: 'us-west-2',
    source: { kind: 'config-file', path: join(h.home, 'team', 'config'), line: 14 },
  });
});

test('nodeHost() reads process.env by default, at each call', async () => {
  const h = await tempHome();
  made.push(h);
  const saved = { ...process.env };
  try {
    // Point both files at the temporary ones: never the real ~/.aws.
    process.env.AWS_CONFIG_FILE = h.config;
    process.env.AWS_SHARED_CREDENTIALS_FILE = h.credentials;
    process.env.AWS_PROFILE = 'dev';
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    const host = nodeHost();
    assert.equal(host.platform, process.platform === 'win32' ? 'windows' : 'unix');
    assert.deepEqual(await resolveSetting('region', { host }), {
      value: 'eu-west-1',
      source: { kind: 'config-file', path: h.config, line: 7 },
    });
    process.env.AWS_REGION = 'il-central-1';
    assert.deepEqual((await resolveSetting('region', { host })).source, {
      kind: 'env',
      name: 'AWS_REGION',
    });
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  }
});

test('nodeHost() over process.env: a variable a path names ($VAR) is read when asked for', async () => {
  // The package copies only AWS_* and the home variables out of the live process.env; any
  // other is read the moment the core asks for it, here through AWS_CONFIG_FILE's $TEAM.
  const h = await tempHome({});
  made.push(h);
  await mkdir(join(h.home, 'team-7'));
  await writeFile(join(h.home, 'team-7', 'config'), CONFIG);
  const saved = { ...process.env };
  try {
    process.env.CREDCHAIN_TEST_TEAM = 'team-7';
    process.env.AWS_CONFIG_FILE = join(h.home, '$CREDCHAIN_TEST_TEAM', 'config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(h.home, 'no-credentials');
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    delete process.env.AWS_PROFILE;
    const found = await resolveSetting('region', { host: nodeHost(), profile: 'prod' });
    assert.deepEqual(found.source, { kind: 'config-file', path: join(h.home, 'team-7', 'config'), line: 14 });
    delete process.env.CREDCHAIN_TEST_TEAM;
    // Unset, $VAR stays as written (os.path.expandvars): no such directory, no such file.
    await assert.rejects(resolveSetting('region', { host: nodeHost(), profile: 'prod' }), {
      code: 'ProfileNotFound',
    });
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  }
});

test('the memory host: strings, bytes, a Map, and an empty path naming no file', async () => {
  const text = '[default]\nregion = af-south-1\n';
  for (const files of [
    { '/h/.aws/config': text },
    { '/h/.aws/config': new TextEncoder().encode(text) },
    new Map([['/h/.aws/config', text]]),
  ]) {
    const host = memoryHost({ env: { HOME: '/h' }, files });
    assert.equal((await resolveSetting('region', { host })).value, 'af-south-1');
  }
  const host = memoryHost({ env: { HOME: '/h', AWS_CONFIG_FILE: '' }, files: { '': text } });
  assert.equal(await resolveSetting('region', { host }), null);
});

test('any object with env and readFile is a host; readFile may return without a promise', async () => {
  const host = {
    env: { AWS_CONFIG_FILE: '/etc/aws/config', AWS_SHARED_CREDENTIALS_FILE: '/etc/aws/creds' },
    readFile: (path) => (path === '/etc/aws/config' ? '[profile a]\n[profile b]\n' : null),
  };
  assert.deepEqual(await listProfiles({ host }), ['a', 'b']);
  // An environment without a prototype, and a proxy, are objects too.
  const bare = Object.assign(Object.create(null), host.env, { AWS_REGION: 'eu-west-1' });
  for (const env of [bare, new Proxy({ ...host.env, AWS_REGION: 'eu-west-1' }, {})]) {
    const found = await resolveSetting('region', { host: { ...host, env } });
    assert.deepEqual(found.source, { kind: 'env', name: 'AWS_REGION' });
  }
});

test('on Windows, variable names are case-insensitive', async () => {
  const files = { 'C:\\Users\\me\\.aws\\config': '[default]\nregion = eu-south-1\n' };
  const env = { userprofile: 'C:\\Users\\me', aws_region: 'eu-west-3' };
  const host = memoryHost({ env, files, platform: 'windows' });
  assert.deepEqual(await resolveSetting('region', { host }), {
    value: 'eu-west-3',
    source: { kind: 'env', name: 'AWS_REGION' },
  });
  delete env.aws_region;
  assert.equal((await resolveSetting('region', { host })).value, 'eu-south-1');
  // Not on Unix: there `userprofile` is not USERPROFILE, nor HOME, so no file is read.
  assert.equal(await resolveSetting('region', { host, platform: 'unix' }), null);
});
