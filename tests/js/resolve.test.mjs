// resolveSetting, listProfiles and configureGet through both hosts: values, their sources
// (file path and line), precedence, profile order, nested keys.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  HOSTS,
  PROFILES,
  configureGet,
  listProfiles,
  removedAfter,
  resolveSetting,
} from './helpers.mjs';

/** resolveSetting(name, options) resolves to `value`, from `source`. */
async function assertSetting(name, options, value, source) {
  assert.deepEqual(await resolveSetting(name, options), { value, source });
}

for (const [hostName, makeHost] of Object.entries(HOSTS)) {
  describe(`${hostName} host`, () => {
    const made = removedAfter();
    const setup = async (env) => {
      const h = await makeHost(env);
      made.push(h);
      return h;
    };

    test('region and output of the default profile, with file and line', async () => {
      const { host, config } = await setup();
      await assertSetting('region', { host }, 'us-east-1', { kind: 'config-file', path: config, line: 3 });
      await assertSetting('output', { host }, 'json', { kind: 'config-file', path: config, line: 4 });
    });

    test('a named profile, and a key only in the credentials file', async () => {
      const { host, config, credentials } = await setup();
      await assertSetting('output', { host, profile: 'dev' }, 'text', { kind: 'config-file', path: config, line: 8 });
      await assertSetting('region', { host, profile: 'ci' }, 'ap-northeast-1', { kind: 'credentials-file', path: credentials, line: 6 });
    });

    test('precedence: option > environment > profile > default', async () => {
      const env = { AWS_PROFILE: 'dev', AWS_REGION: 'ca-central-1', AWS_DEFAULT_REGION: 'sa-east-1' };
      const { host, config } = await setup(env);
      await assertSetting('region', { host, region: 'ap-south-1' }, 'ap-south-1', { kind: 'option', name: '--region' });
      await assertSetting('region', { host }, 'ca-central-1', { kind: 'env', name: 'AWS_REGION' });
      host.env.AWS_REGION = undefined; // unset, as `delete process.env.X` would
      await assertSetting('region', { host }, 'sa-east-1', { kind: 'env', name: 'AWS_DEFAULT_REGION' });
      host.env.AWS_DEFAULT_REGION = ''; // empty counts as unset
      await assertSetting('region', { host }, 'eu-west-1', { kind: 'config-file', path: config, line: 7 });
      await assertSetting('output', { host, output: 'table' }, 'table', { kind: 'option', name: '--output' });
      host.env.AWS_DEFAULT_OUTPUT = 'yaml';
      await assertSetting('output', { host }, 'yaml', { kind: 'env', name: 'AWS_DEFAULT_OUTPUT' });
      await assertSetting('max_attempts', { host }, '3', { kind: 'default' });
      assert.equal(await resolveSetting('ca_bundle', { host }), null);
    });

    test('the active profile: option > AWS_PROFILE > AWS_DEFAULT_PROFILE > default', async () => {
      const { host } = await setup({ AWS_PROFILE: 'dev', AWS_DEFAULT_PROFILE: 'prod' });
      await assertSetting('profile', { host, profile: 'ci' }, 'ci', { kind: 'option', name: '--profile' });
      await assertSetting('profile', { host }, 'dev', { kind: 'env', name: 'AWS_PROFILE' });
      assert.equal((await resolveSetting('region', { host })).value, 'eu-west-1');
      delete host.env.AWS_PROFILE;
      assert.equal((await resolveSetting('region', { host })).value, 'us-west-2');
      delete host.env.AWS_DEFAULT_PROFILE;
      await assertSetting('profile', { host }, 'default', { kind: 'default' });
    });

    test('listProfiles: config-file profiles first, then credentials-only ones', async () => {
      const { host } = await setup();
      assert.deepEqual(await listProfiles({ host }), PROFILES);
    });

    test('configureGet: keys, nested sub-properties, profile.NAME.key, unset', async () => {
      const { host } = await setup({ AWS_REGION: 'ignored-by-configure-get' });
      assert.equal(await configureGet('region', { host }), 'us-east-1');
      assert.equal(await configureGet('s3.max_concurrent_requests', { host, profile: 'dev' }), '20');
      assert.equal(await configureGet('profile.dev.s3.multipart_threshold', { host }), '64MB');
      assert.equal(await configureGet('profile.prod.region', { host }), 'us-west-2');
      assert.equal(await configureGet('dev.output', { host }), 'text');
      assert.equal(await configureGet('s3.max_concurrent_requests', { host }), null);
      assert.equal(await configureGet('no_such_key', { host }), null);
    });
  });
}
