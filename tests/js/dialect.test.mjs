// The two dialects: the AWS CLI's reading (the default) and the SDKs' shared-file spec.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { memoryHost, rejection, resolveSetting } from './helpers.mjs';

const config = (text) => memoryHost({ env: { HOME: '/h' }, files: { '/h/.aws/config': text } });

test('an inline comment is part of the value for the AWS CLI, a comment for the SDKs', async () => {
  const host = config('[default]\noutput = text # team default\nregion = us-west-2 ; c\n');
  const source = { kind: 'config-file', path: '/h/.aws/config', line: 2 };
  assert.deepEqual(await resolveSetting('output', { host }), { value: 'text # team default', source });
  assert.deepEqual(await resolveSetting('output', { host, dialect: 'awscli' }), {
    value: 'text # team default',
    source,
  });
  assert.deepEqual(await resolveSetting('output', { host, dialect: 'sdk' }), { value: 'text', source });
  // So a commented region is invalid for the AWS CLI, and fine for the SDKs.
  const error = await rejection(resolveSetting('region', { host }));
  assert.equal(error.code, 'InvalidRegion');
  assert.equal(error.value, 'us-west-2 ; c');
  assert.equal((await resolveSetting('region', { host, dialect: 'sdk' })).value, 'us-west-2');
});

test('a repeated section: fatal for the AWS CLI, merged by the SDKs', async () => {
  const host = config('[default]\nregion = us-east-1\n[default]\noutput = text\n');
  const error = await rejection(resolveSetting('region', { host }));
  assert.equal(error.code, 'ParseError');
  assert.deepEqual([error.problem, error.line, error.firstLine], ['duplicateSection', 3, 1]);
  assert.equal((await resolveSetting('region', { host, dialect: 'sdk' })).value, 'us-east-1');
  assert.equal((await resolveSetting('output', { host, dialect: 'sdk' })).value, 'text');
});

test("an unterminated header: each dialect's own error", async () => {
  const host = config('[default]\nregion = us-east-1\n[profile x\n');
  const cli = await rejection(resolveSetting('region', { host }));
  assert.deepEqual([cli.code, cli.dialect, cli.problem, cli.line], ['ParseError', 'awscli', 'notAProperty', 3]);
  const sdk = await rejection(resolveSetting('region', { host, dialect: 'sdk' }));
  assert.deepEqual([sdk.code, sdk.dialect, sdk.problem, sdk.line], ['ParseError', 'sdk', 'unterminatedSection', 3]);
});

test('the home directory on Windows: USERPROFILE for the AWS CLI, HOME first for the SDKs', async () => {
  const host = memoryHost({
    env: { HOME: 'D:\\home', USERPROFILE: 'C:\\Users\\me' },
    files: {
      'C:\\Users\\me\\.aws\\config': '[default]\nregion = eu-north-1\n',
      'D:\\home\\.aws\\config': '[default]\nregion = me-south-1\n',
    },
    platform: 'windows',
  });
  assert.deepEqual(await resolveSetting('region', { host }), {
    value: 'eu-north-1',
    source: { kind: 'config-file', path: 'C:\\Users\\me\\.aws\\config', line: 2 },
  });
  assert.deepEqual(await resolveSetting('region', { host, dialect: 'sdk' }), {
    value: 'me-south-1',
    source: { kind: 'config-file', path: 'D:\\home\\.aws\\config', line: 2 },
  });
});
