// configureSet through both hosts: where `aws configure set` puts each name, the file's other
// bytes kept, what a later read sees (with its line), refusals, and the Node host's writes
// (atomic, the mode kept, a missing file created private).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { chmod, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import {
  HOSTS,
  configureGet,
  configureSet,
  node,
  rejection,
  removedAfter,
  resolveSetting,
} from './helpers.mjs';

const CONFIG = `# my config
[default]
region = us-east-1 # home

[profile dev]
; dev account
output = json
s3 =
  max_concurrent_requests = 10

[profile last]
region = a
`;

const CREDENTIALS = '[default]\naws_access_key_id = AKIDOLD\naws_secret_access_key = old\n';

/** A file of the `aws configure set` sequence shared with the CLI's tests (tests/fixtures). */
const observed = (name) =>
  readFileSync(new URL(`../fixtures/configure-set/${name}`, import.meta.url), 'utf8');

/** The sequence's commands: [name, value, options] (tests/fixtures/README.md). */
const OBSERVED_STEPS = observed('steps.tsv')
  .split('\n')
  .filter((line) => line !== '' && !line.startsWith('#'))
  .map((line) => {
    const [name, value, profile] = line.split('\t');
    return [name, value, profile ? { profile } : {}];
  });

/** The text of the file at `path` through the host (memory or disk). */
async function text(host, path) {
  const bytes = await host.readFile(path);
  return bytes === null ? null : new TextDecoder().decode(bytes);
}

for (const [hostName, makeHost] of Object.entries(HOSTS)) {
  describe(`${hostName} host`, () => {
    const made = removedAfter();
    const setup = async (env = {}, files = { config: CONFIG, credentials: CREDENTIALS }) => {
      const h = await makeHost(env, files);
      made.push(h);
      return h;
    };

    test('the AWS CLI configure set sequence, byte for byte', async () => {
      const start = { config: observed('config'), credentials: observed('credentials') };
      const { host, config, credentials } = await setup({}, start);
      assert.equal(OBSERVED_STEPS.length, 7);
      for (const [name, value, options] of OBSERVED_STEPS) {
        await configureSet(name, value, { host, ...options });
      }
      assert.equal(await text(host, config), observed('config.expected'));
      assert.equal(await text(host, credentials), observed('credentials.expected'));
    });

    test('what it wrote, and where, is what a read then finds', async () => {
      const { host, config, credentials } = await setup({ AWS_PROFILE: 'my dev' });
      const wrote = await configureSet('region', 'ca-central-1', { host });
      assert.deepEqual(wrote, { file: 'config', path: config, section: "profile 'my dev'", created: false });
      assert.deepEqual(await resolveSetting('region', { host }), {
        value: 'ca-central-1',
        source: { kind: 'config-file', path: config, line: 14 },
      });
      const keys = await configureSet('aws_session_token', 'tok', { host });
      assert.deepEqual(keys, { file: 'credentials', path: credentials, section: 'my dev', created: false });
      assert.equal(await configureGet('aws_session_token', { host }), 'tok');
      const session = await configureSet('sso_region', 'eu-north-1', { host, ssoSession: 'corp' });
      assert.equal(session.section, 'sso-session corp');
      assert.match(await text(host, config), /\[sso-session corp\]\nsso_region = eu-north-1\n$/);
    });

    test('refusals name the problem and leave the files alone', async () => {
      const { host, config } = await setup();
      const before = await text(host, config);
      const deep = await rejection(configureSet('s3.a.b', 'x', { host }));
      assert.equal(deep.code, 'InvalidEdit');
      assert.match(deep.message, /Deep nesting of properties is not supported/);
      const newline = await rejection(configureSet('aws_secret_access_key', 'a\nsecret-part', { host }));
      assert.equal(newline.code, 'InvalidEdit');
      assert.match(newline.message, /aws_secret_access_key/);
      assert.doesNotMatch(newline.message, /secret-part/);
      const session = await rejection(configureSet('k', 'v', { host, ssoSession: ' x' }));
      assert.equal(session.code, 'InvalidEdit');
      const both = await rejection(configureSet('k', 'v', { host, ssoSession: 'a', services: 'b' }));
      assert.equal(both.code, 'InvalidArgument');
      assert.equal(await text(host, config), before);
    });
  });
}

describe('memory host', () => {
  test('a host without a write function cannot set', async () => {
    const host = { env: { HOME: '/h' }, readFile: async () => null };
    const error = await rejection(configureSet('region', 'x', { host }));
    assert.equal(error.code, 'WriteError');
    assert.equal(error.reason, 'unsupported');
    assert.equal(error.path, '/h/.aws/config');
  });

  test('another writer between the read and the write is edited over, not lost', async () => {
    let reads = 0;
    let file = '[default]\n';
    const host = {
      env: { HOME: '/h' },
      async readFile(path) {
        if (path !== '/h/.aws/config') return null;
        reads += 1;
        // The read just before the write sees another program's edit.
        if (reads === 2) file += '# another writer\n';
        return file;
      },
      async writeSharedFile(path, bytes) {
        file = new TextDecoder().decode(bytes);
      },
    };
    await configureSet('region', 'us-east-2', { host });
    assert.equal(file, '[default]\n# another writer\nregion = us-east-2\n');
  });
});

describe('node host', () => {
  const made = removedAfter();

  test('a missing file is created private, an existing one keeps its mode, links are kept', async () => {
    const h = await node({}, {});
    made.push(h);
    const wrote = await configureSet('region', 'eu-west-3', { host: h.host });
    assert.equal(wrote.created, true);
    assert.equal((await stat(h.config)).mode & 0o777, 0o600);
    assert.equal(await readFile(h.config, 'utf8'), '[default]\nregion = eu-west-3\n');

    await chmod(h.config, 0o640);
    await configureSet('output', 'json', { host: h.host });
    assert.equal((await stat(h.config)).mode & 0o777, 0o640);

    const real = join(h.home, 'dotfiles-credentials');
    await writeFile(real, '[default]\n');
    await symlink(real, h.credentials);
    await configureSet('aws_access_key_id', 'AKIDLINK', { host: h.host });
    assert.equal(await readFile(real, 'utf8'), '[default]\naws_access_key_id = AKIDLINK\n');
    assert.ok((await import('node:fs')).lstatSync(h.credentials).isSymbolicLink());
  });
});
