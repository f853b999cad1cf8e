// resolveSetting, listProfiles and configureGet through both hosts: values, their sources
// (file path and line), precedence, profile order, nested keys.

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';

import { HOSTS, PROFILES, configureGet, listProfiles, resolveSetting } from './helpers.mjs';

for (const [hostName, makeHost] of Object.entries(HOSTS)) {
  describe(`${hostName} host`, () => {
    const made = [];
    const setup = async (env) => {
      const h = await makeHost(env);
      made.push(h);
      return h;
    };
    after(() => Promise.all(made.map((h) => h.remove?.())));

    test('region and output of the default profile, with file and line', async () => {
      const { host, config } = await setup();
      assert.deepEqual(await resolveSetting('region', { host }), {
        value: 'us-east-1',
        source: { kind: 'config-file', path: config, line: 3 },
      });
      assert.deepEqual(await resolveSetting('output', { host }), {
        value: 'json',
        source: { kind: 'config-file', path: config, line: 4 },
      });
    });

    test('a named profile, and a key only in the credentials file', async () => {
      const { host, config, credentials } = await setup();
      assert.deepEqual(await resolveSetting('output', { host, profile: 'dev' }), {
        value: 'text',
        source: { kind: 'config-file', path: config, line: 8 },
      });
      assert.deepEqual(await resolveSetting('region', { host, profile: 'ci' }), {
        value: 'ap-northeast-1',
        source: { kind: 'credentials-file', path: credentials, line: 6 },
      });
    });

    test('precedence: option > environment > profile > default', async () => {
      const env = { AWS_PROFILE: 'dev', AWS_REGION: 'ca-central-1', AWS_DEFAULT_REGION: 'sa-east-1' };
      const { host, config } = await setup(env);
      assert.deepEqual(await resolveSetting('region', { host, region: 'ap-south-1' }), {
        value: 'ap-south-1',
        source: { kind: 'option', name: '--region' },
      });
      assert.deepEqual(await resolveSetting('region', { host }), {
        value: 'ca-central-1',
        source: { kind: 'env', name: 'AWS_REGION' },
      });
      host.env.AWS_REGION = undefined; // unset, as `delete process.env.X` would
      assert.deepEqual(await resolveSetting('region', { host }), {
        value: 'sa-east-1',
        source: { kind: 'env', name: 'AWS_DEFAULT_REGION' },
      });
      host.env.AWS_DEFAULT_REGION = ''; // empty counts as unset
      assert.deepEqual(await resolveSetting('region', { host }), {
        value: 'eu-west-1',
        source: { kind: 'config-file', path: config, line: 7 },
      });
      assert.deepEqual(await resolveSetting('output', { host, output: 'table' }), {
        value: 'table',
        source: { kind: 'option', name: '--output' },
      });
      host.env.AWS_DEFAULT_OUTPUT = 'yaml';
      assert.deepEqual(await resolveSetting('output', { host }), {
        value: 'yaml',
        source: { kind: 'env', name: 'AWS_DEFAULT_OUTPUT' },
      });
      assert.deepEqual(await resolveSetting('max_attempts', { host }), {
        value: '3',
        source: { kind: 'default' },
      });
      assert.equal(await resolveSetting('ca_bundle', { host }), null);
    });

    test('the active profile: option > AWS_PROFILE > AWS_DEFAULT_PROFILE > default', async () => {
      const { host } = await setup({ AWS_PROFILE: 'dev', AWS_DEFAULT_PROFILE: 'prod' });
      assert.deepEqual(await resolveSetting('profile', { host, profile: 'ci' }), {
        value: 'ci',
        source: { kind: 'option', name: '--profile' },
      });
      assert.deepEqual(await resolveSetting('profile', { host }), {
        value: 'dev',
        source: { kind: 'env', name: 'AWS_PROFILE' },
      });
      assert.equal((await resolveSetting('region', { host })).value, 'eu-west-1');
      delete host.env.AWS_PROFILE;
      assert.equal((await resolveSetting('region', { host })).value, 'us-west-2');
      delete host.env.AWS_DEFAULT_PROFILE;
      assert.deepEqual(await resolveSetting('profile', { host }), {
        value: 'default',
        source: { kind: 'default' },
      });
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
